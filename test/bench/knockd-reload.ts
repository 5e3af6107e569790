// Measurement: what knockd's reload (SIGHUP, as knockd-rotate sends at every step boundary) does to
// a knock in progress, and how long after the signal knockd misses knocks. Debian's knockd on the
// test bed, with the three doors knockd-rotate renders (previous, current, next step).
//   sudo npm run bench knockd-reload      (SESAME_BENCH_ROUNDS, default 7)
import { writeFileSync } from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hmacSha256 } from '../../electron/node/hmac';
import { decodeBase32 } from '../../shared/rotating/base32';
import { deriveSequence, stepAt } from '../../shared/rotating/derive';
import { DEFAULT_ROTATING_PARAMS } from '../../shared/rotating/params';
import { msToNextStep } from '../../shared/rotating/window';
import { formatKnockArgs } from '../../shared/sequence/sequence';
import { openCapture } from '../../electron/node/capture';
import { sesameServer } from '../support/cli';
import type { Knockd } from '../support/knockd';
import { createTestBed, type TestBed } from '../support/testbed';

const ROUNDS = Number(process.env.SESAME_BENCH_ROUNDS ?? '7');
/** A stand-in for step S's sequence: four ports of its own. */
const sequence = (step: number) => [1, 2, 3, 4].map((i) => String(21000 + step * 10 + i));

