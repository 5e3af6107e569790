import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { bundleScript, sesameServer } from '../support/cli';
import type { DoorServerProgram, Knockd } from '../support/knockd';
import type { PlayedHit } from '../support/packet-player';
import { describeRoot } from '../support/root';
import {
  CONFIG_ERRORS,
  normalise,
  parseHit,
  SCENARIOS,
  SECOND_CLIENT_V4,
  SECOND_SERVER_V4,
  STARTUP,
  TARGET_V4,
  withLifecycle,
  type Addresses,
  type Outcome,
  type Scenario,
} from '../support/scenarios';
import { createTestBed, type TestBed } from '../support/testbed';

// The differential suite: the same packets, replayed against Debian's knockd and then against
// `sesame server` (a fresh process each, on one bed), must leave the same normalised log, except
// where the scenario table states a deliberate difference (knockd-semantics.md, sections 3 and 7).

/** Pause after each packet, so both servers see them in order. */
const GAP_MS = 30;
/** A run is over once the log and stdout have not changed for this long after the last packet. */
const QUIET_MS = 300;
/** How long to wait for a scenario's `waitFor` line (cmd_timeout is 1 s where it is used). */
const WAIT_FOR_MS = 3_000;

const PLAYER_SCRIPT = `
import { playPackets } from './test/support/packet-player';
try {
  await playPackets(JSON.parse(process.argv[2] ?? '{}'));
} catch (error) {
  process.stderr.write(\`\${error.code ?? 'error'}: \${error.message}\\n\`);
  process.exitCode = 2;
}
`;

let bed: TestBed;
let sesame: DoorServerProgram;
let at: Addresses;
let outDir: string;
let player: string;

/** Bundles the packet player under out/ (so raw-socket resolves from node_modules). */
async function buildPlayer(): Promise<string> {
  const outfile = await bundleScript('differential-play', PLAYER_SCRIPT);
  outDir = dirname(outfile);
  return outfile;
}

/** Host B (a second address of the client) and a second address of the server (S2). */
async function addSecondAddresses(): Promise<void> {
  const add = ['ip', 'addr', 'add'];
  await mustRun(bed.client, [...add, `${SECOND_CLIENT_V4}/24`, 'dev', bed.client.ifname]);
  await mustRun(bed.server, [...add, `${SECOND_SERVER_V4}/24`, 'dev', bed.server.ifname]);
}

/** Makes the client send packets for the door target T to the server's MAC (nobody owns T). */
async function routeTargetToServer(): Promise<void> {
  const link = await mustRun(bed.server, ['ip', '-j', 'link', 'show', 'dev', bed.server.ifname]);
  const [{ address: mac }] = JSON.parse(link) as [{ address: string }];
  const dev = bed.client.ifname;
  await mustRun(bed.client, ['ip', 'route', 'add', `${TARGET_V4}/32`, 'dev', dev]);
  const neigh = ['ip', 'neigh', 'replace', TARGET_V4, 'lladdr', mac, 'dev', dev];
  await mustRun(bed.client, [...neigh, 'nud', 'permanent']);
}

async function mustRun(host: TestBed['server'], argv: string[]): Promise<string> {
  const result = await bed.run(host, argv);
  if (result.code !== 0) throw new Error(`${argv.join(' ')} failed: ${result.stderr}`);
  return result.stdout;
}

