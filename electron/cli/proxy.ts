import type { Profile } from '../../shared/profile/profile';
import { profileAnswersTo } from '../../shared/profile/profile-match';
import { createDoorEngine, DOOR_TIMING, type DoorEngine } from '../node/door-engine';
import type { ResolvedAddress } from '../node/resolve';
import { connectTcp, relay, type RelayStreams } from '../node/tcp-relay';
import { milliseconds, parseCommandArgs } from './args';
import { UsageError, type CliIo } from './io';
import { closeSent, EXIT_DOOR_UNCHANGED, EXIT_UNREACHABLE, hitLine, stillAnswers } from './knock';
import { holdSignals, signalExitCode, type SignalSource } from './signal-hold';

/**
 * Finds the profile for `sesame proxy HOST PORT`: the one named `name` (--profile), else the one
 * whose name (the ssh alias) or host is HOST. The CLI passes the profile store; tests pass a fake.
 */
export type ProxyProfileLookup = (
  host: string,
  name: string | undefined,
) => Promise<{ ok: true; profile: Profile } | { ok: false; error: string }>;

/** The help text of `sesame proxy`. */
export const proxyUsage = `Usage: sesame proxy [--profile NAME] [-v] [--probe-timeout ms] HOST PORT

For ssh's ProxyCommand (sesame ssh-config add writes it):
    ProxyCommand sesame proxy %h %p
Finds the profile (--profile NAME, else the one whose name or host is HOST), knocks its open
sequence, waits until PORT answers on the knocked address (knocking once more if it stays closed),
then relays stdin and stdout to that same address (so a name with IPv4 and IPv6 addresses never
knocks one and connects to the other). When either side closes, or ssh ends sesame (SIGHUP, SIGTERM,
SIGINT), the close sequence is sent if the profile has one, as after sesame ssh.
stdout carries nothing but the connection; every message goes to stderr, failures as one line.
  --profile NAME       the profile to knock; HOST must be its name or its host
  -v, --verbose        print the hits and the door's progress on stderr
  --probe-timeout MS   how long to wait for PORT after each knock (default ${DOOR_TIMING.openProbeMs})
ssh's ConnectTimeout, if set, must leave time for the knock.
Exit: 0 the session ended; 1 bad usage or error; ${EXIT_DOOR_UNCHANGED} the port stayed closed; ${EXIT_UNREACHABLE} unreachable.
`;

/** What the proxy works with besides the profile: the door, its stdio, signals and the connection. */
export interface ProxyDeps {
  door: DoorEngine;
  /** The bytes of the session (process.stdin and stdout), asked for only once the door is open. */
  streams: () => RelayStreams;
  signals: SignalSource;
  connect: typeof connectTcp;
}

const realDeps: ProxyDeps = {
  door: createDoorEngine(),
  streams: () => ({ input: process.stdin, output: process.stdout }),
  signals: process,
  connect: connectTcp,
};

