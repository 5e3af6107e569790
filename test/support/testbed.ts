import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { startGuardian } from './guardian';
import { startKnockdIn, type Knockd, type KnockdOptions } from './knockd';
import { buildNetwork, makeHosts, sweepStaleTestBeds, type Host } from './netns';
import {
  runIn,
  spawnIn,
  track,
  type RunOptions,
  type RunResult,
  type SpawnInOptions,
} from './processes';
import { registerBed, teardownBed, type BedResources } from './teardown';

/** Two hosts joined by a veth pair, each in its own network namespace. */
export interface TestBed {
  /** `<pid>-<rand4>`, unique per bed; part of both namespace names. */
  readonly id: string;
  /** Whether the IPv6 addresses were configured. */
  readonly ipv6: boolean;
  /** Runs knockd; its INPUT policy is DROP for IPv4 and IPv6 (lo and neighbour discovery pass). */
  readonly server: Host;
  /** The knocking side; no firewall. */
  readonly client: Host;
  run(host: Host, argv: string[], opts?: RunOptions): Promise<RunResult>;
  spawn(host: Host, argv: string[], opts?: SpawnInOptions): ChildProcess;
  startKnockd(config: string, opts?: KnockdOptions): Promise<Knockd>;
  teardown(): Promise<void>;
}

/** Options for createTestBed. */
export interface TestBedOptions {
  /** Configure the IPv6 ULA addresses (default true). */
  ipv6?: boolean;
}

const usedIds = new Set<string>();

function newBedId(): string {
  for (;;) {
    const id = `${process.pid}-${randomBytes(2).toString('hex')}`;
    if (!usedIds.has(id)) {
      usedIds.add(id);
      return id;
    }
  }
}

/** Builds the two-namespace network that knock/knockd tests send real packets across. */
export async function createTestBed(opts: TestBedOptions = {}): Promise<TestBed> {
  await sweepStaleTestBeds();
  const id = newBedId();
  const ipv6 = opts.ipv6 ?? true;
  const { server, client } = makeHosts(id);
  const res: BedResources = { namespaces: [], dirs: [], children: new Set() };
  let teardownPromise: Promise<void> | undefined;
  const bed: TestBed = {
    id,
    ipv6,
    server,
    client,
    run: (host, argv, runOpts = {}) => runIn(res, host, argv, runOpts),
    spawn: (host, argv, spawnOpts = {}) => track(res, spawnIn(host, argv, spawnOpts.stdio)),
    startKnockd: (config, knockdOpts = {}) => startKnockdIn(res, server, config, knockdOpts),
    teardown: () => (teardownPromise ??= teardownBed(res)),
  };
  registerBed(res);
  res.guardian = startGuardian([server.name, client.name]);
  try {
    await buildNetwork(res, server, client, ipv6);
  } catch (error: unknown) {
    await bed.teardown().catch(() => undefined);
    throw error;
  }
  return bed;
}

/** Runs fn with a fresh bed and always tears it down, even when fn throws. */
export async function withTestBed<T>(
  fn: (bed: TestBed) => Promise<T>,
  opts: TestBedOptions = {},
): Promise<T> {
  const bed = await createTestBed(opts);
  try {
    return await fn(bed);
  } finally {
    await bed.teardown();
  }
}
