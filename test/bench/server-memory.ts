// Benchmark: the memory of `sesame server` idle and under a spoofed flood, against issue 16's goals
// (idle RSS at most 64 MB, peak under the flood at most 96 MB), with knockd and a bare Node process
// measured in the same run. Each trial starts a fresh server on the test bed as in production
// (-i IF -c CONF -g LOG, stdout discarded), reads its memory after IDLE seconds, then replays the
// flood of server-flood.ts (flood-bed.ts) at one rate and samples its memory every 50 ms until 3 s
// after the flood. Memory from /proc/PID/status (VmRSS, RssAnon, RssFile, RssShmem, VmHWM) and the
// capture ring's mapping from /proc/PID/smaps (a packet socket's ring is counted in RssFile); the
// rest of RssFile is the program's file pages (mostly the node binary). Also counted, so that a
// memory fix that loses knocks shows: the two knocks that opened, the kernel's drops, and the CPU
// time the flood cost per packet (from its start to 3 s after, so a backlog worked off later
// counts). Bare Node (`node -e` with a timer, idle only) is the floor no Node server goes under.
// Run: `npm run bench -- server-memory` (root; knockd, tcpreplay; about 4 minutes).
// SESAME_BENCH_RATES=20000,100000 the flood rates, SESAME_BENCH_TRIALS the trials per rate (3),
// SESAME_BENCH_IDLE_SECONDS (4), SESAME_BENCH_FLOOD_SECONDS (4), SESAME_BENCH_SERVERS=sesame one
// server only, SESAME_BENCH_NODE_ARGS extra node options for sesame server (e.g. to try V8 flags),
// SESAME_BENCH_CLI a built sesame.js to measure instead of a fresh build (to compare two builds).
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { readSyncIfPresent } from '../support/processes';
import { createTestBed, type TestBed } from '../support/testbed';
import {
  BENCH_NODE_ARGS,
  benchSesameArgv,
  cpuSeconds,
  exited,
  fmt,
  loggedDrops,
  median,
  parseTcpreplay,
  serverConfig,
  sleep,
  spread,
  startServer,
  writeFloodPcap,
} from './flood-bed';

const RATES = (process.env.SESAME_BENCH_RATES ?? '20000,100000')
  .split(',')
  .map((r) => Number(r.trim()))
  .filter((r) => r > 0);
const TRIALS = Number(process.env.SESAME_BENCH_TRIALS ?? '3');
const IDLE_SECONDS = Number(process.env.SESAME_BENCH_IDLE_SECONDS ?? '4');
const FLOOD_SECONDS = Number(process.env.SESAME_BENCH_FLOOD_SECONDS ?? '4');
const AFTER_FLOOD_MS = 3_000;
const SAMPLE_MS = 50;
const GOAL_IDLE_MB = 64;
const GOAL_PEAK_MB = 96;

type Program = 'knockd' | 'sesame' | 'bare node';

/** One reading of a process's memory, in MB. */
interface Memory {
  rss: number;
  anon: number;
  /** RssFile without the capture ring: the program's own file pages. */
  file: number;
  shmem: number;
  /** The capture ring's resident pages (a packet socket mapping), 0 if none. */
  ring: number;
}

interface Trial {
  program: Program;
  rate: number;
  idle: Memory;
  /** The sample with the highest RSS during and after the flood. */
  peak: Memory;
  /** VmHWM at the end: the true peak, samples may miss a spike. */
  hwm: number;
  achievedPps: number;
  opened: number;
  kernelDrops: number | undefined;
  /** CPU time from the flood's start to 3 s after, per packet sent, in microseconds. */
  cpuUsPerPacket: number;
  load: number;
}

const MB = 1024;

function statusFields(pid: number): Record<string, number> {
  const fields: Record<string, number> = {};
  for (const m of readSyncIfPresent(`/proc/${pid}/status`).matchAll(/^(\w+):\s+(\d+) kB$/gm)) {
    fields[m[1] ?? ''] = Number(m[2]);
  }
  return fields;
}

/** Resident kB of the process's packet socket mappings (the capture ring), from smaps. */
function ringKb(pid: number): number {
  let kb = 0;
  let inSocket = false;
  for (const line of readSyncIfPresent(`/proc/${pid}/smaps`).split('\n')) {
    if (/^[0-9a-f]+-[0-9a-f]+ /.test(line)) inSocket = /socket:\[\d+\]$|\/packet$/.test(line);
    else if (inSocket && line.startsWith('Rss:')) kb += Number(/(\d+) kB/.exec(line)?.[1] ?? 0);
  }
  return kb;
}

