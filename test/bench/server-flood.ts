// Benchmark: knockd and `sesame server` under a spoofed knock flood, at rising rates.
// A pcap of spoofed TCP SYNs (random sources in 198.18.0.0/15, never the bed's own two addresses) to
// the door's ports is replayed by tcpreplay from the client namespace at a fixed rate; during the
// last seconds of each flood the real `knock` client sends the legitimate sequence from 198.18.0.2,
// three times, 2 s apart. For each rate and server (a fresh process each time): how many of the
// knocks opened the door by 3 s after the flood, the server's peak RSS, its CPU, whether it crashed;
// for Sesame also about how much of the flood it read (its log's `Stage 1` lines against Sesame's own
// matcher fed the same packets). Prints a markdown table, the servers' capture rings (from `ss`), the
// highest rate at which each still opened every knock, and their ratio. The rates stop rising once
// tcpreplay itself falls short of the rate: the bed has the benchmark machine's cores and no more.
// Run: `npm run bench -- server-flood` (root; knockd, knock, tcpreplay, ss). SESAME_BENCH_RATES=5000,20000
// overrides the rates, SESAME_BENCH_FLOOD_SECONDS the length of each flood (10 s); for profiling,
// SESAME_BENCH_SERVERS=sesame runs one server only and SESAME_BENCH_NODE_ARGS='--cpu-prof
// --cpu-prof-dir=/tmp/prof' passes Node options to `sesame server`.
import { execFile, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parseKnockdConfig } from '../../shared/knockd/config';
import { Matcher } from '../../shared/matcher/matcher';
import { sesameServer } from '../support/cli';
import { readSyncIfPresent } from '../support/processes';
import { createTestBed, type TestBed } from '../support/testbed';
import {
  intToIpv4,
  ipv4ToInt,
  macBytes,
  pcapOfTcpFrames,
  TCP_SYN,
  type TcpFrame,
} from './pcap-writer';

const DEFAULT_RATES = [5_000, 10_000, 20_000, 50_000, 100_000, 200_000, 300_000];
const RATES = (process.env.SESAME_BENCH_RATES ?? DEFAULT_RATES.join(','))
  .split(',')
  .map((r) => Number(r.trim()))
  .filter((r) => r > 0);
const FLOOD_SECONDS = Number(process.env.SESAME_BENCH_FLOOD_SECONDS ?? '10');
/** The legitimate knocks go out this long after tcpreplay starts (it loads the pcap for ~1 s first). */
const KNOCK_AT_S = [FLOOD_SECONDS - 6, FLOOD_SECONDS - 4, FLOOD_SECONDS - 2].filter((s) => s > 0);
/** How long after the flood the door may take to open and still count. */
const OPEN_GRACE_MS = 3_000;
/** Frames in the pcap; tcpreplay loops it (--loop=0) until --duration is over. */
const PCAP_PACKETS = 500_000;
/**
 * The door. The flood hits its first three ports in random order, never the fourth: no spoofed
 * source can complete the sequence, so every open is a legitimate one (and no spoofed open forks a
 * shell, which would measure fork, not matching).
 */
const DOOR = [7000, 8000, 9000, 10000] as const;
const FLOOD_PORTS = [7000, 7000, 8000, 9000] as const; // half of the packets are first hits
/**
 * A second door that nobody completes: a SYN to its second port reaches the matcher and so
 * invalidates whatever attempt 198.18.0.2 still has (one of its earlier knocks that lost a packet),
 * and starts nothing. Sent before each legitimate knock, it makes the three knocks independent
 * (otherwise a knock right after a failed one loses its first packet, knockd-semantics.md 3).
 */
const RESET_DOOR = [12000, 11000] as const;
const SEQ_TIMEOUT_S = 5;
const GOAL_PPS = 200_000;
const GOAL_RSS_MB = 256;
const RATE_REACHED = 0.9;
const TICKS_PER_SECOND = 100; // USER_HZ on Linux

