import { spawn } from 'node:child_process';
import type { Profile } from '../../shared/profile/profile';
import { sshArgv } from '../../shared/profile/ssh-argv';
import { sequenceSummary } from '../../shared/profile/open-summary';
import { isRotating } from '../../shared/rotating/rotating-sequence';
import { createDoorEngine, doorKnocks, type DoorEngine } from '../node/door-engine';
import { formatSpaAccess } from '../../shared/spa/spa-request';
import { resolveHost, type ResolvedAddress } from '../node/resolve';
import { milliseconds, parseCommandArgs } from './args';
import { UsageError, type CliIo } from './io';
import {
  EXIT_DOOR_UNCHANGED,
  EXIT_UNREACHABLE,
  closeSent,
  hitLine,
  reportDoorFailure,
  stillAnswers,
  type ProfileLookup,
} from './knock';
import { errorMessage } from '../../shared/basics';
import { holdSignals, signalExitCode, type SignalHold } from './signal-hold';

/**
 * Runs ssh in this terminal and resolves with its exit code; signals Sesame is sent while ssh runs
 * are passed on through `signals`. Tests pass a recorder.
 */
export type SshRunner = (argv: readonly string[], signals: SignalHold) => Promise<number>;

/** The real runner: ssh inherits the terminal; an argument array, never a shell. */
export const runSshInTerminal: SshRunner = (argv, signals) =>
  new Promise((resolve, reject) => {
    const [command, ...args] = argv;
    if (!command) {
      reject(new Error('empty ssh command'));
      return;
    }
    const child = spawn(command, args, { stdio: 'inherit' });
    const stopForwarding = signals.forward((signal) => child.kill(signal));
    child.once('error', (error) => {
      stopForwarding();
      reject(error);
    });
    child.once('exit', (code, signal) => {
      stopForwarding();
      resolve(code ?? (signal ? signalExitCode(signal) : 1));
    });
  });

/** The help text of `sesame ssh`. */
export const sshUsage = `Usage: sesame ssh NAME [--dry-run] [-v] [--probe-timeout ms]

Knocks the profile's open sequence, checks its service port, runs ssh against the knocked address
(the saved name stays ssh's destination, so ~/.ssh/config and known_hosts still apply), and when
ssh exits sends the close sequence if the profile has one. Closing the terminal or killing sesame
(SIGHUP, SIGTERM, SIGINT) ends ssh and still sends the close sequence.
  --dry-run   resolve the host, send nothing, print the hits and the ssh command line
Exit: ssh's exit code; 1 bad usage or error, ${EXIT_DOOR_UNCHANGED} the port stayed closed, ${EXIT_UNREACHABLE} unreachable.
`;

/** `sesame ssh NAME`: knock, probe, ssh, close. */
export function sshCommand(
  findProfile: ProfileLookup,
  runSsh: SshRunner = runSshInTerminal,
  door: DoorEngine = createDoorEngine(),
) {
  return async (args: readonly string[], io: CliIo): Promise<number> => {
    const { values, positionals } = parseCommandArgs('ssh', args, {
      'dry-run': { type: 'boolean' },
      verbose: { type: 'boolean', short: 'v' },
      'probe-timeout': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    });
    if (values.help) {
      io.out(sshUsage);
      return 0;
    }
    const [name, ...extra] = positionals;
    if (!name || extra.length > 0) throw new UsageError('ssh: expected exactly one profile NAME');
    const probeTimeoutMs =
      values['probe-timeout'] === undefined
        ? undefined
        : milliseconds('ssh', 'probe-timeout', values['probe-timeout'], 0);
    const found = await findProfile(name);
    if (!found.ok) {
      io.err(`sesame: ${found.error}\n`);
      return 1;
    }
    const profile = found.profile;
    if (values['dry-run']) return dryRun(profile, io);

    // ssh runs in this terminal: the session "waits", and its exit code is the command's. From the
    // launch until the close has been sent, a signal ends ssh instead of Sesame.
    const signals = holdSignals();
    try {
      const code = await sshSession(profile, door, runSsh, signals, io, {
        probeTimeoutMs,
        verbose: values.verbose ?? false,
      });
      return signals.caught ? signalExitCode(signals.caught) : code;
    } finally {
      signals.release();
    }
  };
}

