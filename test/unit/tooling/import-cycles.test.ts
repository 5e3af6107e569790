import { execFile } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { stripVTControlCharacters, promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';

// `npm run lint` ends with `lint:cycles` (dpdm over electron/, shared/, renderer/ and scripts/).
// The check counts type-only imports too: two files that need each other's types share one job.
const run = promisify(execFile);
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const cycleDir = path.join(process.cwd(), 'shared', `cycle-test-${process.pid}`);
afterEach(() => rmSync(cycleDir, { recursive: true, force: true }));

async function lintCycles(): Promise<{ code: number; output: string }> {
  try {
    const { stdout } = await run(npm, ['run', '--silent', 'lint:cycles']);
    return { code: 0, output: stripVTControlCharacters(stdout) };
  } catch (error) {
    const { code, stdout } = error as { code: number; stdout: string };
    return { code, output: stripVTControlCharacters(stdout) };
  }
}

describe('lint:cycles', () => {
  it('passes on the tree as it is', { timeout: 30_000 }, async () => {
    expect(await lintCycles()).toMatchObject({ code: 0 });
  });

  it(
    'fails on a new cycle made only of type imports, naming both files',
    { timeout: 30_000 },
    async () => {
      mkdirSync(cycleDir);
      writeFileSync(
        path.join(cycleDir, 'a.ts'),
        "import type { B } from './b';\nexport interface A { b?: B }\n",
      );
      writeFileSync(
        path.join(cycleDir, 'b.ts'),
        "import type { A } from './a';\nexport interface B { a?: A }\n",
      );
      const { code, output } = await lintCycles();
      expect(code).toBe(1);
      const name = path.basename(cycleDir);
      expect(output).toMatch(
        new RegExp(`shared/${name}/(a|b)\\.ts -> shared/${name}/(?!\\1)(a|b)\\.ts`),
      );
    },
  );
});
