import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { beforeAll, expect, it } from 'vitest';
import { bundleScript } from '../../support/cli';

const run = promisify(execFile);

// Opens captures that fail (no such interface, or no permission), then collects the garbage: a
// failed cap handle that gets collected crashed Node with SIGSEGV (seen as a crashed test worker).
const OPENER = `
import { openCapture } from './electron/node/capture';

for (let i = 0; i < 5; i += 1) {
  const result = openCapture({ interface: 'nosuch0', filter: '', onPacket: () => undefined });
  if (result.ok) throw new Error('a capture on nosuch0 opened');
}
(globalThis as { gc?: () => void }).gc?.();
await new Promise((resolve) => setTimeout(resolve, 50));
(globalThis as { gc?: () => void }).gc?.();
console.log('survived');
`;

let opener: string;

beforeAll(async () => {
  opener = await bundleScript('capture-opener', OPENER);
}, 60_000);

it('survives garbage collection after failed capture opens', async () => {
  const { stdout } = await run(process.execPath, ['--expose-gc', opener]);
  expect(stdout).toBe('survived\n');
}, 30_000);
