// Benchmark: packets per second through the server's matcher (shared/matcher/matcher.ts), and memory after.
// 10 doors; a realistic flood mix: mostly spoofed first hits and garbage to listed ports, some packets
// no door lists, and some whole sequences from 1,000 legitimate clients, which must open.
// Packets are built in batches of 1,000 outside the timed loop, as the capture layer would hand over
// a ring-buffer block: each is written as a raw IP frame and read by the server's frame decoder
// (decodeFrame), then given its time as the server does, so it carries what a captured packet
// carries (fresh address strings, and the source's key read from the header). Each scenario runs in
// its own process so its RSS is its own. Goal: 2 million packets/s.
// Chosen-source floods measure hash flooding: 16,384 spoofed IPv4 sources that an unseeded hash of
// the source table would put in one probe run, next to 16,384 random ones; the same for IPv6, with
// sources that a hash folding the address's words into one would put in one probe run.
// Run: `npm run bench -- matcher` (SESAME_BENCH_BATCHES sets the length: 6,000 batches by default,
// a tenth of that for the 16,384-source floods; SESAME_BENCH_SCENARIOS=3,4 picks scenarios by
// number; SESAME_BENCH_TRIALS=5 runs each that many times, each in a fresh process with a fresh seed,
// and prints the median and the spread; trials interleave the scenarios, and with scenarios 0 and 2
// the IPv6/IPv4 ratio of each pair of trials is printed too).
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import {
  Matcher,
  type KnockPacket,
  type MatcherDoor,
  type MatcherKnock,
} from '../../shared/matcher/matcher';
import { formatIpv6 } from '../../shared/matcher/ipv6-key';
import { decodeFrame } from '../../shared/matcher/packet-decode';
import { formatSourceKey } from '../../shared/matcher/source-key';
import { type AddressWords, writeIpFrame } from './ip-frame';

const GOAL = 2_000_000;
const LEGIT = 1_000;
const BATCH = 1_000;
const WARM_UP = 500;
const BATCHES = Number(process.env.SESAME_BENCH_BATCHES ?? '6000');
const TRIALS = Number(process.env.SESAME_BENCH_TRIALS ?? '1');
/** The inverse of the golden-ratio multiplier the source table's hash used before it was seeded. */
const UNSEEDED_INVERSE = 0x0e8b2f51;
const SYN = 0x02;
const FIN = 0x01;
const ACK = 0x10;

interface Scenario {
  name: string;
  family: 4 | 6;
  spoofed: number;
  /**
   * IPv4 spoofed sources: `chosen` so that key * 0x9e3779b1 (the unseeded hash) is 0, 1, 2, ...;
   * `scattered` at random over the whole address space (the same text lengths, for comparison).
   * Otherwise they count up from 100.64.0.0.
   * IPv6 spoofed sources: `chosen` as 2001:db8::n:n, whose four words XOR (and so fold) to the same
   * value: one probe run for a hash that folds the words before hashing; `scattered` with random
   * low 64 bits under 2001:db8::/64. Otherwise they count up in 2001:db8::/32 (2001:db8::n,
   * 2001:db8:1::n).
   */
  sources?: 'chosen' | 'scattered';
  /** Timed and warm-up batches, when not the defaults. */
  batches?: number;
  warmUp?: number;
}

const FLOOD_BATCHES = Math.max(1, Math.round(BATCHES / 10));

const SCENARIOS: readonly Scenario[] = [
  { name: 'IPv4, 100,000 spoofed sources', family: 4, spoofed: 100_000 },
  { name: 'IPv4, 1,000,000 spoofed sources (evicting)', family: 4, spoofed: 1_000_000 },
  { name: 'IPv6, 100,000 spoofed sources', family: 6, spoofed: 100_000 },
  {
    name: 'IPv4, 16,384 random spoofed sources',
    family: 4,
    spoofed: 16_384,
    sources: 'scattered',
    batches: FLOOD_BATCHES,
    warmUp: 100,
  },
  {
    name: 'IPv4, 16,384 chosen sources (one probe run if unseeded)',
    family: 4,
    spoofed: 16_384,
    sources: 'chosen',
    batches: FLOOD_BATCHES,
    warmUp: 100,
  },
  {
    name: 'IPv6, 16,384 random spoofed sources',
    family: 6,
    spoofed: 16_384,
    sources: 'scattered',
    batches: FLOOD_BATCHES,
    warmUp: 100,
  },
  {
    name: 'IPv6, 16,384 chosen sources (one probe run if the words were folded)',
    family: 6,
    spoofed: 16_384,
    sources: 'chosen',
    batches: FLOOD_BATCHES,
    warmUp: 100,
  },
];

interface Row {
  rate: number;
  opens: number;
  sequences: number;
  evicted: number;
  held: number;
  timed: number;
  rssMb: number;
  heapMb: number;
}

function pick<T>(items: readonly T[], index: number): T {
  const item = items[index];
  if (item === undefined) throw new Error(`no item ${index}`);
  return item;
}

/** Deterministic xorshift32, so every run feeds the same packets. */
function random(seed: number): (n: number) => number {
  let x = seed;
  return (n) => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) % n;
  };
}

