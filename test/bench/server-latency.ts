// Benchmark: how long after the last knock packet the door's command starts, knockd against
// `sesame server`. tcpdump -tt in the server namespace timestamps the knock's SYNs as they arrive on
// the server's veth; the door command is a tiny program that appends CLOCK_REALTIME to a file (both
// namespaces share the clock). Latency = command's clock reading - last SYN's timestamp.
// Rounds alternate: a fresh knockd, half the knocks, a fresh sesame server, half the knocks, twice.
// Run: `npm run bench -- server-latency` (root; knockd, knock, tcpdump; cc for the stamp program,
// else `date +%s.%N`, which adds its own start-up to both). SESAME_BENCH_KNOCKS sets the knocks (20).
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { sesameServer } from '../support/cli';
import type { DoorServerProgram } from '../support/knockd';
import { startTcpdump, tcpdumpTimeMs, type Tcpdump } from '../support/tcpdump';
import { createTestBed, type TestBed } from '../support/testbed';

const KNOCKS = Number(process.env.SESAME_BENCH_KNOCKS ?? '20');
const BLOCKS = 2;
const DOOR = ['7000', '8000', '9000'];
const GOAL_MEDIAN_MS = 5;
const GAP_MS = 200;

type ServerName = 'knockd' | 'sesame';

const STAMP_C = `#include <stdio.h>
#include <time.h>
/* Appends "SOURCE SECONDS.NANOSECONDS" (CLOCK_REALTIME, read first thing) to FILE. */
int main(int argc, char **argv) {
  struct timespec now;
  clock_gettime(CLOCK_REALTIME, &now);
  if (argc < 3) return 2;
  FILE *f = fopen(argv[1], "a");
  if (!f) return 1;
  fprintf(f, "%s %lld.%09ld\\n", argv[2], (long long)now.tv_sec, now.tv_nsec);
  return fclose(f) != 0;
}
`;

const run = promisify(execFile);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The door command for a stamp file: a static C stamp if a compiler is there, else date. */
async function stampProgram(
  dir: string,
): Promise<{ command: (file: string) => string; kind: string }> {
  const source = join(dir, 'stamp.c');
  const binary = join(dir, 'stamp');
  await writeFile(source, STAMP_C);
  for (const flags of [['-static'], []]) {
    try {
      await run('cc', ['-O2', ...flags, '-o', binary, source]);
      return {
        command: (file) => `${binary} ${file} %IP%`,
        kind: `a C program that appends CLOCK_REALTIME (cc -O2 ${flags.join(' ')})`.replace(
          ' )',
          ')',
        ),
      };
    } catch {
      // try the next way
    }
  }
  return {
    command: (file) => `echo %IP% $(date +%s.%N) >> ${file}`,
    kind: "date +%s.%N (no cc: includes date's own start-up)",
  };
}

type Capture = Tcpdump;

/** tcpdump on the server's veth: arrival times (ms since the epoch) of the client's SYNs. */
function startCapture(bed: TestBed): Promise<Capture> {
  const filter = `src host ${bed.client.ipv4} and tcp[tcpflags] & tcp-syn != 0`;
  return startTcpdump(bed, bed.server, filter, ['-tt', '--time-stamp-precision=nano']);
}

const times = (capture: Capture) => capture.lines().map(tcpdumpTimeMs);

/** "1700000000.123456789" → seconds, without losing the nanoseconds to a double's rounding. */
function seconds(text: string): number {
  const [whole = '0', fraction = '0'] = text.split('.');
  return Number(whole) + Number(`0.${fraction}`);
}

