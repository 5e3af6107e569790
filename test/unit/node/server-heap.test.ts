// The server's young-generation limit, on the Node that runs the tests: the flag must be one V8
// knows (an unknown one only prints "unrecognized flag"), and set at run time it must stop the
// young generation from growing under a load that makes it grow without the flag.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { limitYoungGeneration, YOUNG_GENERATION_FLAG } from '../../../electron/node/server-heap';

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

describe('limitYoungGeneration', () => {
  it('sets the growth flag', () => {
    const set: string[] = [];
    limitYoungGeneration((flags) => set.push(flags));
    expect(set).toEqual([YOUNG_GENERATION_FLAG]);
  });

  it('keeps new space at its initial 2 MB where it grows without the flag', async () => {
    const without = await newSpaceMb(undefined);
    const limited = await newSpaceMb(YOUNG_GENERATION_FLAG);
    expect(without.mb).toBeGreaterThan(2);
    expect(limited.stderr).toBe('');
    expect(limited.mb).toBeLessThanOrEqual(2);
  }, 30_000);
});
