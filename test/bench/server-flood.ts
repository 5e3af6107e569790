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
// length of each flood (5 s, at most 1,000,000 packets), SESAME_BENCH_SERVERS=sesame one server only,
// SESAME_BENCH_CLI a built sesame.js and SESAME_BENCH_NODE_ARGS node options (as in server-memory.ts).
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readSyncIfPresent } from '../support/processes';
import { createTestBed, type TestBed } from '../support/testbed';
import {
  benchSesameArgv,
  captureRing,
  cpuSeconds,
  exited,
  FLOOD_PORTS,
  fmt,
  loggedDrops,
  MAX_FLOOD_PACKETS,
  median,
  parseTcpreplay,
  serverConfig,
  type ServerName,
  sleep,
  spread,
  startServer,
  statusKb,
  writeFloodPcap,
} from './flood-bed';

const DEFAULT_RATES = [10_000, 50_000, 100_000, 200_000, 300_000];
const RATES = (process.env.SESAME_BENCH_RATES ?? DEFAULT_RATES.join(','))
  .split(',')
  .map((r) => Number(r.trim()))
  .filter((r) => r > 0);
const TRIALS = Number(process.env.SESAME_BENCH_TRIALS ?? '5');
const FLOOD_SECONDS = Number(process.env.SESAME_BENCH_FLOOD_SECONDS ?? '5');
/** How long after the flood a door may take to open and still count. */
const OPEN_GRACE_MS = 3_000;
const RATE_REACHED = 0.9;

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
  const programs: Record<ServerName, string[]> = {
    knockd: ['knockd'],
    sesame: await benchSesameArgv(),
  };
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
      const packets = await writeFloodPcap(bed, pcap, rate, FLOOD_SECONDS);
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
