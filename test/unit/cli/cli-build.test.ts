import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { version } from '../../../package.json';

const run = promisify(execFile);
// Built inside the project so its external packages (zod, ...) resolve from node_modules.
mkdirSync(join(process.cwd(), 'out'), { recursive: true });
const dir = mkdtempSync(join(process.cwd(), 'out', '.cli-test-'));
const outfile = join(dir, 'sesame.js');

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('the built CLI', () => {
  it('runs under plain node without ever loading electron', async () => {
    // A chunk of an earlier build (chunk names change with their contents) must not stay, to be packed.
    const stale = join(dir, 'sesame-chunk-EARLIER.js');
    writeFileSync(stale, '');
    await run(process.execPath, ['scripts/build-cli.mjs', outfile]);
    expect(existsSync(stale)).toBe(false);
    const { stdout } = await run(process.execPath, [
      '--import',
      new URL('../../support/refuse-electron-hook.mjs', import.meta.url).href,
      outfile,
      '--version',
    ]);
    expect(stdout).toBe(`sesame ${version}\n`);
  });

  it('loads no package for `sesame server`, which the other commands load zod for', async () => {
    const loaded = async (args: string[]) => {
      const { stderr } = await run(process.execPath, [
        '--import',
        new URL('../../support/log-packages-hook.mjs', import.meta.url).href,
        outfile,
        ...args,
      ]);
      return [...stderr.matchAll(/^package loaded: (\S+)$/gm)].map((m) => m[1]);
    };
    expect(await loaded(['--version'])).toContain('zod');
    // The server holds memory for months: the other commands' modules would cost it ~20 MB.
    expect(await loaded(['server', '--help'])).toEqual([]);
  });
}, 30_000);
