import type { Profile } from '../../shared/profile/profile';
import { formatSequence, parseKnockArgs, withDefaultDelay } from '../../shared/sequence/sequence';
import { createDoorEngine, DOOR_TIMING, type DoorEngine } from '../node/door-engine';
import { sendKnocks, type KnockResult } from '../node/knock-sender';
import type { ProbeResult } from '../node/probe';
import { resolveHost, type ResolvedAddress } from '../node/resolve';
import { isRotating } from '../../shared/rotating/rotating-sequence';
import { familyOf, hitLine, reportKnockError, withTcpFlags } from './knock-hits';
import {
  knockRotating,
  rotatingKnockHelp,
  rotatingKnockOptions,
  type RotatingClock,
  realRotatingClock,
} from './knock-rotating';

/** Re-exported: ssh and proxy print hits the same way. */
export { hitLine, reportKnockError } from './knock-hits';
import { milliseconds, parseCommandArgs } from './args';
import { UsageError, type CliIo } from './io';

/** Finds a saved profile by name (the CLI passes the profile store; tests pass a fake). */
export type ProfileLookup = (
  name: string,
) => Promise<{ ok: true; profile: Profile } | { ok: false; error: string }>;

/**
 * Exit code of `sesame knock --profile`, `ssh` and `probe` when the door is not as wanted: closed
 * (probe, after the open sequence, before ssh) or still answering after the close sequence.
 */
export const EXIT_DOOR_UNCHANGED = 2;
/** Exit code when the host cannot be reached at all. */
export const EXIT_UNREACHABLE = 3;

/** The help text of `sesame knock`; knock's own options come first, then Sesame's. */
export const knockUsage = `Usage: sesame knock [-u] [-d ms] [-4|-6] [-v] [--tcp-flags LIST] HOST PORT[:PROTO]...
       sesame knock --profile NAME [--close] [-v] [--probe-timeout ms] [--reknock]
       sesame knock --secret-file PATH --label NAME [--step S] [--length N] [--ports LOW-HIGH]
                    [--protocols P] [-d ms] [-4|-6] [-v] HOST

Sends a knock sequence, as knock does: each TCP hit is one SYN, each UDP hit one datagram.
  -u, --udp            make every hit UDP (default TCP); PORT:udp or PORT:tcp sets one hit
  -d, --delay MS       wait MS milliseconds after each hit
  -4, --ipv4           resolve HOST to an IPv4 address
  -6, --ipv6           resolve HOST to an IPv6 address
  -v, --verbose        print each hit ("hitting tcp 192.0.2.1:7000")
  --tcp-flags LIST     send TCP hits with these flags instead of a plain SYN, for knockd doors
                       with tcpflags (e.g. fin,!ack): crafted packets, needs root or CAP_NET_RAW
  --profile NAME       knock a saved profile's open sequence, then check its service port
  --close              with --profile: knock the close sequence instead, then check that the
                       service port stopped answering
  --probe-timeout MS   with --profile: how long to wait for the service port (default ${DOOR_TIMING.openProbeMs})
  --reknock            with --profile: knock once more if the port stays closed
HOST is resolved once; every hit goes to that one address.
${rotatingKnockHelp}
Exit: 0 sent (with --profile: the service port answered; with --close: it stopped answering),
      1 bad usage or error, ${EXIT_DOOR_UNCHANGED} the door did not change (still closed after the open
      sequence, still open after the close sequence), ${EXIT_UNREACHABLE} the host is unreachable.
`;

const options = {
  udp: { type: 'boolean', short: 'u' },
  delay: { type: 'string', short: 'd' },
  ipv4: { type: 'boolean', short: '4' },
  ipv6: { type: 'boolean', short: '6' },
  verbose: { type: 'boolean', short: 'v' },
  help: { type: 'boolean', short: 'h' },
  profile: { type: 'string' },
  close: { type: 'boolean' },
  'probe-timeout': { type: 'string' },
  reknock: { type: 'boolean' },
  'tcp-flags': { type: 'string' },
  ...rotatingKnockOptions,
} as const;

/** knock takes `-d -5` and then says the delay is negative; parseArgs would call it ambiguous. */
function joinDelayValues(args: readonly string[]): string[] {
  const joined: string[] = [];
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i] ?? '';
    const next = args[i + 1];
    if ((arg === '-d' || arg === '--delay') && next?.startsWith('-')) {
      joined.push(`--delay=${next}`);
      i += 1;
    } else {
      joined.push(arg);
    }
  }
  return joined;
}

function parse(args: readonly string[]) {
  return parseCommandArgs('knock', joinDelayValues(args), options);
}

