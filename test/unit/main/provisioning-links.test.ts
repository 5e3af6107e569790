import { describe, expect, it } from 'vitest';
import {
  claimLinkScheme,
  linksIn,
  ProvisioningLinks,
} from '../../../electron/main/provisioning-links';

const link = 'sesame://rotating?v=1&secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&label=open';

describe('provisioning links', () => {
  it('finds links among process arguments, and nothing else', () => {
    expect(linksIn(['/usr/bin/sesame', '--no-sandbox', link, 'sesame://app/x'])).toEqual([link]);
    expect(linksIn([`${link}&x=${'a'.repeat(5000)}`])).toEqual([]);
  });

  it('keeps links until taken, announcing each, and hands each over once', () => {
    const links = new ProvisioningLinks();
    const heard: number[] = [];
    links.opened.add(({ pending }) => heard.push(pending));
    expect(links.offer(link)).toBe(true);
    expect(links.offer('https://example.org/')).toBe(false);
    expect(links.offer(`${link}&step=60`)).toBe(true);
    expect(heard).toEqual([1, 2]);
    expect(links.take()).toEqual([link, `${link}&step=60`]);
    expect(links.take()).toEqual([]);
  });

  it('keeps at most 8 waiting links', () => {
    const links = new ProvisioningLinks();
    for (let i = 0; i < 10; i += 1) links.offer(`${link}&step=${String(30 + i)}`);
    expect(links.take()).toHaveLength(8);
  });

  it('claims the scheme only in an installed app that is not the handler yet', () => {
    const claims: string[] = [];
    const warnings: string[] = [];
    const app = (isPackaged: boolean, isDefault: boolean, works = true) => ({
      isPackaged,
      isDefaultProtocolClient: () => isDefault,
      setAsDefaultProtocolClient: (scheme: string) => {
        claims.push(scheme);
        return works;
      },
    });
    const log = { warn: (line: string) => warnings.push(line) };
    claimLinkScheme(app(false, false), log);
    claimLinkScheme(app(true, true), log);
    expect(claims).toEqual([]);
    claimLinkScheme(app(true, false), log);
    expect(claims).toEqual(['sesame']);
    claimLinkScheme(app(true, false, false), log);
    expect(warnings).toEqual(['could not register as the handler of sesame:// links']);
  });
});