const PROXY_OPTIONS = {
  profile: { type: 'string' },
  verbose: { type: 'boolean', short: 'v' },
  'probe-timeout': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** `sesame proxy [--profile NAME] HOST PORT`: knock, wait for PORT, relay stdio, close. */
export function proxyCommand(findProfile: ProxyProfileLookup, deps: Partial<ProxyDeps> = {}) {
  const parts = { ...realDeps, ...deps };
  return async (args: readonly string[], io: CliIo): Promise<number> => {
    // ssh shows the proxy's stderr as is: every failure, usage included, is one line there.
    let parsed: ReturnType<typeof parseArgs>;
    try {
      parsed = parseArgs(args);
    } catch (error) {
      if (!(error instanceof UsageError)) throw error;
      io.err(`sesame: ${error.message} (see sesame proxy --help)\n`);
      return 1;
    }
    if (parsed === 'help') {
      io.out(proxyUsage);
      return 0;
    }
    const { host, port, name, verbose, probeTimeoutMs } = parsed;
    const found = await findProfile(host, name);
    if (!found.ok) {
      io.err(`sesame: ${found.error}\n`);
      return 1;
    }
    if (name !== undefined && !profileAnswersTo(found.profile, host)) {
      io.err(
        `sesame: profile '${found.profile.name}' knocks ${found.profile.host}, but ssh asked for ${host}; make ssh's HostName the profile's host\n`,
      );
      return 1;
    }
    // The door is for the port ssh connects to.
    const profile: Profile = { ...found.profile, servicePort: port };
    const signals = holdSignals(parts.signals);
    const stop = new AbortController();
    const stopForwarding = signals.forward(() => stop.abort());
    try {
      const code = await session(profile, parts, io, stop.signal, { verbose, probeTimeoutMs });
      return signals.caught ? signalExitCode(signals.caught) : code;
    } finally {
      stopForwarding();
      signals.release();
    }
  };
}

function parseArgs(args: readonly string[]) {
  const { values, positionals } = parseCommandArgs('proxy', args, PROXY_OPTIONS);
  if (values.help) return 'help' as const;
  const [host, portText, ...extra] = positionals;
  if (host === undefined || portText === undefined || extra.length > 0)
    throw new UsageError('proxy: expected HOST and PORT');
  const port = Number(portText);
  if (!/^[0-9]+$/.test(portText) || port < 1 || port > 65535)
    throw new UsageError(`proxy: port "${portText}" must be 1-65535`);
  const probeTimeout = values['probe-timeout'];
  return {
    host,
    port,
    name: values.profile,
    verbose: values.verbose ?? false,
    probeTimeoutMs:
      probeTimeout === undefined
        ? DOOR_TIMING.openProbeMs
        : milliseconds('proxy', 'probe-timeout', probeTimeout, 0),
  };
}

/** One proxied session: open, connect, relay, close. Resolves with the exit code. */
async function session(
  profile: Profile,
  parts: ProxyDeps,
  io: CliIo,
  signal: AbortSignal,
  options: { verbose: boolean; probeTimeoutMs: number },
): Promise<number> {
  const who = `profile '${profile.name}'`;
  const fail = (message: string, code: number) => {
    io.err(`sesame: ${who}: ${message}\n`);
    return code;
  };
  // stdout is ssh's byte stream: -v lines go to stderr like everything else.
  const log: CliIo = {
    out: (text) => io.err(text),
    err: (text) => {
      if (options.verbose) io.err(text);
    },
  };
  const note = (line: string) => {
    if (options.verbose) io.err(`${line}\n`);
  };
  const opened = await parts.door.open(profile, {
    reknock: true,
    probeTimeoutMs: options.probeTimeoutMs,
    signal,
    onHit: hitLine(log, options.verbose),
    onStage: (stage) => {
      if (stage === 'reknocking') note('port still closed: knocking again');
    },
  });
  if (!opened.ok) return fail(opened.error, 1);
  const { target, probe } = opened;
  const where = `port ${String(profile.servicePort)} on ${target.address}`;
  if (probe.state === 'closed')
    return fail(
      `${where} stayed closed after knocking${signal.aborted ? '' : ' twice'} (${probe.detail ?? 'no answer'})`,
      EXIT_DOOR_UNCHANGED,
    );
  if (probe.state === 'unreachable')
    return fail(
      `${target.address} is unreachable (${probe.detail ?? 'no route'})`,
      EXIT_UNREACHABLE,
    );
  note(`${where} answered after ${String(probe.elapsedMs)} ms`);

  // The door is open: from here on it is closed again at the end, whatever ends the session.
  let code = 0;
  const connected = await parts.connect(target.address, profile.servicePort, {
    timeoutMs: options.probeTimeoutMs,
    signal,
  });
  if (!connected.ok) {
    if (!signal.aborted) code = fail(`cannot connect to ${where}: ${connected.error}`, 1);
  } else {
    note(`relaying stdin and stdout to ${where}`);
    const end = await relay(parts.streams(), connected.value, signal);
    if (end.kind === 'failed') code = fail(`the connection to ${where} failed: ${end.error}`, 1);
  }
  if (!profile.close) return code;
  const closed = await closeDoor(profile, parts.door, target, io, note);
  return code === 0 ? closed : code;
}

/** Sends the close sequence to the knocked address; the exit code it leaves (0 when closed). */
async function closeDoor(
  profile: Profile,
  door: DoorEngine,
  target: ResolvedAddress,
  io: CliIo,
  note: (line: string) => void,
): Promise<number> {
  const closed = await door.close(profile, { target });
  if (!closed.ok) {
    io.err(`sesame: profile '${profile.name}': close sequence not sent: ${closed.error}\n`);
    return 1;
  }
  note(closeSent(profile, closed));
  if (closed.probe.state !== 'open') return 0;
  io.err(`sesame: profile '${profile.name}': ${stillAnswers(profile, target.address)}\n`);
  return EXIT_DOOR_UNCHANGED;
}
