import { describe, expect, it } from 'vitest';
import { version } from '../../../package.json';
import { runCli } from '../../../electron/cli/main';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t) }, out, err };
}

describe('sesame CLI', () => {
  it('prints usage for help and for no command', async () => {
    for (const argv of [[], ['help'], ['--help']]) {
      const c = capture();
      expect(await runCli(argv, c.io)).toBe(0);
      expect(c.out.join('')).toMatch(/^Usage: sesame <command>/);
    }
  });

  it('prints the package version', async () => {
    const c = capture();
    expect(await runCli(['--version'], c.io)).toBe(0);
    expect(c.out.join('')).toBe(`sesame ${version}\n`);
  });

  it('does not take object built-ins for commands', async () => {
    for (const name of ['constructor', '__proto__', 'toString']) {
      const c = capture();
      expect(await runCli([name], c.io)).toBe(1);
      expect(c.err.join('')).toContain(`unknown command '${name}'`);
    }
  });

  it('exits 1 naming an unknown command', async () => {
    const c = capture();
    expect(await runCli(['frobnicate'], c.io)).toBe(1);
    expect(c.err.join('')).toMatch(/unknown command 'frobnicate'/);
    expect(c.out).toEqual([]);
  });
});
