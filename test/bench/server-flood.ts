// Benchmark: knockd and `sesame server` under a spoofed knock flood, at rising rates, several trials
// each. A pcap of spoofed TCP SYNs (random sources in 198.18.0.0/15, never the bed's own two
// addresses) to the doors' first ports carries two legitimate knocks from 198.18.0.2: one in the
// middle of the flood and one right after its last packet (each after a reset SYN, and each for a
// door of its own, so the log says which opened). tcpreplay sends it once, from the client namespace,
// at the target rate. Per rate and server, over the trials (a fresh server process each): how many
// of the middle and of the final knocks opened their door by 3 s after the flood, the packets the
// kernel dropped from the capture ring (Sesame logs pcap_stats at shutdown; knockd does not say),
// the rate tcpreplay achieved, the server's CPU during the flood and its peak RSS, and crashes.
// Run: `npm run bench -- server-flood` (root; knockd, tcpreplay, ss). SESAME_BENCH_RATES=10000,50000
// sets the rates, SESAME_BENCH_TRIALS the trials per rate (5), SESAME_BENCH_FLOOD_SECONDS the
// length of each flood (5 s, at most 1,000,000 packets), SESAME_BENCH_SERVERS=sesame one server only.
import { type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sesameServer } from '../support/cli';
import { readSyncIfPresent } from '../support/processes';
import { createTestBed, type TestBed } from '../support/testbed';
import { ipv4ToInt, macBytes, pcapOfTcpFrames, TCP_SYN, type TcpFrame } from './pcap-writer';

const DEFAULT_RATES = [10_000, 50_000, 100_000, 200_000, 300_000];
const RATES = (process.env.SESAME_BENCH_RATES ?? DEFAULT_RATES.join(','))
  .split(',')
  .map((r) => Number(r.trim()))
  .filter((r) => r > 0);
const TRIALS = Number(process.env.SESAME_BENCH_TRIALS ?? '5');
const FLOOD_SECONDS = Number(process.env.SESAME_BENCH_FLOOD_SECONDS ?? '5');
const MAX_FLOOD_PACKETS = 1_000_000;
/** How long after the flood a door may take to open and still count. */
const OPEN_GRACE_MS = 3_000;
/**
 * The doors. The flood hits their first three ports in random order, never the fourth: no spoofed
 * source can complete a sequence, so every open is a legitimate one (and no spoofed open forks a
 * shell, which would measure fork, not matching).
 */
const MIDDLE_DOOR = [7000, 8000, 9000, 10000] as const;
const FINAL_DOOR = [7000, 8000, 9000, 10001] as const;
const FLOOD_PORTS = [7000, 7000, 8000, 9000] as const; // half of the packets are first hits
/**
 * A door nobody completes: a SYN to its second port reaches the matcher and so invalidates whatever
 * attempt 198.18.0.2 still has (the middle knock's, if it lost a packet), and starts nothing.
 */
const RESET_DOOR = [12000, 11000] as const;
const SEQ_TIMEOUT_S = 5;
const RATE_REACHED = 0.9;
const TICKS_PER_SECOND = 100; // USER_HZ on Linux

type ServerName = 'knockd' | 'sesame';

