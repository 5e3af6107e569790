// The server's V8 flags, on the Node that runs the tests: each must be one V8 knows (an unknown one
// only prints "unrecognized flag"), and the young-generation limit, set at run time, must stop the
// young generation from growing under a load that makes it grow without the flag. The size flag's
// effect is a benchmark's to show (docs/benchmarks.md, server-memory).
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  keepServerHeapSmall,
  SERVER_HEAP_FLAGS,
  SIZE_FLAG,
  YOUNG_GENERATION_FLAG,
} from '../../../electron/node/server-heap';

const run = promisify(execFile);

/** Allocates many young objects, a share of which survive a while; prints new space's size in MB. */
const grow = (flag: string | undefined) => `
const v8 = require('node:v8');
${flag === undefined ? '' : `v8.setFlagsFromString(${JSON.stringify(flag)});`}
const kept = [];
for (let i = 0; i < 3e6; i += 1) {
  const o = { i, text: 'x' + i };
  if (i % 20 === 0) kept.push(o);
  if (kept.length > 50000) kept.length = 0;
}
const young = v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space');
process.stdout.write(String(young.space_size / 2 ** 20));
`;

async function newSpaceMb(flag: string | undefined): Promise<{ mb: number; stderr: string }> {
  const { stdout, stderr } = await run(process.execPath, ['-e', grow(flag)]);
  return { mb: Number(stdout), stderr };
}

describe('keepServerHeapSmall', () => {
  it('sets the young-generation and the size flags', () => {
    const set: string[] = [];
    keepServerHeapSmall((flags) => set.push(flags));
    expect(set).toEqual([...SERVER_HEAP_FLAGS]);
    expect(set).toEqual([YOUNG_GENERATION_FLAG, SIZE_FLAG]);
  });

  it('uses flags this V8 knows (an unknown one is only a warning on stderr)', async () => {
    for (const flag of SERVER_HEAP_FLAGS) {
      const { stderr } = await run(process.execPath, [
        '-e',
        `require('node:v8').setFlagsFromString(${JSON.stringify(flag)})`,
      ]);
      expect(stderr, flag).toBe('');
    }
    // What an unknown flag looks like, so the check above can fail.
    const { stderr } = await run(process.execPath, [
      '-e',
      `require('node:v8').setFlagsFromString('--no-such-flag-for-sesame')`,
    ]);
    expect(stderr).toMatch(/unrecognized flag|no-such-flag/i);
  }, 30_000);

  it('keeps new space at its initial 2 MB where it grows without the flag', async () => {
    const without = await newSpaceMb(undefined);
    const limited = await newSpaceMb(YOUNG_GENERATION_FLAG);
    expect(without.mb).toBeGreaterThan(2);
    expect(limited.stderr).toBe('');
    expect(limited.mb).toBeLessThanOrEqual(2);
  }, 30_000);
});