type ServerName = 'knockd' | 'sesame';

interface Trial {
  server: ServerName;
  rate: number;
  achievedPps: number;
  failedPackets: number;
  /** When each knock went out, in seconds before the end of the flood. */
  knocksBeforeEndS: number[];
  /** ms from each open back to the last knock sent before it. */
  openDelaysMs: number[];
  peakRssMb: number;
  cpuPercent: number;
  /** Sesame only: about how much of the flood the server read (see floodRead). */
  read: number | undefined;
  /** The capture ring as `ss` reports it. */
  ring: string;
  /** undefined while it ran to the end; else how it died. */
  crash: string | undefined;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;

/** A small deterministic PRNG (mulberry32), so every run replays the same flood. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function macOf(bed: TestBed, host: TestBed['server']): Promise<string> {
  const result = await bed.run(host, ['ip', '-j', 'link', 'show', 'dev', host.ifname]);
  const [link] = JSON.parse(result.stdout) as { address?: string }[];
  if (!link?.address) throw new Error(`no MAC address for ${host.ifname}: ${result.stdout}`);
  return link.address;
}

/** The flood in the order tcpreplay sends it, for the matcher replay in floodRead. */
interface Flood {
  sources: string[];
  ports: Uint16Array;
}

/** Spoofed SYNs to the door's first ports from random sources of 198.18.0.0/15 (not .0.0-.0.2). */
async function writeFloodPcap(bed: TestBed, path: string): Promise<Flood> {
  const flood: Flood = { sources: [], ports: new Uint16Array(PCAP_PACKETS) };
  const next = random(0x5e5a3e);
  const base = ipv4ToInt('198.18.0.0');
  const own = new Set([ipv4ToInt(bed.server.ipv4), ipv4ToInt(bed.client.ipv4)]);
  const dstMac = macBytes(await macOf(bed, bed.server));
  const srcMac = macBytes(await macOf(bed, bed.client));
  const dstIp = ipv4ToInt(bed.server.ipv4);
  function* frames(): Generator<TcpFrame> {
    for (let i = 0; i < PCAP_PACKETS; i += 1) {
      let srcIp: number;
      do srcIp = base + 3 + Math.floor(next() * (2 ** 17 - 4));
      while (own.has(srcIp));
      const dstPort = FLOOD_PORTS[Math.floor(next() * FLOOD_PORTS.length)] ?? DOOR[0];
      flood.sources.push(intToIpv4(srcIp));
      flood.ports[i] = dstPort;
      yield {
        dstMac,
        srcMac,
        srcIp,
        dstIp,
        srcPort: 1024 + Math.floor(next() * 64_000),
        dstPort,
        flags: TCP_SYN,
        seq: Math.floor(next() * 2 ** 32),
        ipId: i,
      };
    }
  }
  await writeFile(path, pcapOfTcpFrames(frames(), PCAP_PACKETS));
  return flood;
}

function serverConfig(marker: string): string {
  const door = (name: string, ports: readonly number[]) => [
    `[${name}]`,
    `sequence = ${ports.join(',')}`,
    `seq_timeout = ${SEQ_TIMEOUT_S}`,
    'tcpflags = syn',
  ];
  return [
    ...door('door', DOOR),
    `command = echo %IP% $(date +%s.%N) >> ${marker}`,
    ...door('reset', RESET_DOOR),
    '',
  ].join('\n');
}

/**
 * About the share of the flood Sesame read: the `Stage 1` lines of its log against the Stage-1
 * events of Sesame's own matcher fed every packet tcpreplay sent, paced at the achieved rate. An
 * estimate (a lost packet also changes what later packets of its source do, either way, and the
 * server's clock is not the pacing): about ±3 %, so only a clearly lower figure means packets were
 * lost. The kernel's count of what the capture ring dropped is not readable from outside the server.
 */
function floodRead(
  flood: Flood,
  sent: number,
  pps: number,
  config: string,
  destination: string,
  logged: number,
): number {
  const parsed = parseKnockdConfig(config);
  if (!parsed.ok) throw new Error(`flood config: ${parsed.error}`);
  const doors = parsed.value.doors.map((door) => ({
    name: door.name,
    sequence: door.sequence,
    seqTimeoutMs: door.seqTimeout * 1000,
    tcpFlags: door.tcpFlags,
  }));
  const matcher = new Matcher(doors, {
    isLocalAddress: (address) => address === destination,
    hashSeed: 1,
  });
  let firstHits = 0;
  for (let i = 0; i < sent; i += 1) {
    const j = i % flood.ports.length;
    const events = matcher.feed({
      time: (i * 1000) / pps,
      source: flood.sources[j] ?? '',
      destination,
      protocol: 'tcp',
      port: flood.ports[j] ?? 0,
      tcpFlags: TCP_SYN,
    });
    for (const event of events) if (event.type === 'stage' && event.stage === 1) firstHits += 1;
  }
  return logged / firstHits;
}

async function countLines(path: string, text: string): Promise<number> {
  const result = await promisify(execFile)('grep', ['-c', '-F', text, path]).catch(
    // grep exits 1 when nothing matches; its stdout still says 0
    (error: unknown) => ({ stdout: (error as { stdout?: string }).stdout ?? '0' }),
  );
  return Number(result.stdout.trim());
}

/** The server's capture ring, from `ss -0 -e` in the server namespace. */
async function captureRing(bed: TestBed, pid: number): Promise<string> {
  const ss = await bed.run(bed.server, ['ss', '-0', '-a', '-n', '-e', '-p']);
  const lines = ss.stdout.split('\n');
  const at = lines.findIndex((l) => l.includes(`pid=${pid},`));
  const detail = at < 0 ? '' : lines.slice(at + 1, at + 3).join(' ');
  const version = Number(/ver:(\d)/.exec(detail)?.[1]) + 1; // ss shows TPACKET_V1 as 0
  const ring = /ring_rx\(blk_size:(\d+),blk_nr:(\d+),frm_size:(\d+),frm_nr:(\d+),tmo:(\d+)/.exec(
    detail,
  );
  if (!ring) return 'not found';
  const [blockSize, blocks, frameSize, frames, timeout] = ring.slice(1).map(Number);
  const mb = ((blockSize ?? 0) * (blocks ?? 0)) / 2 ** 20;
  return version === 3
    ? `TPACKET_V3, ${blocks} blocks of ${fmt((blockSize ?? 0) / 1024)} KB (${fmt(mb)} MB), block timeout ${timeout} ms`
    : `TPACKET_V${version}, ${frames} frames of ${fmt(frameSize ?? 0)} B (${fmt(mb)} MB)`;
}

function statusKb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(
    readSyncIfPresent(`/proc/${pid}/status`),
  );
  return match ? Number(match[1]) : 0;
}

/** utime + stime of a process, in seconds. */
function cpuSeconds(pid: number): number {
  const stat = readSyncIfPresent(`/proc/${pid}/stat`);
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/**
 * Starts a door server without -v and with its stdout discarded, as it runs in production: under a
 * flood both log a line per spoofed first hit, and a pipe to this process would cost both of them
 * (and this process) CPU that a real deployment does not spend. Ready once its log says so.
 */
async function startServer(
  bed: TestBed,
  argv: string[],
  dir: string,
  config: string,
): Promise<{ child: ChildProcess; pid: number; log: string; stderr: () => string }> {
  const configPath = join(dir, 'knockd.conf');
  const log = join(dir, 'knockd.log');
  await writeFile(configPath, config);
  const child = bed.spawn(
    bed.server,
    [...argv, '-i', bed.server.ifname, '-c', configPath, '-g', log, '-p', join(dir, 'pid')],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  const pid = child.pid;
  if (pid === undefined) throw new Error(`${argv.join(' ')} did not start`);
  for (let waited = 0; !readSyncIfPresent(log).includes('listening on'); waited += 50) {
    if (child.exitCode !== null || waited > 10_000) {
      throw new Error(
        `${argv.join(' ')} did not start listening:\n${stderr}${readSyncIfPresent(log)}`,
      );
    }
    await sleep(50);
  }
  // `ip netns exec` execs the program, so the child's pid is the server's own (checked here).
  const comm = readSyncIfPresent(`/proc/${pid}/comm`).trim();
  if (comm === 'ip') throw new Error(`pid ${pid} is still ip netns exec, not the server`);
  await sleep(300); // the capture is open once the log line is out; let the process settle
  return { child, pid, log, stderr: () => stderr };
}

interface Replay {
  achievedPps: number;
  sentPackets: number;
  failedPackets: number;
  seconds: number;
}

function parseTcpreplay(output: string): Replay {
  const actual = /Actual: (\d+) packets \(\d+ bytes\) sent in ([\d.]+) seconds/.exec(output);
  const rated = /Rated: [\d.]+ Bps, [\d.]+ Mbps, ([\d.]+) pps/.exec(output);
  const failed = /Failed packets:\s+(\d+)/.exec(output);
  if (!actual || !rated) throw new Error(`cannot read tcpreplay's result:\n${output}`);
  return {
    sentPackets: Number(actual[1]),
    seconds: Number(actual[2]),
    achievedPps: Number(rated[1]),
    failedPackets: Number(failed?.[1] ?? 0),
  };
}

/** One legitimate knock, after the reset SYN; resolves with the wall time (ms) of the knock. */
async function knockOnce(bed: TestBed): Promise<number> {
  const reset = await bed.run(bed.client, ['knock', bed.server.ipv4, String(RESET_DOOR[1])]);
  if (reset.code !== 0) throw new Error(`knock failed: ${reset.stderr}`);
  await sleep(100);
  const at = Date.now();
  const knock = await bed.run(bed.client, ['knock', bed.server.ipv4, ...DOOR.map(String)]);
  if (knock.code !== 0) throw new Error(`knock failed: ${knock.stderr}`);
  return at;
}

async function opensIn(marker: string, client: string): Promise<number[]> {
  const text = await readFile(marker, 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter((l) => l.startsWith(`${client} `))
    .map((l) => Number(l.split(' ')[1]) * 1000);
}

async function trial(
  bed: TestBed,
  server: ServerName,
  argv: string[],
  rate: number,
  pcap: string,
  flood: Flood,
): Promise<Trial> {
  const dir = await mkdtemp(join(tmpdir(), `sesame-${process.pid}-knockd-flood-`));
  try {
    const marker = join(dir, 'opened');
    const config = serverConfig(marker);
    const running = await startServer(bed, argv, dir, config);
    const { child, pid } = running;
    const ring = await captureRing(bed, pid);
    let crash: string | undefined;
    let stopping = false;
    void exited(child).then(() => {
      if (!stopping) crash = `exit ${child.exitCode ?? ''}${child.signalCode ?? ''}`;
    });
    let peakRssKb = 0;
    const poll = setInterval(() => {
      peakRssKb = Math.max(peakRssKb, statusKb(pid, 'VmRSS'));
    }, 100);

    const cpuBefore = cpuSeconds(pid);
    const replayStart = performance.now();
    const replay = bed.run(
      bed.client,
      [
        'tcpreplay',
        `--intf1=${bed.client.ifname}`,
        `--pps=${rate}`,
        `--duration=${FLOOD_SECONDS}`,
        '--loop=0',
        '--preload-pcap',
        pcap,
      ],
      { timeoutMs: (FLOOD_SECONDS + 30) * 1000 },
    );
    const knocks: { wall: number; at: number }[] = [];
    for (const s of KNOCK_AT_S) {
      await sleep(replayStart + s * 1000 - performance.now());
      const at = performance.now();
      knocks.push({ wall: await knockOnce(bed), at });
    }
    const replayed = await replay;
    const floodEnd = performance.now();
    const cpuAfter = cpuSeconds(pid);
    if (replayed.code !== 0)
      throw new Error(`tcpreplay failed:\n${replayed.stderr}${replayed.stdout}`);
    const result = parseTcpreplay(replayed.stdout);

    let opens: number[] = [];
    while (performance.now() < floodEnd + OPEN_GRACE_MS) {
      opens = await opensIn(marker, bed.client.ipv4);
      if (opens.length >= knocks.length) break;
      await sleep(20);
    }
    clearInterval(poll);
    peakRssKb = Math.max(peakRssKb, statusKb(pid, 'VmHWM'));
    stopping = crash === undefined;
    child.kill('SIGTERM');
    const stopped = await Promise.race([
      exited(child).then(() => true),
      sleep(5_000).then(() => false),
    ]);
    if (!stopped) {
      child.kill('SIGKILL');
      await exited(child);
      crash ??= 'hung: SIGKILL 5 s after SIGTERM';
    }
    if (crash) crash += ` ${running.stderr().trim().split('\n').at(-1) ?? ''}`;
    let read: number | undefined;
    if (server === 'sesame') {
      const logged = (await countLines(running.log, ': door: Stage 1')) - opens.length;
      read = floodRead(
        flood,
        result.sentPackets,
        result.achievedPps,
        config,
        bed.server.ipv4,
        logged,
      );
    }
    // Flood time as tcpreplay counted it, which excludes its start-up (loading the pcap).
    const floodStart = floodEnd - result.seconds * 1000;
    const openDelaysMs = opens.flatMap((open) => {
      const before = knocks.filter((k) => k.wall <= open).at(-1);
      return before ? [open - before.wall] : [];
    });
    return {
      server,
      rate,
      achievedPps: result.achievedPps,
      failedPackets: result.failedPackets,
      knocksBeforeEndS: knocks.map((k) => (floodEnd - k.at) / 1000),
      openDelaysMs,
      peakRssMb: peakRssKb / 1024,
      cpuPercent:
        ((cpuAfter - cpuBefore) / ((floodEnd - Math.max(replayStart, floodStart)) / 1000)) * 100,
      read,
      ring,
      crash,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function row(t: Trial): string {
  const failed = t.failedPackets ? ` (${fmt(t.failedPackets)} failed)` : '';
  const opened =
    `${t.openDelaysMs.length}/${KNOCK_AT_S.length}` +
    (t.openDelaysMs.length ? ` (median ${fmt(median(t.openDelaysMs))} ms)` : '');
  const read = t.read === undefined ? '—' : `${(t.read * 100).toFixed(1)} %`;
  return (
    `| ${fmt(t.rate)} | ${t.server} | ${fmt(t.achievedPps)}${failed} | ${opened} | ` +
    `${t.knocksBeforeEndS.map((s) => s.toFixed(1)).join(', ')} | ${t.peakRssMb.toFixed(1)} | ` +
    `${fmt(t.cpuPercent)} % | ${read} | ${t.crash ?? 'no'} |`
  );
}

/** Highest target rate at which every knock opened the door, with what tcpreplay achieved there. */
function best(trials: Trial[], server: ServerName): Trial | undefined {
  return trials
    .filter((t) => t.server === server && t.openDelaysMs.length === KNOCK_AT_S.length && !t.crash)
    .sort((a, b) => b.rate - a.rate)[0];
}

function summary(trials: Trial[]): string {
  const knockd = best(trials, 'knockd');
  const sesame = best(trials, 'sesame');
  const mine = trials.filter((t) => t.server === 'sesame');
  const worstRss = Math.max(...mine.map((t) => t.peakRssMb));
  const crashed = mine.some((t) => t.crash);
  const describe = (t: Trial | undefined) =>
    t ? `${fmt(t.rate)} packets/s (tcpreplay achieved ${fmt(t.achievedPps)})` : 'none';
  // On achieved rates: the bed's two cores cap what tcpreplay reaches next to a busy server.
  const ratio = knockd && sesame ? (sesame.achievedPps / knockd.achievedPps).toFixed(1) : 'n/a';
  const met = (ok: boolean) => (ok ? 'met' : 'NOT met');
  const rings = [...new Map(trials.map((t) => [t.server, t.ring]))]
    .map(([server, ring]) => `${server} ${ring}`)
    .join('; ');
  const reached = (sesame?.rate ?? 0) >= GOAL_PPS && (sesame?.achievedPps ?? 0) >= 0.9 * GOAL_PPS;
  return (
    `capture rings (ss): ${rings}\n` +
    `highest rate at which every knock opened: knockd ${describe(knockd)}, sesame ${describe(sesame)}; ` +
    `sesame/knockd ${ratio} (achieved rates)\n` +
    `goals: >= ${fmt(GOAL_PPS)} packets/s ${met(reached)}; ` +
    `peak RSS < ${GOAL_RSS_MB} MB ${met(worstRss < GOAL_RSS_MB)} (${worstRss.toFixed(1)} MB); ` +
    `no crash ${met(!crashed)}\n`
  );
}

async function main() {
  const sesame = await sesameServer();
  const [node = process.execPath, ...script] = sesame.argv;
  const nodeArgs = (process.env.SESAME_BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const programs: Record<ServerName, string[]> = {
    knockd: ['knockd'],
    sesame: [node, ...nodeArgs, ...script],
  };
  const servers = (process.env.SESAME_BENCH_SERVERS ?? 'knockd,sesame')
    .split(',')
    .filter((s): s is ServerName => s === 'knockd' || s === 'sesame');
  const bed = await createTestBed({ ipv6: false });
  const work = await mkdtemp(join(tmpdir(), `sesame-${process.pid}-knockd-pcap-`));
  const trials: Trial[] = [];
  try {
    const pcap = join(work, 'flood.pcap');
    const flood = await writeFloodPcap(bed, pcap);
    for (const rate of RATES) {
      const here: Trial[] = [];
      for (const server of servers) {
        const t = await trial(bed, server, programs[server], rate, pcap, flood);
        here.push(t);
        process.stderr.write(`${row(t)}\n`);
      }
      trials.push(...here);
      if (Math.max(...here.map((t) => t.achievedPps)) < RATE_REACHED * rate) {
        process.stderr.write(
          `tcpreplay cannot reach ${fmt(rate)} packets/s here; not rising further\n`,
        );
        break;
      }
    }
  } finally {
    await rm(work, { recursive: true, force: true });
    await bed.teardown();
  }
  process.stdout.write(
    `\nserver under a spoofed flood: ${fmt(PCAP_PACKETS)}-frame pcap of SYNs from random 198.18.0.0/15 ` +
      `sources to ports ${[...new Set(FLOOD_PORTS)].join(',')} (half to ${FLOOD_PORTS[0]}); door ${DOOR.join(',')}, ` +
      `seq_timeout ${SEQ_TIMEOUT_S}, tcpflags syn; ${FLOOD_SECONDS} s per flood; ${KNOCK_AT_S.length} legitimate knocks ` +
      `from ${bed.client.ipv4} during it; opened = by ${OPEN_GRACE_MS / 1000} s after the flood\n\n` +
      '| rate (target pps) | server | achieved pps (tcpreplay) | knocks opened (knock→command) | knocks before flood end (s) | peak RSS (MB) | CPU during flood | flood read (≈) | crash |\n' +
      '|---|---|---|---|---|---|---|---|---|\n' +
      `${trials.map(row).join('\n')}\n\n${summary(trials)}`,
  );
}

await main();
