// The spoofed flood that the server benchmarks (server-flood.ts, server-memory.ts) replay on the test
// bed, and how they start and watch a door server: the pcap (spoofed SYNs to the doors' first ports,
// a legitimate knock in the middle and one right after), the doors' knockd.conf, the server started as
// in production, its capture ring, RSS and CPU from /proc, tcpreplay's result and Sesame's drop line.
import { type ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sesameServer } from '../support/cli';
import { readSyncIfPresent } from '../support/processes';
import type { TestBed } from '../support/testbed';
import { ipv4ToInt, macBytes, pcapOfTcpFrames, TCP_SYN, type TcpFrame } from './pcap-writer';

export const MAX_FLOOD_PACKETS = 1_000_000;
/** How long after the flood a door may take to open and still count. */
export const OPEN_GRACE_MS = 3_000;
/**
 * The doors. The flood hits their first three ports in random order, never the fourth: no spoofed
 * source can complete a sequence, so every open is a legitimate one (and no spoofed open forks a
 * shell, which would measure fork, not matching).
 */
export const MIDDLE_DOOR = [7000, 8000, 9000, 10000] as const;
export const FINAL_DOOR = [7000, 8000, 9000, 10001] as const;
export const FLOOD_PORTS = [7000, 7000, 8000, 9000] as const; // half of the packets are first hits
/**
 * A door nobody completes: a SYN to its second port reaches the matcher and so invalidates whatever
 * attempt 198.18.0.2 still has (the middle knock's, if it lost a packet), and starts nothing.
 */
export const RESET_DOOR = [12000, 11000] as const;
export const SEQ_TIMEOUT_S = 5;
const TICKS_PER_SECOND = 100; // USER_HZ on Linux

export type ServerName = 'knockd' | 'sesame';

/** Extra node options for `sesame server`, to try V8 flags (SESAME_BENCH_NODE_ARGS). */
export const BENCH_NODE_ARGS = (process.env.SESAME_BENCH_NODE_ARGS ?? '')
  .split(' ')
  .filter(Boolean);

/**
 * How the benchmarks start `sesame server`: a fresh build, or the built sesame.js named by
 * SESAME_BENCH_CLI (to compare two builds), with BENCH_NODE_ARGS.
 */
export async function benchSesameArgv(): Promise<string[]> {
  const [node = process.execPath, built = '', ...rest] = (await sesameServer()).argv;
  return [node, ...BENCH_NODE_ARGS, process.env.SESAME_BENCH_CLI ?? built, ...rest];
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
export const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
export const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;

/** `median (min–max)` of the values, with `digits` decimals (0: whole numbers with separators). */
export const spread = (values: number[], digits = 0) => {
  const sorted = [...values].sort((a, b) => a - b);
  const show = (n: number) => (digits ? n.toFixed(digits) : fmt(n));
  return `${show(median(sorted))} (${show(sorted[0] ?? NaN)}–${show(sorted.at(-1) ?? NaN)})`;
};

/** A small deterministic PRNG (mulberry32), so every run replays the same flood. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export async function macOf(bed: TestBed, host: TestBed['server']): Promise<string> {
  const result = await bed.run(host, ['ip', '-j', 'link', 'show', 'dev', host.ifname]);
  const [link] = JSON.parse(result.stdout) as { address?: string }[];
  if (!link?.address) throw new Error(`no MAC address for ${host.ifname}: ${result.stdout}`);
  return link.address;
}

/**
 * The flood for one rate (rate × `seconds` packets, at most MAX_FLOOD_PACKETS), with the
 * middle knock halfway and the final knock right after the last flood packet. Returns its length.
 */
export async function writeFloodPcap(
  bed: TestBed,
  path: string,
  rate: number,
  seconds: number,
): Promise<number> {
  const flood = Math.min(MAX_FLOOD_PACKETS, Math.round(rate * seconds));
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

export function serverConfig(marker: string): string {
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
export async function captureRing(bed: TestBed, pid: number): Promise<string> {
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

export function statusKb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(
    readSyncIfPresent(`/proc/${pid}/status`),
  );
  return match ? Number(match[1]) : 0;
}

/** utime + stime of a process, in seconds. */
export function cpuSeconds(pid: number): number {
  const stat = readSyncIfPresent(`/proc/${pid}/stat`);
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

export function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/**
 * Starts a door server without -v and with its stdout discarded, as it runs in production: under a
 * flood both log a line per spoofed first hit, and a pipe to this process would cost both of them
 * (and this process) CPU that a real deployment does not spend. Ready once its log says so.
 */
export async function startServer(
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

export interface Replay {
  achievedPps: number;
  sentPackets: number;
  failedPackets: number;
  seconds: number;
}

export function parseTcpreplay(output: string): Replay {
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
export function loggedDrops(log: string): number {
  return Number(/capture: (\d+) of \d+ packets dropped by the kernel in all/.exec(log)?.[1] ?? 0);
}