function memoryOf(pid: number, ring: number): Memory {
  const s = statusFields(pid);
  return {
    rss: (s.VmRSS ?? 0) / MB,
    anon: (s.RssAnon ?? 0) / MB,
    file: ((s.RssFile ?? 0) - ring) / MB,
    shmem: (s.RssShmem ?? 0) / MB,
    ring: ring / MB,
  };
}

async function trial(
  bed: TestBed,
  program: Program,
  argv: string[],
  rate: number,
  pcap: string,
): Promise<Trial> {
  const dir = await mkdtemp(join(tmpdir(), `sesame-${process.pid}-memory-`));
  try {
    const marker = join(dir, 'opened');
    const server =
      program === 'bare node' ? undefined : await startServer(bed, argv, dir, serverConfig(marker));
    const child = server?.child ?? bed.spawn(bed.server, argv, { stdio: 'ignore' });
    const pid = child.pid;
    if (pid === undefined) throw new Error(`${argv.join(' ')} did not start`);
    await sleep(IDLE_SECONDS * 1000);
    const ring = ringKb(pid); // the ring's pages are all mapped at open: read it once
    const idle = memoryOf(pid, ring);
    if (!server) {
      // Bare Node is the idle floor; it never sees the flood.
      child.kill('SIGTERM');
      await exited(child);
      const load = loadavg()[0] ?? NaN;
      return {
        ...{ program, rate, idle, peak: idle, hwm: idle.rss, achievedPps: 0, opened: 0, load },
        ...{ kernelDrops: undefined, cpuUsPerPacket: NaN },
      };
    }
    let peak = idle;
    const poll = setInterval(() => {
      const now = memoryOf(pid, ring);
      if (now.rss > peak.rss) peak = now;
    }, SAMPLE_MS);
    const cpuBefore = cpuSeconds(pid);
    const replayed = await bed.run(
      bed.client,
      ['tcpreplay', `--intf1=${bed.client.ifname}`, `--pps=${rate}`, '--preload-pcap', pcap],
      { timeoutMs: (FLOOD_SECONDS * 4 + 60) * 1000 },
    );
    if (replayed.code !== 0) {
      throw new Error(`tcpreplay failed:\n${replayed.stderr}${replayed.stdout}`);
    }
    const replay = parseTcpreplay(replayed.stdout);
    await sleep(AFTER_FLOOD_MS);
    const cpuAfter = cpuSeconds(pid);
    clearInterval(poll);
    const hwm = (statusFields(pid).VmHWM ?? 0) / MB;
    const load = loadavg()[0] ?? NaN;
    child.kill('SIGTERM');
    await Promise.race([exited(child), sleep(5_000)]);
    if (child.exitCode === null && child.signalCode === null) {
      // knockd can still be working off the flood's backlog: stop it, the figures stand.
      process.stderr.write(`${program} did not stop 5 s after SIGTERM: SIGKILL\n`);
      child.kill('SIGKILL');
      await exited(child);
    }
    const opened = (await readFile(marker, 'utf8').catch(() => ''))
      .split('\n')
      .filter((l) => l.endsWith(` ${bed.client.ipv4}`)).length;
    return {
      program,
      rate,
      idle,
      peak,
      hwm,
      achievedPps: replay.achievedPps,
      opened,
      kernelDrops: program === 'sesame' ? loggedDrops(readSyncIfPresent(server.log)) : undefined,
      cpuUsPerPacket: ((cpuAfter - cpuBefore) / replay.sentPackets) * 1e6,
      load,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const mb = (values: number[]) => spread(values, 1);
const breakdown = (ms: Memory[]) =>
  `${mb(ms.map((m) => m.rss))} | ${mb(ms.map((m) => m.ring))} | ${mb(ms.map((m) => m.file))} | ` +
  `${mb(ms.map((m) => m.anon))} | ${mb(ms.map((m) => m.shmem))}`;

function report(trials: Trial[]): string {
  const programs = [...new Set(trials.map((t) => t.program))];
  const idleRows = programs.map((p) => {
    const ts = trials.filter((t) => t.program === p);
    return `| ${p} | ${String(ts.length)} | ${breakdown(ts.map((t) => t.idle))} |`;
  });
  const flooded = programs.filter((p) => p !== 'bare node');
  const peakRows = RATES.flatMap((rate) =>
    flooded.map((p) => {
      const ts = trials.filter((t) => t.program === p && t.rate === rate);
      const drops = ts.map((t) => t.kernelDrops);
      return (
        `| ${fmt(rate)} | ${p} | ${spread(ts.map((t) => t.achievedPps))} | ${breakdown(ts.map((t) => t.peak))} | ` +
        `${mb(ts.map((t) => t.hwm))} | ${spread(
          ts.map((t) => t.cpuUsPerPacket),
          2,
        )} | ` +
        `${String(ts.reduce((n, t) => n + t.opened, 0))}/${String(2 * ts.length)} | ` +
        `${drops.includes(undefined) ? '-' : spread(drops.map(Number))} | ${spread(
          ts.map((t) => t.load),
          1,
        )} |`
      );
    }),
  );
  const sesame = trials.filter((t) => t.program === 'sesame');
  const worst = (f: (t: Trial) => number) => Math.max(...sesame.map(f)).toFixed(1);
  /** sesame's median over knockd's, where both ran. */
  const ratio = (f: (t: Trial) => number, rate?: number) => {
    const of = (p: Program) =>
      median(trials.filter((t) => t.program === p && (rate ?? t.rate) === t.rate).map(f));
    return `${(of('sesame') / of('knockd')).toFixed(1)}×`;
  };
  const ratios = programs.includes('knockd')
    ? `sesame/knockd (medians): idle ${ratio((t) => t.idle.rss)}, peak ${RATES.map(
        (rate) => `${ratio((t) => t.peak.rss, rate)} at ${fmt(rate)} pps`,
      ).join(', ')}\n`
    : '';
  return (
    `\nidle after ${String(IDLE_SECONDS)} s, MB, median (min–max):\n\n` +
    '| program | n | RSS | capture ring | other file pages | anonymous | shmem |\n' +
    '|---|---|---|---|---|---|---|\n' +
    `${idleRows.join('\n')}\n\n` +
    `peak under a ${String(FLOOD_SECONDS)} s spoofed flood and ${String(AFTER_FLOOD_MS / 1000)} s after (the sample with the highest RSS, ` +
    `every ${String(SAMPLE_MS)} ms), MB, median (min–max) of ${String(TRIALS)} trials:\n\n` +
    '| rate (target pps) | program | achieved pps | RSS | capture ring | other file pages | anonymous | shmem | VmHWM | CPU µs per packet | knocks opened | kernel drops | load (1 min) |\n' +
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|\n' +
    `${peakRows.join('\n')}\n\n` +
    (sesame.length
      ? `sesame worst: idle ${worst((t) => t.idle.rss)} MB (goal ${String(GOAL_IDLE_MB)}), ` +
        `peak ${worst((t) => Math.max(t.hwm, t.peak.rss))} MB (VmHWM; goal ${String(GOAL_PEAK_MB)})` +
        `${BENCH_NODE_ARGS.length ? `; node options ${BENCH_NODE_ARGS.join(' ')}` : ''}\n${ratios}`
      : '')
  );
}

async function main() {
  const programs: Record<Program, string[]> = {
    knockd: ['knockd'],
    sesame: await benchSesameArgv(),
    'bare node': [process.execPath, '-e', 'setInterval(() => {}, 1 << 30)'],
  };
  const chosen = (process.env.SESAME_BENCH_SERVERS ?? 'knockd,sesame,bare node')
    .split(',')
    .filter((s): s is Program => s in programs);
  const bed = await createTestBed({ ipv6: false });
  const work = await mkdtemp(join(tmpdir(), `sesame-${process.pid}-memory-pcap-`));
  const trials: Trial[] = [];
  try {
    for (const rate of RATES) {
      const pcap = join(work, `flood-${String(rate)}.pcap`);
      await writeFloodPcap(bed, pcap, rate, FLOOD_SECONDS);
      for (let i = 0; i < TRIALS; i += 1) {
        // Alternate the order, so no program always runs on a warmer machine.
        const order = i % 2 === 0 ? chosen : [...chosen].reverse();
        for (const program of order) {
          const t = await trial(bed, program, programs[program], rate, pcap);
          trials.push(t);
          process.stderr.write(
            `${fmt(rate)} ${program} trial ${String(i + 1)}: idle ${t.idle.rss.toFixed(1)} MB ` +
              `(ring ${t.idle.ring.toFixed(1)}, file ${t.idle.file.toFixed(1)}, anon ${t.idle.anon.toFixed(1)}), ` +
              `peak ${t.peak.rss.toFixed(1)} MB (anon ${t.peak.anon.toFixed(1)}), HWM ${t.hwm.toFixed(1)}, ` +
              `${fmt(t.achievedPps)} pps, CPU ${t.cpuUsPerPacket.toFixed(2)} µs/packet, opened ${String(t.opened)}, ` +
              `drops ${String(t.kernelDrops ?? '-')}, load ${t.load.toFixed(1)}\n`,
          );
        }
      }
    }
  } finally {
    await rm(work, { recursive: true, force: true });
    await bed.teardown();
  }
  process.stdout.write(report(trials));
}

await main();