/** What knockd-rotate renders at step S: one door each for S-1, S and S+1, same commands. */
function config(step: number): string {
  return [step - 1, step, step + 1]
    .map(
      (s) => `[door step ${s}]
  sequence = ${sequence(s).join(',')}
  seq_timeout = 10
  tcpflags = syn
  command = /bin/echo opened
`,
    )
    .join('\n');
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function opens(knockd: Knockd, before: number): Promise<boolean> {
  for (let i = 0; i < 40; i += 1) {
    const count = (await knockd.log()).split('OPEN SESAME').length - 1;
    if (count > before) return true;
    await sleep(25);
  }
  return false;
}

const openCount = async (knockd: Knockd) => (await knockd.log()).split('OPEN SESAME').length - 1;

async function hangUp(knockd: Knockd, round: number): Promise<void> {
  writeFileSync(knockd.configPath, config(round));
  const reloads = (await knockd.log()).split('re-reading config file').length;
  knockd.child.kill('SIGHUP');
  for (let i = 0; i < 200; i += 1) {
    if ((await knockd.log()).split('re-reading config file').length > reloads) return;
    await sleep(5);
  }
  throw new Error('knockd did not log the reload');
}

async function knock(bed: TestBed, args: string[]): Promise<void> {
  const result = await bed.run(bed.client, ['knock', bed.server.ipv4, ...args]);
  if (result.code !== 0) throw new Error(`knock failed: ${result.stderr}`);
}

const SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
const STEP_SECONDS = 10;

/**
 * 4. The same split knock against sesame server's rotating door, across a real step boundary (the
 * server swaps one slot and reopens its capture there): two hits 400 ms before it, two 300 ms after.
 */
async function sesameAtBoundary(bed: TestBed): Promise<void> {
  const rounds = Math.min(ROUNDS, 3);
  const dir = mkdtempSync(join(tmpdir(), 'sesame-bench-rotating-'));
  const secretFile = join(dir, 'door.secret');
  writeFileSync(secretFile, `${SECRET}\n`, { mode: 0o600 });
  const secret = decodeBase32(SECRET);
  if (!secret.ok) throw new Error(secret.error);
  const params = { ...DEFAULT_ROTATING_PARAMS, stepSeconds: STEP_SECONDS };
  const server = await bed.startKnockd(
    `[rot]\n  rotating_secret_file = ${secretFile}\n  rotating_step = ${STEP_SECONDS}\n  seq_timeout = 5\n  command = /bin/echo opened\n`,
    { program: await sesameServer() },
  );
  try {
    let opened = 0;
    for (let i = 0; i < rounds; i += 1) {
      const before = await openCount(server);
      await sleep(msToNextStep(Date.now(), STEP_SECONDS) - 400);
      const step = stepAt(Date.now() / 1000, STEP_SECONDS);
      const hits = formatKnockArgs(deriveSequence(hmacSha256, secret.value, 'rot', step, params));
      await knock(bed, hits.slice(0, 2));
      await sleep(msToNextStep(Date.now(), STEP_SECONDS) + 300);
      await knock(bed, hits.slice(2));
      if (await opens(server, before)) opened += 1;
    }
    console.log(`sesame server, knock split by a step boundary: opened ${opened} of ${rounds}`);
    // Through the capture swap: four hits 15 ms apart, sent to straddle the boundary (the client
    // process starts in about 10-30 ms), while the server opens the next capture.
    let through = 0;
    const swaps = Math.min(ROUNDS, 5);
    for (let i = 0; i < swaps; i += 1) {
      const before = await openCount(server);
      await sleep(msToNextStep(Date.now(), STEP_SECONDS) - 50);
      const step = stepAt(Date.now() / 1000, STEP_SECONDS);
      const hits = formatKnockArgs(deriveSequence(hmacSha256, secret.value, 'rot', step, params));
      await knock(bed, ['-d', '15', ...hits]);
      if (await opens(server, before)) through += 1;
    }
    console.log(`sesame server, knock through the capture swap: opened ${through} of ${swaps}`);
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * 5. How long sesame server's capture swap at a step boundary takes (open the new capture with the
 * server's default 32 MB ring, close the old): the time in which an arriving packet can be lost.
 * On loopback, with filters on unused ports; nothing is sent.
 */
function captureSwap(): void {
  const times: number[] = [];
  const open = (i: number) => {
    const capture = openCapture({
      interface: 'lo',
      filter: `tcp dst port ${20000 + i} or udp dst port ${21000 + i}`,
      onPacket: () => undefined,
    });
    if (!capture.ok) throw new Error(capture.error);
    return capture.value;
  };
  let old = open(0);
  for (let i = 1; i <= 20; i += 1) {
    const start = performance.now();
    const next = open(i);
    old.close();
    old = next;
    times.push(performance.now() - start);
  }
  old.close();
  times.sort((a, b) => a - b);
  const at = (q: number) => (times[Math.floor(q * (times.length - 1))] ?? NaN).toFixed(1);
  console.log(`capture swap: min ${at(0)} ms, median ${at(0.5)} ms, max ${at(1)} ms (20 swaps)`);
}

async function main() {
  const bed = await createTestBed({ ipv6: false });
  try {
    let round = 1;
    const knockd = await bed.startKnockd(config(round));
    // 1. A knock of the current step split by the boundary's reload (its door moves from the
    // current to the previous place): two hits, SIGHUP (logged), two hits.
    let survived = 0;
    for (let i = 0; i < ROUNDS; i += 1) {
      const before = await openCount(knockd);
      const knocked = sequence(round);
      const stages = (await knockd.log()).split('Stage 2').length;
      await knock(bed, knocked.slice(0, 2));
      // knockd reads packets in batches: wait until it has counted both hits.
      for (let t = 0; (await knockd.log()).split('Stage 2').length === stages; t += 1) {
        if (t > 400) throw new Error('knockd did not log Stage 2');
        await sleep(5);
      }
      await hangUp(knockd, (round += 1));
      await knock(bed, knocked.slice(2));
      if (await opens(knockd, before)) survived += 1;
      await sleep(100);
    }
    console.log(`knock split by a reload: opened ${survived} of ${ROUNDS}`);
    // 2. A whole knock sent D ms after SIGHUP (not waiting for the log line).
    for (const delay of [0, 10, 50, 200]) {
      let opened = 0;
      for (let i = 0; i < ROUNDS; i += 1) {
        const before = await openCount(knockd);
        writeFileSync(knockd.configPath, config((round += 1)));
        knockd.child.kill('SIGHUP');
        await sleep(delay);
        await knock(bed, sequence(round));
        if (await opens(knockd, before)) opened += 1;
        await sleep(100);
      }
      console.log(`whole knock sent ${delay} ms after SIGHUP: opened ${opened} of ${ROUNDS}`);
    }
    // 3. Control: a whole knock with no reload.
    let control = 0;
    for (let i = 0; i < ROUNDS; i += 1) {
      const before = await openCount(knockd);
      await knock(bed, sequence(round));
      if (await opens(knockd, before)) control += 1;
      await sleep(100);
    }
    console.log(`control, no reload: opened ${control} of ${ROUNDS}`);
    await knockd.stop();
    await sesameAtBoundary(bed);
    captureSwap();
  } finally {
    await bed.teardown();
  }
}

await main();