async function sshSession(
  profile: Profile,
  door: DoorEngine,
  runSsh: SshRunner,
  signals: SignalHold,
  io: CliIo,
  options: { probeTimeoutMs: number | undefined; verbose: boolean },
): Promise<number> {
  let sshCode = 1;
  const session = await door.ssh(
    profile,
    (argv) => {
      if (signals.caught)
        return Promise.resolve({ ok: false, error: `${signals.caught} before ssh started` });
      const exited = runSsh(argv, signals).then(
        (code) => {
          sshCode = code;
        },
        (error: unknown) => {
          io.err(`sesame: cannot run ssh: ${errorMessage(error)}\n`);
        },
      );
      return Promise.resolve({ ok: true, label: 'this terminal', waits: true, exited });
    },
    { probeTimeoutMs: options.probeTimeoutMs, onHit: hitLine(io, options.verbose) },
  );
  if (!session.ok) {
    io.err(`sesame: ${profile.name}: ${session.error}\n`);
    // The door opened but no session started: close it again rather than leave it open.
    if (session.probe?.state === 'open' && session.target && profile.close)
      await closeAfter(profile, door, session.target, io, options.verbose);
    if (session.probe?.state === 'closed') return EXIT_DOOR_UNCHANGED;
    return session.probe?.state === 'unreachable' ? EXIT_UNREACHABLE : 1;
  }
  await session.exited;
  if (!session.closesOnExit) return sshCode;
  const closed = await closeAfter(profile, door, session.target, io, options.verbose);
  return closed || sshCode !== 0 ? sshCode : 1;
}

/** Sends the close sequence to the address ssh used; false when it could not be sent. */
async function closeAfter(
  profile: Profile,
  door: DoorEngine,
  target: ResolvedAddress,
  io: CliIo,
  verbose: boolean,
): Promise<boolean> {
  const closed = await door.close(profile, { target });
  if (!closed.ok) {
    reportDoorFailure(profile, closed, io);
    return false;
  }
  if (verbose) io.out(`${closeSent(profile, closed)}\n`);
  if (closed.probe.state === 'open')
    io.err(`sesame: ${profile.name}: ${stillAnswers(profile, closed.target.address)}\n`);
  return true;
}

/** `--dry-run`: resolve the host, send nothing, print the hits, the probe and the ssh argv. */
async function dryRun(profile: Profile, io: CliIo): Promise<number> {
  const resolved = await resolveHost(profile.host, profile.family);
  if (!resolved.ok) return reportDoorFailure(profile, resolved, io);
  const argv = sshArgv(profile, resolved.value.address);
  if (!argv.ok) return reportDoorFailure(profile, argv, io);
  if (profile.spa)
    io.out(
      `would send an SPA packet (${formatSpaAccess(profile.spa.access)}) to udp ${resolved.value.address}:${profile.spa.port}\n`,
    );
  if (profile.open && isRotating(profile.open))
    io.out(
      `would send the rotating sequence of the step it is sent in (one every ${String(profile.open.stepSeconds)} s); this step's:\n`,
    );
  for (const k of doorKnocks(profile, 'open', Date.now()) ?? [])
    io.out(
      `would hit ${k.protocol} ${resolved.value.address}:${k.port}${k.delayMs ? ` then wait ${k.delayMs} ms` : ''}\n`,
    );
  io.out(`would probe tcp ${resolved.value.address}:${profile.servicePort}\n`);
  io.out(`would run: ${JSON.stringify(argv.argv)}\n`);
  if (profile.close) io.out(`would then send close sequence ${sequenceSummary(profile.close)}\n`);
  return 0;
}