/** Sends a group of packets from the client host with the player script. */
async function send(hits: PlayedHit[]): Promise<void> {
  const plan = JSON.stringify({ gapMs: GAP_MS, hits });
  const result = await bed.run(bed.client, [process.execPath, player, plan]);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until the server's log and stdout stop changing (and `waitFor` appeared, if given). */
async function settle(server: Knockd, waitFor: RegExp | undefined): Promise<void> {
  // A line that does not come is not an error here: the comparison shows what was logged instead.
  if (waitFor) await server.waitForLog(waitFor, WAIT_FOR_MS).catch(() => undefined);
  let last = '';
  let quietSince = Date.now();
  for (;;) {
    const now = `${await server.log()}\n${server.stdout()}`;
    if (now !== last) {
      last = now;
      quietSince = Date.now();
    } else if (Date.now() - quietSince >= QUIET_MS) {
      return;
    }
    await sleep(50);
  }
}

async function observeNow(server: Knockd): Promise<Outcome> {
  return normalise(await server.log(), server.stdout(), at);
}

/** A fresh copy of the scenario's one-time sequences file, or undefined when it has none. */
function oneTimeFile(scenario: Scenario): string | undefined {
  if (scenario.oneTimeFile === undefined) return undefined;
  const path = join(mkdtempSync(join(outDir, 'one-time-')), 'sequences.txt');
  writeFileSync(path, scenario.oneTimeFile);
  return path;
}

/** What one server did with a scenario: its outcome, and its outcome at the `snapshot` step. */
interface Observed {
  outcome: Outcome;
  snapshot?: Outcome;
}

/** How a server ended on its own before the test stopped it (undefined: it was still running). */
function exitOf(server: Knockd): string | undefined {
  if (server.running) return undefined;
  const signal = server.child.signalCode;
  return signal === null ? `exit code ${String(server.exitCode)}` : `signal ${signal}`;
}

/** Runs a scenario's steps against a fresh server (knockd, or the given program). */
async function observe(scenario: Scenario, program?: DoorServerProgram): Promise<Observed> {
  const oneTime = oneTimeFile(scenario);
  const config = scenario.config.replaceAll('%ONE_TIME%', oneTime ?? '');
  const args = scenario.args ?? [];
  const server = await bed.startKnockd(config, program ? { program, args } : { args });
  const observed: Partial<Observed> = {};
  let exited: string | undefined;
  try {
    let pending: PlayedHit[] = [];
    const flush = async () => {
      if (pending.length > 0) await send(pending);
      pending = [];
    };
    for (const step of scenario.steps) {
      const wait = /^wait (\d+)$/.exec(step);
      if (wait) {
        await flush();
        await sleep(Number(wait[1]));
      } else if (step === 'snapshot') {
        await flush();
        await settle(server, undefined);
        observed.snapshot = await observeNow(server);
      } else {
        pending.push(parseHit(step, at));
      }
    }
    await flush();
    await settle(server, scenario.waitFor);
  } finally {
    exited = exitOf(server);
    await server.stop();
  }
  const outcome = await observeNow(server);
  if (exited !== undefined) outcome.exited = exited;
  if (oneTime !== undefined) outcome.file = readFileSync(oneTime, 'utf8').split('\n');
  return { ...observed, outcome };
}

describeRoot(
  'differential: the same packets against knockd and sesame server',
  { commands: ['ip', 'iptables', 'ip6tables', 'knockd'] },
  () => {
    beforeAll(async () => {
      sesame = await sesameServer();
      player = await buildPlayer();
      bed = await createTestBed();
      at = {
        A: bed.client.ipv4,
        A6: bed.client.ipv6,
        B: SECOND_CLIENT_V4,
        serverV4: bed.server.ipv4,
        serverV6: bed.server.ipv6,
        T: TARGET_V4,
        S2: SECOND_SERVER_V4,
        ifname: bed.server.ifname,
      };
      await addSecondAddresses();
      await routeTargetToServer();
    }, 60_000);

    afterAll(async () => {
      await bed.teardown();
      rmSync(outDir, { recursive: true, force: true });
    });

    for (const scenario of SCENARIOS) {
      const differs = scenario.sesame !== undefined || scenario.snapshot?.sesame !== undefined;
      const name = `row ${scenario.row}: ${scenario.title}${differs ? ' (deliberate difference)' : ''}`;
      it(name, async () => {
        const knockd = await observe(scenario);
        const ours = await observe(scenario, sesame);
        // The differential check proper: Sesame's normalised log is "received", knockd's "expected".
        if (!differs) expect(ours, 'sesame server against knockd').toEqual(knockd);
        // Both against the table: knockd still does what it says, Sesame differs only as listed.
        expect({ knockd: knockd.outcome, sesame: ours.outcome }).toEqual({
          knockd: withLifecycle(scenario.knockd),
          sesame: withLifecycle(scenario.sesame ?? scenario.knockd),
        });
        if (scenario.snapshot) {
          expect({ knockd: knockd.snapshot, sesame: ours.snapshot }).toEqual({
            knockd: { server: [STARTUP], ...scenario.snapshot.knockd },
            sesame: {
              server: [STARTUP],
              ...(scenario.snapshot.sesame ?? scenario.snapshot.knockd),
            },
          });
        }
      });
    }

    it('row 21: a bad config makes both exit 1 with the same first line on stderr', async () => {
      const dir = mkdtempSync(join(outDir, 'configs-'));
      const results = await Promise.all(
        CONFIG_ERRORS.map(async (bad, i) => {
          const file = join(dir, `bad-${i}.conf`);
          writeFileSync(file, bad.config);
          const iface = ['-i', bed.server.ifname, '-c', file];
          const runs = await Promise.all([
            bed.run(bed.server, ['knockd', ...iface], { timeoutMs: 5_000 }),
            bed.run(bed.server, [...sesame.argv, ...iface], { timeoutMs: 10_000 }),
          ]);
          const [knockd, server] = runs.map((run) => ({
            code: run.code,
            line: run.stderr.split('\n')[0],
          }));
          return { name: bad.name, knockd, server };
        }),
      );
      // Sesame prints knockd's line and then says which file: ` (in FILE)`, and which line when
      // knockd's text names only the section (each of these doors starts on line 1).
      const where = (text: string, i: number) =>
        ` (in ${join(dir, `bad-${i}.conf`)}${/\bline \d+\b/.test(text) ? '' : ', line 1'})`;
      expect(results).toEqual(
        CONFIG_ERRORS.map((bad, i) => ({
          name: bad.name,
          knockd: { code: 1, line: bad.knockd },
          server: { code: 1, line: bad.knockd + where(bad.knockd, i) },
        })),
      );
    });
  },
);