async function stamps(file: string): Promise<number[]> {
  const text = await readFile(file, 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter(Boolean)
    .map((l) => seconds(l.split(' ')[1] ?? '') * 1000);
}

async function waitFor<T>(what: string, check: () => Promise<T | undefined>): Promise<T> {
  for (let i = 0; i < 300; i += 1) {
    const value = await check();
    if (value !== undefined) return value;
    await sleep(10);
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** One knock; ms from its last SYN on the server's wire to the door command's clock reading. */
async function knockOnce(bed: TestBed, capture: Capture, stampFile: string): Promise<number> {
  const before = (await stamps(stampFile)).length;
  capture.reset();
  const result = await bed.run(bed.client, ['knock', bed.server.ipv4, ...DOOR]);
  if (result.code !== 0) throw new Error(`knock failed: ${result.stderr}`);
  const syns = await waitFor('the SYNs in tcpdump', () =>
    Promise.resolve(times(capture).length >= DOOR.length ? times(capture) : undefined),
  );
  const opened = await waitFor('the door command', async () => {
    const all = await stamps(stampFile);
    return all.length > before ? all[before] : undefined;
  });
  if (syns.length !== DOOR.length) throw new Error(`${syns.length} SYNs on the wire for one knock`);
  return opened - (syns.at(-1) ?? NaN);
}

const quantile = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? NaN;
};

async function main() {
  const sesame = await sesameServer();
  const programs: Record<ServerName, DoorServerProgram | undefined> = {
    knockd: undefined, // the bed's default: Debian's knockd
    sesame,
  };
  const bed = await createTestBed({ ipv6: false });
  const dir = await mkdtemp(join(tmpdir(), `sesame-${process.pid}-knockd-latency-`));
  const results: Record<ServerName, number[]> = { knockd: [], sesame: [] };
  let kind: string | undefined;
  try {
    const stamp = await stampProgram(dir);
    kind = stamp.kind;
    const capture = await startCapture(bed);
    for (let block = 0; block < BLOCKS; block += 1) {
      for (const server of ['knockd', 'sesame'] as const) {
        const file = join(dir, `${server}-${block}.stamps`);
        const config = `[door]\nsequence = ${DOOR.join(',')}\nseq_timeout = 5\ntcpflags = syn\ncommand = ${stamp.command(file)}\n`;
        const program = programs[server];
        const door = await bed.startKnockd(config, program ? { program } : {});
        try {
          await sleep(300);
          const knocks = Math.ceil(KNOCKS / BLOCKS);
          for (let i = 0; i < knocks; i += 1) {
            results[server].push(await knockOnce(bed, capture, file));
            await sleep(GAP_MS);
          }
        } finally {
          await door.stop();
        }
      }
    }
    await capture.stop();
  } finally {
    await rm(dir, { recursive: true, force: true });
    await bed.teardown();
  }
  const median = (s: ServerName) => quantile(results[s], 0.5);
  const p90 = (s: ServerName) => quantile(results[s], 0.9);
  const line = (s: ServerName) =>
    `| ${s} | ${results[s].length} | ${median(s).toFixed(2)} | ${p90(s).toFixed(2)} | ` +
    `${Math.min(...results[s]).toFixed(2)} | ${Math.max(...results[s]).toFixed(2)} |`;
  process.stdout.write(
    `\nlast knock SYN on the server's wire (tcpdump) → door command running (${kind}); ` +
      `door ${DOOR.join(',')}, ${KNOCKS} knocks per server in ${BLOCKS} blocks, a fresh server per block\n\n` +
      '| server | knocks | median (ms) | p90 (ms) | min (ms) | max (ms) |\n' +
      '|---|---|---|---|---|---|\n' +
      `${line('knockd')}\n${line('sesame')}\n\n` +
      `sesame/knockd: median ${(median('sesame') / median('knockd')).toFixed(2)}, p90 ${(p90('sesame') / p90('knockd')).toFixed(2)}\n` +
      `goal: sesame median < ${GOAL_MEDIAN_MS} ms ${median('sesame') < GOAL_MEDIAN_MS ? 'met' : 'NOT met'} (${median('sesame').toFixed(2)} ms)\n` +
      `per knock (ms): knockd ${results.knockd.map((v) => v.toFixed(1)).join(' ')}; sesame ${results.sesame.map((v) => v.toFixed(1)).join(' ')}\n`,
  );
}

await main();
