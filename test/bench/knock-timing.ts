// Benchmark: `sesame knock` against `knock`, timed on the server host's wire by tcpdump.
// A 12-port mixed TCP/UDP sequence, sent with no delay and with 100 ms delays, several rounds
// each, alternating the two clients. Prints medians and the ratio sesame/knock.
import { buildCli } from '../support/cli';
import { startTcpdump, tcpdumpTimeMs, type Tcpdump } from '../support/tcpdump';
import { createTestBed, type TestBed } from '../support/testbed';

const SEQUENCE = [
  '32512',
  '8425:udp',
  '27705',
  '26643',
  '31689',
  '17272',
  '39972',
  '21762',
  '17213',
  '9136',
  '17752',
  '45700',
];
const ROUNDS = Number(process.env.SESAME_BENCH_ROUNDS ?? '7');

type Capture = Tcpdump;

function startCapture(bed: TestBed): Promise<Capture> {
  const filter = `src host ${bed.client.ipv4} and ((tcp[tcpflags] & tcp-syn != 0) or udp)`;
  return startTcpdump(bed, bed.server, filter, ['-tt']);
}

const arrivals = (capture: Capture) => capture.lines().map(tcpdumpTimeMs);

async function waitForPackets(capture: Capture, count: number): Promise<number[]> {
  for (let i = 0; i < 200; i += 1) {
    const times = arrivals(capture);
    if (times.length >= count) return times;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`tcpdump saw ${arrivals(capture).length} of ${count} packets`);
}

interface Round {
  spreadMs: number;
  worstGapErrorMs: number;
}

async function knockOnce(
  bed: TestBed,
  capture: Capture,
  argv: string[],
  delayMs: number,
): Promise<Round> {
  capture.reset();
  const result = await bed.run(bed.client, argv, { timeoutMs: 30_000 });
  if (result.code !== 0) throw new Error(`${argv.join(' ')} failed: ${result.stderr}`);
  const times = await waitForPackets(capture, SEQUENCE.length);
  // Let a late retransmission show up, so a client sending extra packets cannot hide.
  await new Promise((r) => setTimeout(r, 50));
  if (arrivals(capture).length !== SEQUENCE.length) {
    throw new Error(
      `${argv[0] ?? ''}: ${arrivals(capture).length} packets on the wire for ${SEQUENCE.length} hits`,
    );
  }
  const gaps = times.slice(1).map((t, i) => t - (times[i] ?? t));
  return {
    spreadMs: (times.at(-1) ?? 0) - (times[0] ?? 0),
    worstGapErrorMs: Math.max(...gaps.map((g) => Math.abs(g - delayMs))),
  };
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
};

async function main() {
  const cli = await buildCli();
  const bed = await createTestBed({ ipv6: false });
  try {
    const capture = await startCapture(bed);
    const target = bed.server.ipv4;
    const rows: string[] = [];
    for (const delay of [0, 100]) {
      const clients = {
        knock: ['knock', '-d', String(delay), target, ...SEQUENCE],
        sesame: [process.execPath, cli, 'knock', '-d', String(delay), target, ...SEQUENCE],
      };
      const results: Record<keyof typeof clients, Round[]> = { knock: [], sesame: [] };
      for (let round = 0; round < ROUNDS; round += 1) {
        for (const name of ['knock', 'sesame'] as const) {
          results[name].push(await knockOnce(bed, capture, clients[name], delay));
        }
      }
      const spread = (name: keyof typeof clients) => median(results[name].map((r) => r.spreadMs));
      const gapError = (name: keyof typeof clients) =>
        Math.max(...results[name].map((r) => r.worstGapErrorMs));
      rows.push(
        `| ${delay} ms | ${spread('knock').toFixed(2)} | ${spread('sesame').toFixed(2)} | ` +
          `${(spread('sesame') / spread('knock')).toFixed(2)} | ${gapError('knock').toFixed(3)} | ${gapError('sesame').toFixed(3)} |`,
      );
    }
    await capture.stop();
    process.stdout.write(
      `\nknock timing on the wire: 12 hits (11 TCP SYN + 1 UDP), ${ROUNDS} rounds each, tcpdump on the server host\n\n` +
        '| delay | knock first→last (median ms) | sesame first→last (median ms) | sesame/knock | knock worst gap error (ms) | sesame worst gap error (ms) |\n' +
        '|---|---|---|---|---|---|\n' +
        `${rows.join('\n')}\n`,
    );
  } finally {
    await bed.teardown();
  }
}

await main();