interface Trial {
  server: ServerName;
  rate: number;
  achievedPps: number;
  middleOpened: boolean;
  finalOpened: boolean;
  /** Sesame: the kernel's count of packets dropped from its capture ring; knockd: not known. */
  kernelDrops: number | undefined;
  peakRssMb: number;
  cpuPercent: number;
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

/**
 * The flood for one rate (rate × FLOOD_SECONDS packets, at most MAX_FLOOD_PACKETS), with the
 * middle knock halfway and the final knock right after the last flood packet. Returns its length.
 */
async function writeFloodPcap(bed: TestBed, path: string, rate: number): Promise<number> {
  const flood = Math.min(MAX_FLOOD_PACKETS, Math.round(rate * FLOOD_SECONDS));
  const next = random(0x5e5a3e ^ rate);
  const base = ipv4ToInt('198.18.0.0');
  const own = new Set([ipv4ToInt(bed.server.ipv4), ipv4ToInt(bed.client.ipv4)]);
  const dstMac = macBytes(await macOf(bed, bed.server));
  const srcMac = macBytes(await macOf(bed, bed.client));
  const dstIp = ipv4ToInt(bed.server.ipv4);
  const client = ipv4ToInt(bed.client.ipv4);
  let ipId = 0;
  const syn = (srcIp: number, dstPort: number): TcpFrame => ({
    dstMac,
    srcMac,
    srcIp,
    dstIp,
    srcPort: 1024 + Math.floor(next() * 64_000),
    dstPort,
    flags: TCP_SYN,
    seq: Math.floor(next() * 2 ** 32),
    ipId: (ipId += 1) & 0xffff,
  });
  const knock = (door: readonly number[]) =>
    [RESET_DOOR[1], ...door].map((port) => syn(client, port));
  const middle = Math.floor(flood / 2);
  function* frames(): Generator<TcpFrame> {
    for (let i = 0; i < flood; i += 1) {
      if (i === middle) yield* knock(MIDDLE_DOOR);
      let srcIp: number;
      do srcIp = base + 3 + Math.floor(next() * (2 ** 17 - 4));
      while (own.has(srcIp));
      yield syn(srcIp, FLOOD_PORTS[Math.floor(next() * FLOOD_PORTS.length)] ?? FLOOD_PORTS[0]);
    }
    yield* knock(FINAL_DOOR);
  }
  const total = flood + 2 * (1 + MIDDLE_DOOR.length);
  await writeFile(path, pcapOfTcpFrames(frames(), total));
  return total;
}

function serverConfig(marker: string): string {
  const door = (name: string, ports: readonly number[], command?: string) => [
    `[${name}]`,
    `sequence = ${ports.join(',')}`,
    `seq_timeout = ${SEQ_TIMEOUT_S}`,
    'tcpflags = syn',
    ...(command ? [`command = ${command}`] : []),
  ];
  return [
    ...door('middle', MIDDLE_DOOR, `echo middle %IP% >> ${marker}`),
    ...door('final', FINAL_DOOR, `echo final %IP% >> ${marker}`),
    ...door('reset', RESET_DOOR),
    '',
  ].join('\n');
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

/** The kernel drops Sesame logged at shutdown (`capture: N of M packets dropped ...`), or 0. */
function loggedDrops(log: string): number {
  return Number(/capture: (\d+) of \d+ packets dropped by the kernel in all/.exec(log)?.[1] ?? 0);
}

async function trial(
  bed: TestBed,
  server: ServerName,
  argv: string[],
  rate: number,
  pcap: string,
): Promise<Trial> {
  const dir = await mkdtemp(join(tmpdir(), `sesame-${process.pid}-knockd-flood-`));
  try {
    const marker = join(dir, 'opened');
    const running = await startServer(bed, argv, dir, serverConfig(marker));
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
    const replayed = await bed.run(
      bed.client,
      ['tcpreplay', `--intf1=${bed.client.ifname}`, `--pps=${rate}`, '--preload-pcap', pcap],
      { timeoutMs: (FLOOD_SECONDS * 4 + 60) * 1000 },
    );
    const floodEnd = performance.now();
    const cpuAfter = cpuSeconds(pid);
    if (replayed.code !== 0)
      throw new Error(`tcpreplay failed:\n${replayed.stderr}${replayed.stdout}`);
    const result = parseTcpreplay(replayed.stdout);
    const opened = async () => (await readFile(marker, 'utf8').catch(() => '')).split('\n');
    let lines = await opened();
    while (performance.now() < floodEnd + OPEN_GRACE_MS && lines.length < 3) {
      await sleep(20);
      lines = await opened();
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
    const from = bed.client.ipv4;
    return {
      server,
      rate,
      achievedPps: result.achievedPps,
      middleOpened: lines.includes(`middle ${from}`),
      finalOpened: lines.includes(`final ${from}`),
      kernelDrops: server === 'sesame' ? loggedDrops(readSyncIfPresent(running.log)) : undefined,
      peakRssMb: peakRssKb / 1024,
      cpuPercent: ((cpuAfter - cpuBefore) / result.seconds) * 100,
      ring,
      crash,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const spread = (values: number[], digits = 0) => {
  const sorted = [...values].sort((a, b) => a - b);
  const show = (n: number) => (digits ? n.toFixed(digits) : fmt(n));
  return `${show(median(sorted))} (${show(sorted[0] ?? NaN)}–${show(sorted.at(-1) ?? NaN)})`;
};

function row(rate: number, server: ServerName, trials: Trial[]): string {
  const count = (f: (t: Trial) => boolean) => `${trials.filter(f).length}/${trials.length}`;
  const drops = trials.map((t) => t.kernelDrops);
  const crashes = trials.flatMap((t) => (t.crash ? [t.crash] : []));
  return (
    `| ${fmt(rate)} | ${server} | ${spread(trials.map((t) => t.achievedPps))} | ` +
    `${count((t) => t.middleOpened)} | ${count((t) => t.finalOpened)} | ` +
    `${drops.includes(undefined) ? 'not reported' : spread(drops.map(Number))} | ` +
    `${spread(trials.map((t) => t.cpuPercent))} % | ${spread(
      trials.map((t) => t.peakRssMb),
      1,
    )} | ` +
    `${crashes.length ? crashes.join('; ') : 'none'} |`
  );
}

/** The highest rate at which every knock of every trial opened. */
function best(rows: { rate: number; server: ServerName; trials: Trial[] }[], server: ServerName) {
  return rows
    .filter((r) => r.server === server && r.trials.every((t) => t.middleOpened && t.finalOpened))
    .sort((a, b) => b.rate - a.rate)[0];
}

async function main() {
  const sesame = await sesameServer();
  const programs: Record<ServerName, string[]> = { knockd: ['knockd'], sesame: sesame.argv };
  const servers = (process.env.SESAME_BENCH_SERVERS ?? 'knockd,sesame')
    .split(',')
    .filter((s): s is ServerName => s === 'knockd' || s === 'sesame');
  const bed = await createTestBed({ ipv6: false });
  const work = await mkdtemp(join(tmpdir(), `sesame-${process.pid}-knockd-pcap-`));
  const rows: { rate: number; server: ServerName; trials: Trial[] }[] = [];
  const rings = new Map<ServerName, string>();
  try {
    for (const rate of RATES) {
      const pcap = join(work, `flood-${String(rate)}.pcap`);
      const packets = await writeFloodPcap(bed, pcap, rate);
      const byServer = new Map<ServerName, Trial[]>(servers.map((s) => [s, []]));
      for (let i = 0; i < TRIALS; i += 1) {
        // Alternate which server goes first, so neither always runs on a warmer machine.
        const order = i % 2 === 0 ? servers : [...servers].reverse();
        for (const server of order) {
          const t = await trial(bed, server, programs[server], rate, pcap);
          byServer.get(server)?.push(t);
          rings.set(server, t.ring);
          process.stderr.write(
            `${fmt(rate)} ${server} trial ${String(i + 1)}: ${fmt(t.achievedPps)} pps, middle ${t.middleOpened ? 'opened' : 'LOST'}, final ${t.finalOpened ? 'opened' : 'LOST'}, drops ${String(t.kernelDrops ?? '?')}, ${t.peakRssMb.toFixed(1)} MB${t.crash ? `, ${t.crash}` : ''} (${fmt(packets)} packets)\n`,
          );
        }
      }
      for (const [server, trials] of byServer) rows.push({ rate, server, trials });
      const achieved = [...byServer.values()].flat().map((t) => t.achievedPps);
      if (median(achieved) < RATE_REACHED * rate) {
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
  const describe = (r: { rate: number; trials: Trial[] } | undefined) =>
    r
      ? `${fmt(r.rate)} packets/s (tcpreplay achieved ${spread(r.trials.map((t) => t.achievedPps))})`
      : 'none';
  const knockd = best(rows, 'knockd');
  const mine = best(rows, 'sesame');
  const ratio =
    knockd && mine
      ? (
          median(mine.trials.map((t) => t.achievedPps)) /
          median(knockd.trials.map((t) => t.achievedPps))
        ).toFixed(1)
      : 'n/a';
  process.stdout.write(
    `\nserver under a spoofed flood: SYNs from random 198.18.0.0/15 sources to ports ${[...new Set(FLOOD_PORTS)].join(',')} ` +
      `(half to ${FLOOD_PORTS[0]}), ${FLOOD_SECONDS} s at the target rate (at most ${fmt(MAX_FLOOD_PACKETS)} packets), ` +
      `sent once by tcpreplay; a legitimate knock from ${bed.client.ipv4} in the middle of the flood and one right after ` +
      `its last packet; opened = by ${OPEN_GRACE_MS / 1000} s after the flood; ${String(TRIALS)} trials per rate and ` +
      `server (median, min–max)\n\n` +
      '| rate (target pps) | server | achieved pps | middle knock opened | final knock opened | kernel drops | CPU during flood | peak RSS (MB) | crashes |\n' +
      '|---|---|---|---|---|---|---|---|---|\n' +
      `${rows.map((r) => row(r.rate, r.server, r.trials)).join('\n')}\n\n` +
      `capture rings (ss): ${[...rings].map(([s, r]) => `${s} ${r}`).join('; ')}\n` +
      `highest rate at which every knock opened: knockd ${describe(knockd)}, sesame ${describe(mine)}; ` +
      `sesame/knockd ${ratio} (achieved rates)\n`,
  );
}

await main();