/** A fixed bijection of 32-bit numbers that looks random (for scattered sources). */
function scatter(n: number): number {
  const x = Math.imul(n ^ (n >>> 16), 0x7feb352d);
  const y = Math.imul(x ^ (x >>> 15), 0x846ca68b);
  return y ^ (y >>> 16);
}

/** The text the frame decoder writes for an address. */
function textOf(words: AddressWords): string {
  return words.length === 1 ? formatSourceKey(words[0]) : formatIpv6(...words);
}

/** The scenario's addresses as their headers hold them (the server's local and target as text too). */
function addresses(scenario: Scenario) {
  const at =
    scenario.family === 4
      ? {
          local: [0x0a000001] as AddressWords, // 10.0.0.1
          target: [0x0a000032] as AddressWords, // 10.0.0.50
          spoofed: {
            chosen: (n: number): AddressWords => [Math.imul(n, UNSEEDED_INVERSE)],
            scattered: (n: number): AddressWords => [scatter(n)],
            counting: (n: number): AddressWords => [0x64400000 + n], // from 100.64.0.0
          }[scenario.sources ?? 'counting'],
          legit: (n: number): AddressWords => [0xc0a80000 | n], // 192.168.0.0/16
        }
      : {
          local: [0x20010db8, 0, 0, 1] as AddressWords, // 2001:db8::1
          target: [0x20010db8, 0, 0, 0x50] as AddressWords, // 2001:db8::50
          spoofed: {
            chosen: (n: number): AddressWords => [0x20010db8, 0, n, n],
            scattered: (n: number): AddressWords => [
              0x20010db8,
              0,
              scatter(n),
              scatter(n ^ 0x5bd1e995),
            ],
            counting: (n: number): AddressWords => [0x20010db8, (n >> 16) << 16, 0, n & 0xffff],
          }[scenario.sources ?? 'counting'],
          legit: (n: number): AddressWords => [0x20010db8, 0xffff0000, 0, n],
        };
  return { ...at, localText: textOf(at.local), targetText: textOf(at.target) };
}

function makeDoors(target: string): MatcherDoor[] {
  const next = random(7);
  return Array.from({ length: 10 }, (_, i) => ({
    name: `door${i}`,
    sequence: Array.from({ length: 3 + (i % 3) }, (__, j) => ({
      port: 1024 + next(60_000),
      protocol: (i + j) % 4 === 3 ? ('udp' as const) : ('tcp' as const),
    })),
    seqTimeoutMs: pick([1, 5, 10, 25], i % 4) * 1000,
    tcpFlags: i === 9 ? { set: ['fin'], clear: ['ack'] } : { set: ['syn'], clear: [] },
    target: i === 8 ? target : undefined,
  }));
}

/** A batch: 60% spoofed first hits, 25% garbage to listed ports, 10% unlisted ports, 5% knocks. */
function makeBatch(
  scenario: Scenario,
  doors: MatcherDoor[],
  next: (n: number) => number,
  start: number,
): { packets: KnockPacket[]; sequences: number } {
  const at = addresses(scenario);
  const packets: KnockPacket[] = [];
  const frame = Buffer.alloc(60);
  let sequences = 0;
  const listed = doors.flatMap((door) => door.sequence.map((knock) => ({ door, knock })));
  // Simulated clock: packets arrive at the goal rate.
  const time = () => Math.floor((start + packets.length) / (GOAL / 1000));
  const flags = (door: MatcherDoor) => (door.tcpFlags.set.includes('fin') ? FIN : SYN);
  const push = (
    source: AddressWords,
    door: MatcherDoor | undefined,
    knock: MatcherKnock,
    bits: number,
  ) => {
    const destination = door?.target === undefined ? at.local : at.target;
    const { protocol, port } = knock;
    const length = writeIpFrame({ source, destination, protocol, port, tcpFlags: bits }, frame);
    const packet = decodeFrame('raw', frame, length);
    if (!packet) throw new Error('the frame decoder dropped a benchmark packet');
    // As KnockServer.handlePacket hands a captured packet to the matcher.
    packets.push({ time: time(), ...packet });
  };
  while (packets.length < BATCH) {
    const roll = next(100);
    const source = at.spoofed(next(scenario.spoofed));
    if (roll < 60) {
      const door = pick(doors, next(doors.length));
      push(source, door, pick(door.sequence, 0), flags(door));
    } else if (roll < 85) {
      const { door, knock } = pick(listed, next(listed.length));
      push(source, door, knock, next(4) === 0 ? ACK : flags(door));
    } else if (roll < 95) {
      push(source, undefined, { protocol: next(2) ? 'tcp' : 'udp', port: 1 + next(1023) }, SYN);
    } else {
      const door = pick(doors, next(doors.length));
      const client = at.legit(next(LEGIT));
      sequences += 1;
      for (const knock of door.sequence) push(client, door, knock, flags(door));
    }
  }
  return { packets, sequences };
}