/** `sesame knock`: knock's drop-in (HOST PORT...) or a saved profile (--profile NAME). */
export function knockCommand(
  findProfile: ProfileLookup,
  door: DoorEngine = createDoorEngine(),
  clock: RotatingClock = realRotatingClock,
) {
  return async (args: readonly string[], io: CliIo): Promise<number> => {
    const { values, positionals } = parse(args);
    if (values.help) {
      io.out(knockUsage);
      return 0;
    }
    if (values['secret-file'] !== undefined) return knockRotating(values, positionals, io, clock);
    for (const flag of ['label', 'step', 'length', 'ports', 'protocols'] as const) {
      if (values[flag] !== undefined)
        throw new UsageError(`knock: --${flag} is for rotating doors: give --secret-file too`);
    }
    if (values.profile !== undefined)
      return knockProfile(values.profile, values, positionals, io, findProfile, door);
    const [host, ...ports] = positionals;
    if (!host || ports.length === 0)
      throw new UsageError('knock: expected HOST and at least one PORT[:PROTO]');
    const delay = milliseconds('knock', 'delay', values.delay, 0);
    const sequence = parseKnockArgs(ports, values.udp ? 'udp' : 'tcp');
    if (!sequence.ok) throw new UsageError(`knock: ${sequence.error}`);
    const hits = withTcpFlags(withDefaultDelay(sequence.value, delay), values['tcp-flags']);
    const resolved = await resolveHost(host, familyOf(values));
    if (!resolved.ok) {
      io.err(`sesame: ${resolved.error}\n`);
      return 1;
    }
    const result = await sendKnocks({
      ...resolved.value,
      sequence: hits,
      onProgress: hitLine(io, values.verbose ?? false),
    });
    return reportKnockError(result, io);
  };
}

async function knockProfile(
  name: string,
  values: ReturnType<typeof parse>['values'],
  positionals: string[],
  io: CliIo,
  findProfile: ProfileLookup,
  door: DoorEngine,
): Promise<number> {
  if (positionals.length > 0)
    throw new UsageError('knock: --profile takes no HOST or PORT arguments');
  for (const flag of ['udp', 'delay', 'ipv4', 'ipv6', 'tcp-flags'] as const) {
    if (values[flag] !== undefined)
      throw new UsageError(
        `knock: --${flag} cannot be combined with --profile (edit the profile instead)`,
      );
  }
  if (values.close && (values.reknock !== undefined || values['probe-timeout'] !== undefined))
    throw new UsageError('knock: --reknock and --probe-timeout are for opening, not --close');
  const probeTimeoutMs =
    values['probe-timeout'] === undefined
      ? undefined
      : milliseconds('knock', 'probe-timeout', values['probe-timeout'], 0);
  const found = await findProfile(name);
  if (!found.ok) {
    io.err(`sesame: ${found.error}\n`);
    return 1;
  }
  const profile = found.profile;
  const onHit = hitLine(io, values.verbose ?? false);
  if (values.close) {
    const closed = await door.close(profile, { onHit });
    if (!closed.ok) return reportDoorFailure(profile, closed, io);
    io.out(`${profile.name}: ${closeSent(profile, closed)}\n`);
    return reportProbe(profile, 'close', closed.probe, io);
  }
  const opened = await door.open(profile, {
    onHit,
    probeTimeoutMs,
    reknock: values.reknock ?? false,
    onStage: (stage) => {
      if (values.verbose && stage === 'reknocking') io.out('port still closed: knocking again\n');
    },
  });
  if (!opened.ok) return reportDoorFailure(profile, opened, io);
  return reportProbe(profile, 'open', opened.probe, io);
}

/**
 * What the CLI says once a close sequence went out: `sent close sequence 9000,7000 to ADDR`; for a
 * rotating one, the knocks of the step it was sent in.
 */
export function closeSent(
  profile: Profile,
  closed: { target: ResolvedAddress; knocks: readonly KnockResult[] },
): string {
  const sent = closed.knocks.flatMap((k) =>
    k.hits.map(({ port, protocol }) => ({ port, protocol })),
  );
  const sequence = profile.close && !isRotating(profile.close) ? profile.close : sent;
  return `sent close sequence ${formatSequence(sequence)} to ${closed.target.address}`;
}

/** What the CLI says when the service port still answers after the close sequence. */
export function stillAnswers(profile: Profile, address: string): string {
  return `port ${String(profile.servicePort)} on ${address} still answers after the close sequence`;
}

/** A door run that stopped before its probe: a send error is exit 1, as is an unresolvable host. */
export function reportDoorFailure(profile: Profile, result: { error: string }, io: CliIo): number {
  io.err(`sesame: ${profile.name}: ${result.error}\n`);
  return 1;
}

/**
 * The probe's verdict after a knock: 0 when the door did what was asked (open answers, close went
 * silent), EXIT_DOOR_UNCHANGED when it did not, EXIT_UNREACHABLE when the host cannot be reached.
 */
export function reportProbe(
  profile: Profile,
  action: 'open' | 'close',
  probe: ProbeResult,
  io: CliIo,
): number {
  const where = `${probe.address.includes(':') ? `[${probe.address}]` : probe.address}:${probe.port}`;
  switch (probe.state) {
    case 'open':
      if (action === 'open') {
        io.out(`${profile.name}: open: ${where} answered after ${probe.elapsedMs} ms\n`);
        return 0;
      }
      io.err(`${profile.name}: still open: ${where} still answers after the close sequence\n`);
      return EXIT_DOOR_UNCHANGED;
    case 'closed':
      if (action === 'close') {
        io.out(`${profile.name}: closed: ${where} no longer answers\n`);
        return 0;
      }
      io.err(
        `${profile.name}: still closed: ${where} did not answer (${probe.detail ?? 'no answer'}) within ${probe.elapsedMs} ms\n`,
      );
      return EXIT_DOOR_UNCHANGED;
    case 'unreachable':
      io.err(`${profile.name}: unreachable: ${where}: ${probe.detail ?? 'no route'}\n`);
      return EXIT_UNREACHABLE;
  }
}
