import { spawn } from 'node:child_process';
import { sshArgv } from '../../shared/profile/ssh-argv';
import { formatSequence, withDefaultDelay } from '../../shared/sequence/sequence';
import { sendKnocks } from '../node/knock-sender';
import { openDoor } from '../node/open-door';
import { resolveHost } from '../node/resolve';
import { milliseconds, parseCommandArgs } from './args';
import { UsageError, type CliIo } from './io';
import {
  EXIT_DOOR_CLOSED,
  EXIT_UNREACHABLE,
  hitLine,
  reportKnockError,
  type ProfileLookup,
} from './knock';
import { errorMessage } from '../../shared/basics';

/** Runs ssh in this terminal and resolves with its exit code; tests pass a recorder. */
export type SshRunner = (argv: readonly string[]) => Promise<number>;

/** The real runner: ssh inherits the terminal; an argument array, never a shell. */
export const runSshInTerminal: SshRunner = (argv) =>
  new Promise((resolve, reject) => {
    const [command, ...args] = argv;
    if (!command) {
      reject(new Error('empty ssh command'));
      return;
    }
    const child = spawn(command, args, { stdio: 'inherit' });
    child.once('error', reject);
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });

/** The help text of `sesame ssh`. */
export const sshUsage = `Usage: sesame ssh NAME [--dry-run] [-v] [--probe-timeout ms]

Knocks the profile's open sequence, checks its service port, runs ssh against the knocked address
(the saved name stays ssh's destination, so ~/.ssh/config and known_hosts still apply), and when
ssh exits sends the close sequence if the profile has one.
  --dry-run   resolve the host, send nothing, print the hits and the ssh command line
Exit: ssh's exit code; 1 bad usage or error, ${EXIT_DOOR_CLOSED} the port stayed closed, ${EXIT_UNREACHABLE} unreachable.
`;

/** `sesame ssh NAME`: knock, probe, ssh, close. */
export function sshCommand(findProfile: ProfileLookup, runSsh: SshRunner = runSshInTerminal) {
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
    const probeTimeoutMs = milliseconds('ssh', 'probe-timeout', values['probe-timeout'], 5000);
    const found = await findProfile(name);
    if (!found.ok) {
      io.err(`sesame: ${found.error}\n`);
      return 1;
    }
    const profile = found.profile;
    const open = withDefaultDelay(profile.open, profile.delayMs);

    if (values['dry-run']) {
      const resolved = await resolveHost(profile.host, profile.family);
      if (!resolved.ok) {
        io.err(`sesame: ${profile.name}: ${resolved.error}\n`);
        return 1;
      }
      const argv = sshArgv(profile, resolved.value.address);
      if (!argv.ok) {
        io.err(`sesame: ${profile.name}: ${argv.error}\n`);
        return 1;
      }
      for (const k of open)
        io.out(
          `would hit ${k.protocol} ${resolved.value.address}:${k.port}${k.delayMs ? ` then wait ${k.delayMs} ms` : ''}\n`,
        );
      io.out(`would probe tcp ${resolved.value.address}:${profile.servicePort}\n`);
      io.out(`would run: ${JSON.stringify(argv.argv)}\n`);
      if (profile.close)
        io.out(`would then send close sequence ${formatSequence(profile.close)}\n`);
      return 0;
    }

    const opened = await openDoor({
      host: profile.host,
      family: profile.family,
      sequence: open,
      servicePort: profile.servicePort,
      probeTimeoutMs,
      onProgress: hitLine(io, values.verbose ?? false),
    });
    if (!opened.ok) {
      io.err(`sesame: ${profile.name}: ${opened.error}\n`);
      return 1;
    }
    if (opened.probe.state !== 'open') {
      io.err(
        `sesame: ${profile.name}: port ${profile.servicePort} on ${opened.address} is ${opened.probe.state} after knocking; not starting ssh\n`,
      );
      return opened.probe.state === 'closed' ? EXIT_DOOR_CLOSED : EXIT_UNREACHABLE;
    }
    const argv = sshArgv(profile, opened.address);
    if (!argv.ok) {
      io.err(`sesame: ${profile.name}: ${argv.error}\n`);
      return 1;
    }
    let code: number;
    try {
      code = await runSsh(argv.argv);
    } catch (error) {
      io.err(`sesame: cannot run ssh: ${errorMessage(error)}\n`);
      code = 1;
    }
    if (profile.close) {
      const closed = await sendKnocks({
        address: opened.address,
        family: opened.family,
        sequence: withDefaultDelay(profile.close, profile.delayMs),
      });
      if (reportKnockError(closed, io) !== 0) return code === 0 ? 1 : code;
      if (values.verbose)
        io.out(`sent close sequence ${formatSequence(profile.close)} to ${opened.address}\n`);
    }
    return code;
  };
}