function measure(scenario: Scenario): Row {
  const at = addresses(scenario);
  const doors = makeDoors(at.targetText);
  const warmUp = scenario.warmUp ?? WARM_UP;
  const batches = scenario.batches ?? BATCHES;
  // Seeded as the server seeds it: 32 random bits per process.
  const matcher = new Matcher(doors, {
    isLocalAddress: (address) => address === at.localText,
    hashSeed: randomBytes(4).readUInt32LE(0),
  });
  const next = random(42);
  let opens = 0;
  let evicted = 0;
  let sequences = 0;
  let fed = 0;
  let timed = 0;
  let seconds = 0;
  for (let batch = 0; batch < warmUp + batches; batch += 1) {
    const work = makeBatch(scenario, doors, next, fed);
    const begin = performance.now();
    for (const packet of work.packets) {
      for (const event of matcher.feed(packet)) {
        if (event.type === 'open') opens += 1;
        else if (event.type === 'evicted') evicted += 1;
      }
    }
    const elapsed = (performance.now() - begin) / 1000;
    fed += work.packets.length;
    sequences += work.sequences;
    if (batch < warmUp) continue; // warm-up: JIT, and the first 100,000 attempts
    seconds += elapsed;
    timed += work.packets.length;
  }
  const held = matcher.attemptCount();
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
  const { rss, heapUsed } = process.memoryUsage();
  return {
    rate: timed / seconds,
    opens,
    sequences,
    evicted,
    held,
    timed,
    rssMb: rss / 2 ** 20,
    heapMb: heapUsed / 2 ** 20,
  };
}

function main(): void {
  const only = process.argv[2];
  if (only !== undefined) {
    const scenario = SCENARIOS[Number(only)];
    if (!scenario) throw new Error(`no scenario ${only}`);
    process.stdout.write(JSON.stringify(measure(scenario)));
    return;
  }
  const n = (value: number) => Math.round(value).toLocaleString('en');
  const picked = process.env.SESAME_BENCH_SCENARIOS?.split(',').map(Number) ?? [
    ...SCENARIOS.keys(),
  ];
  for (const index of picked) if (!SCENARIOS[index]) throw new Error(`no scenario ${index}`);
  // Trials interleave the scenarios (trial 1 of each, then trial 2 of each, ...): this machine's
  // speed drifts over minutes, and scenarios run back to back would each get one phase of it.
  const rows = new Map<number, Row[]>(picked.map((index) => [index, []]));
  for (let trial = 0; trial < TRIALS; trial += 1) {
    for (const index of picked) {
      const child = spawnSync(process.execPath, [process.argv[1] ?? '', String(index)], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      if (child.status !== 0) throw new Error(`scenario "${pick(SCENARIOS, index).name}" failed`);
      rows.get(index)?.push(JSON.parse(child.stdout) as Row);
    }
  }
  const medianOf = (values: number[]) =>
    [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)] ?? 0;
  const lines = picked.map((index) => {
    const scenario = pick(SCENARIOS, index);
    const trials = rows.get(index) ?? [];
    const rates = trials.map((r) => r.rate).sort((a, b) => a - b);
    const median = medianOf(rates);
    const spread = rates.length > 1 ? `${n(rates[0] ?? 0)}-${n(rates.at(-1) ?? 0)}` : '(one trial)';
    const row = trials.at(-1) ?? pick(trials, 0);
    return (
      `| ${scenario.name} | ${n(row.timed)} | ${n(median)} | ${spread} | ${(median / GOAL).toFixed(2)} | ` +
      `${n(row.opens)} / ${n(row.sequences)} | ${n(row.evicted)} | ${n(row.held)} | ` +
      `${row.rssMb.toFixed(0)} | ${row.heapMb.toFixed(0)} |`
    );
  });
  // IPv6 against IPv4 with 100,000 sources, trial by trial (each pair ran one after the other).
  const ipv4 = rows.get(0);
  const ipv6 = rows.get(2);
  if (ipv4 && ipv6) {
    const ratios = ipv6.map((row, i) => row.rate / (ipv4[i]?.rate ?? Number.NaN));
    const sorted = [...ratios].sort((a, b) => a - b);
    lines.push(
      '',
      `IPv6/IPv4 with 100,000 sources, trial by trial: median ${medianOf(ratios).toFixed(2)} ` +
        `(${(sorted[0] ?? 0).toFixed(2)}-${(sorted.at(-1) ?? 0).toFixed(2)}, ${String(ratios.length)} pairs)`,
    );
  }
  process.stdout.write(
    `\nmatcher throughput: 10 doors, ${n(WARM_UP * BATCH)} packets of warm-up (100,000 for the ` +
      `16,384-source floods), ${TRIALS} trial(s) per scenario, node ${process.version}; goal ${n(GOAL)} packets/s.\n` +
      "knockd's matcher cannot run in-process, so there is no knockd ratio: the goal is the reference.\n" +
      'Counts and memory are those of the last trial.\n\n' +
      '| scenario | packets timed | packets/s (median) | spread (min-max) | ratio to goal | opens / whole sequences | evicted | attempts held | RSS after (MB) | heap after GC (MB) |\n' +
      '|---|---|---|---|---|---|---|---|---|---|\n' +
      `${lines.join('\n')}\n`,
  );
}

main();
