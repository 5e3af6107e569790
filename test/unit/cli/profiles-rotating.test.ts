import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../../electron/cli/main';
import { root, sesame, stored, useTempConfig } from './profiles-helpers';

useTempConfig();

const SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
/** The saved profiles, as the file holds them. */
const saved = () =>
  (JSON.parse(stored() ?? '{"profiles":[]}') as { profiles: Record<string, unknown>[] }).profiles;

const uri = (label: string, extra = '') =>
  `sesame://rotating?v=1&secret=${SECRET}&label=${label}&step=30&length=4&ports=10000-29999&protocols=tcp${extra}`;

describe('sesame profiles add --uri: a rotating sequence from a provisioning URI', () => {
  it('saves the rotating open (and close) sequence, the host taken from the URI', async () => {
    const added = await sesame(
      'add',
      '--name',
      'gate',
      '--uri',
      uri('open', '&host=gate.example.org'),
      '--close-uri',
      uri('close'),
    );
    expect(added).toMatchObject({ code: 0, out: 'added profile "gate"\n', err: '' });
    const file = JSON.parse(stored() ?? '{}') as { profiles: Record<string, unknown>[] };
    expect(file.profiles[0]).toMatchObject({
      host: 'gate.example.org',
      open: { secret: SECRET, label: 'open', stepSeconds: 30, length: 4 },
      close: { secret: SECRET, label: 'close' },
    });
    const list = await sesame('list');
    expect(list.out).toContain('rotating "open" (4 knocks, 30 s steps, ports 10000-29999 tcp)');
    const show = await sesame('show', 'gate');
    expect(show.out).toMatch(/^close: +rotating "close"/m);
    expect(show.out).not.toContain(SECRET);
  });

  it("lets --host override the URI's host, and needs one from somewhere", async () => {
    expect(
      (
        await sesame(
          'add',
          '--name',
          'a',
          '--host',
          'other.example',
          '--uri',
          uri('open', '&host=x.example'),
        )
      ).code,
    ).toBe(0);
    expect(saved()[0]?.host).toBe('other.example');
    const hostless = await sesame('add', '--name', 'b', '--uri', uri('open'));
    expect(hostless).toMatchObject({ code: 1, out: '' });
    expect(hostless.err).toBe('sesame: profile field host: give --host (the URI names no host)\n');
  });

  it('refuses a bad URI naming the option and the field, and writes nothing', async () => {
    const short = await sesame(
      'add',
      '--name',
      'g',
      '--host',
      'h',
      '--uri',
      'sesame://rotating?v=1&secret=JBSWY3DPEHPK3PXP&label=open',
    );
    expect(short).toMatchObject({ code: 1, out: '' });
    expect(short.err).toBe(
      'sesame: profile field open: --uri: secret: the secret has 80 bits; it needs at least 160\n',
    );
    const both = await sesame(
      'add',
      '--name',
      'g',
      '--host',
      'h',
      '--open',
      '7000',
      '--uri',
      uri('open'),
    );
    expect(both.err).toBe('sesame: profile field open: give --open or --uri, not both\n');
    const flags = await sesame(
      'add',
      '--name',
      'g',
      '--host',
      'h',
      '--uri',
      uri('open'),
      '--tcp-flags',
      'fin',
    );
    expect(flags.err).toMatch(/tcpFlags: --tcp-flags applies to fixed sequences/);
    const other = await sesame(
      'add',
      '--name',
      'g',
      '--host',
      'h',
      '--uri',
      'otpauth://totp/x?secret=AB',
    );
    expect(other.err).toMatch(/--uri: a provisioning URI starts with sesame:\/\/rotating\?/);
    expect(stored()).toBeUndefined();
  });

  it('edit --uri turns a fixed open sequence (or an SPA request) into a rotating one', async () => {
    await sesame('add', '--name', 'web', '--host', 'web.example', '--open', '7000,8000');
    expect((await sesame('edit', 'web', '--uri', uri('web'))).code).toBe(0);
    expect(saved()[0]?.open).toMatchObject({ label: 'web' });
    expect((await sesame('edit', 'web', '--open', '7000')).code).toBe(0);
    expect(saved()[0]?.open).toEqual([{ port: 7000, protocol: 'tcp' }]);
  });
});

describe('a rotating profile in the other commands', () => {
  it('ssh --dry-run prints the knocks of this step; export and import keep it whole', async () => {
    await sesame('add', '--name', 'gate', '--host', '127.0.0.1', '--uri', uri('open'));
    const out: string[] = [];
    const code = await runCli(['ssh', 'gate', '--dry-run'], {
      out: (t) => out.push(t),
      err: (t) => out.push(t),
    });
    expect(code).toBe(0);
    const text = out.join('');
    expect(text).toContain(
      "would send the rotating sequence of the step it is sent in (one every 30 s); this step's:",
    );
    expect(text.match(/^would hit tcp 127\.0\.0\.1:\d{5}$/gm)).toHaveLength(4);
    const exported = await sesame('export');
    expect(exported.code).toBe(0);
    const file = join(root, 'export.json');
    writeFileSync(file, exported.out);
    expect((await sesame('remove', 'gate')).code).toBe(0);
    expect(await sesame('import', file)).toMatchObject({ code: 0, err: '' });
    expect(saved()[0]?.open).toEqual({
      secret: SECRET,
      label: 'open',
      stepSeconds: 30,
      length: 4,
      ports: { low: 10000, high: 29999 },
      protocols: 'tcp',
    });
  });
});
