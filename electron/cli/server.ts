import { readFileSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import {
  describeConfigError,
  parseKnockdConfig,
  type KnockdConfig,
} from '../../shared/knockd/config';
import { openCapture } from '../node/capture';
import { describeRelease, keepCodePagesReleased } from '../node/code-pages';
import { startCommandLauncher } from '../node/command-launcher';
import { defaultRouteInterface, interfaceList } from '../node/server-interfaces';
import { KnockServer } from '../node/knock-server';
import { oneTimeFilesOnDisk } from '../node/one-time-sequences';
import { readSecretFile } from '../node/rotating-secret';
import { takePidFile } from '../node/pid-file';
import { createServerLog, type ServerLog } from '../node/server-log';
import { version } from '../../package.json';
import { parseCommandArgs } from './args';
import type { CliIo } from './io';
import { DAEMON_ENV, daemonize, guardCrashes, reportToParent } from './server-daemon';

/** The help text of `sesame server`: knockd's options with knockd's meanings. */
export const serverUsage = `Usage: sesame server [options]   (a drop-in for knockd, reading the same knockd.conf)
  -i, --interface IF     network interface to listen on; more than one as -i eth0 -i wg0 or
                         -i eth0,wg0, every interface as -i any (default: Interface in
                         [options], which takes the same lists, else the default route's)
  -c, --config FILE      the knockd.conf to read (default /etc/knockd.conf)
  -d, --daemon           run in the background
  -v, --verbose          print log messages on stdout as well, and a line a second of the
                         packets seen, matched and dropped while they come
  -D, --debug            print debug messages (the capture filter, dropped attempts)
  -l, --lookup           accepted for knockd compatibility; sources are never resolved (a spoofed
                         flood must not turn into a DNS flood)
  -p, --pidfile FILE     pid file in daemon mode (PidFile in the config wins; default /var/run/knockd.pid);
                         a second server on the same pid file refuses to start
  -g, --logfile FILE     log file (LogFile in the config wins; a symlink is not followed)
  -4, --only-ip-v4       ignore IPv6 packets
  -V, --version          print the version
  -h, --help             this help
Signals: HUP reopens the log file and re-reads the config (a bad one is logged and the running one
kept); USR1 reopens the log file (logrotate); TERM and INT log "shutting down", run pending stop
commands at once and exit 0. An unexpected error also runs them, then exits 70.
Rotating doors (docs/rotating-sequences.md): Rotating_Secret_File = PATH instead of Sequence, with
Rotating_Step, Rotating_Length, Rotating_Ports, Rotating_Protocols, Rotating_Label; the secret file
must be owned by the server's user with no access for group or others.
Needs packet capture: root, or CAP_NET_RAW and CAP_NET_ADMIN (build/sesame-server.service).
`;

const options = {
  interface: { type: 'string', short: 'i', multiple: true },
  config: { type: 'string', short: 'c' },
  daemon: { type: 'boolean', short: 'd' },
  verbose: { type: 'boolean', short: 'v' },
  debug: { type: 'boolean', short: 'D' },
  lookup: { type: 'boolean', short: 'l' },
  pidfile: { type: 'string', short: 'p' },
  logfile: { type: 'string', short: 'g' },
  'only-ip-v4': { type: 'boolean', short: '4' },
  version: { type: 'boolean', short: 'V' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Reads and parses a knockd.conf; the error is knockd's first line plus the file (and line). */
export function loadConfig(
  path: string,
): { ok: true; value: KnockdConfig } | { ok: false; error: string } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    return {
      ok: false,
      error: `could not open config file ${path}: ${(error as { code?: string }).code ?? String(error)}`,
    };
  }
  const parsed = parseKnockdConfig(text);
  return parsed.ok ? parsed : { ok: false, error: describeConfigError(parsed, path) };
}

/** The addresses of an interface (all interfaces for `any`), as the matcher's "local" test. */
export function interfaceAddresses(iface: string): Set<string> {
  const all = networkInterfaces();
  const chosen = iface === 'any' ? Object.values(all).flat() : (all[iface] ?? []);
  return new Set(chosen.flatMap((a) => (a ? [a.address] : [])));
}

/** `sesame check-config FILE`: validates a knockd.conf, exit 0 or 1. */
/** The help text of `sesame check-config`. */
export const checkConfigUsage = `Usage: sesame check-config FILE

Reads a knockd.conf exactly as \`sesame server\` (and knockd) would and reports the first problem
with its line, or the doors it found. Rotating doors' secret files are checked too (owner, mode,
secret), and a note says that knockd itself would refuse their keys.
Exit: 0 the file is good, 1 it is not (or bad usage).
`;

export function checkConfigCommand(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs('check-config', args, {
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    io.out(checkConfigUsage);
    return Promise.resolve(0);
  }
  const [path, ...extra] = positionals;
  if (!path || extra.length > 0) {
    io.err('sesame: check-config: expected exactly one FILE\n');
    return Promise.resolve(1);
  }
  const config = loadConfig(path);
  if (!config.ok) {
    io.err(`${config.error}\n`);
    return Promise.resolve(1);
  }
  const rotating = config.value.doors.filter((door) => door.rotating);
  for (const door of rotating) {
    const secret = readSecretFile(door.rotating?.secretFile ?? '');
    if (!secret.ok) {
      io.err(`config: section ${door.name}: ${secret.error} (in ${path}, line ${door.line})\n`);
      return Promise.resolve(1);
    }
  }
  io.out(
    `${path}: OK, ${config.value.doors.length} door(s): ${config.value.doors.map((d) => d.name).join(', ')}\n`,
  );
  if (rotating.length > 0) io.out(rotatingNote(rotating.map((door) => door.name)));
  return Promise.resolve(0);
}

/** What check-config says about rotating doors: Sesame's keys, which knockd refuses. */
export function rotatingNote(doors: readonly string[]): string {
  return `note: ${doors.join(', ')}: rotating door(s) (Rotating_* keys). sesame server reads them; knockd itself would refuse these keys ("syntax error"): for knockd, render its knockd.conf with sesame knockd-rotate --template FILE\n`;
}

/** `sesame server`: knockd's command line over the Sesame server. */
export async function serverCommand(args: readonly string[], io: CliIo): Promise<number> {
  const { values } = parseCommandArgs('server', args, options);
  if (values.help) {
    io.out(serverUsage);
    return 0;
  }
  if (values.version) {
    io.out(`sesame server ${version} (knockd 0.8 compatible)\n`);
    return 0;
  }
  const isDaemon = process.env[DAEMON_ENV] === '1';
  const refuse = (error: string) => {
    io.err(`${error}\n`);
    if (isDaemon) reportToParent({ ok: false, error });
    return 1;
  };
  const configPath = values.config ?? '/etc/knockd.conf';
  const config = loadConfig(configPath);
  if (!config.ok) return refuse(config.error);
  const fileOptions = config.value.options;
  if (values.daemon && !isDaemon) return daemonize(args, io);

  const pidPath = isDaemon
    ? (fileOptions.pidFile ?? values.pidfile ?? '/var/run/knockd.pid')
    : undefined;
  const pidFile = pidPath === undefined ? undefined : takePidFile(pidPath);
  if (pidFile && !pidFile.ok) return refuse(`sesame server: ${pidFile.error}`);

  const named = interfaceList(
    values.interface ?? (fileOptions.interface === undefined ? [] : [fileOptions.interface]),
  );
  // knockd's default, eth0, no longer exists on most machines: the default route's interface.
  const fallback = named.length === 0 ? (defaultRouteInterface() ?? 'eth0') : undefined;
  const interfaces = fallback === undefined ? named : [fallback];
  const log = createServerLog({
    logFile: fileOptions.logFile ?? values.logfile,
    useSyslog: fileOptions.useSyslog,
    verbose: values.verbose ?? false,
    stdout: (line) => io.out(line),
  });
  const debug = values.debug ? (m: string) => io.out(`debug: ${m}\n`) : undefined;
  // Door commands start in shells started ahead of time, not as new processes of this big one.
  const launcher = startCommandLauncher();
  const server = new KnockServer(
    {
      openCapture,
      shell: launcher.run,
      localAddresses: interfaceAddresses,
      files: oneTimeFilesOnDisk,
      log,
      ...(debug ? { debug } : {}),
      ...(values.verbose ? { progress: (line: string) => io.out(`${line}\n`) } : {}),
    },
    { interfaces, ipv4Only: values['only-ip-v4'] ?? false },
  );
  if (fallback !== undefined)
    log.log(
      `no interface given (-i or Interface): listening on ${fallback}, the interface of the default route`,
    );
  // From the "listening" line on, a signal must find a handler (the default action of SIGHUP and
  // SIGTERM ends the process): ones that come before serve() takes over are kept and handled then.
  const early = queueSignals();
  // The node binary's pages that only starting (or a past flood) used leave RSS (code-pages.ts).
  const stopReleasing = keepCodePagesReleased((released) => debug?.(describeRelease(released)));
  const started = server.start(config.value);
  if (!started.ok) {
    stopReleasing();
    early.release();
    log.log(started.error); // in daemon mode stderr goes nowhere: the log says why it stopped
    launcher.close();
    await log.close();
    pidFile?.value.release();
    return refuse(`sesame server: ${started.error}`);
  }
  if (isDaemon) reportToParent({ ok: true });
  return serve(server, log, configPath, early, () => {
    stopReleasing();
    launcher.close();
    pidFile?.value.release();
  });
}

/** The signals the server handles. */
const SERVER_SIGNALS = ['SIGHUP', 'SIGUSR1', 'SIGTERM', 'SIGINT'] as const;

/** Signals queued between the start of capture and serve(): `release` stops queueing, and says which came. */
export function queueSignals(): { release: () => NodeJS.Signals[] } {
  const came: NodeJS.Signals[] = [];
  const listeners = SERVER_SIGNALS.map((signal) => [signal, () => came.push(signal)] as const);
  for (const [signal, listener] of listeners) process.on(signal, listener);
  return {
    release: () => {
      for (const [signal, listener] of listeners) process.off(signal, listener);
      return came;
    },
  };
}

/**
 * Runs until SIGTERM or SIGINT (exit 0) or an unexpected error (exit 70): either way the pending
 * stop commands run first. SIGHUP reopens the log file and re-reads the config; SIGUSR1 reopens the
 * log file only (logrotate's postrotate).
 */
function serve(
  server: KnockServer,
  log: ServerLog,
  configPath: string,
  early: { release: () => NodeJS.Signals[] },
  /** After the stop commands ran: the ready shells go, and so does the pid file. */
  releasePidFile: () => void,
): Promise<number> {
  return new Promise((resolve) => {
    // The handlers stay until the very end: a second SIGTERM or a SIGHUP while the stop commands
    // run must not kill the server half-way (both would, by default, without a handler).
    let finishing = false;
    const onHup = () => {
      if (finishing) return;
      log.reopen();
      server.reload(configPath, loadConfig(configPath));
    };
    const onUsr1 = () => {
      if (!finishing) log.reopen();
    };
    const onTerm = () => {
      finish(0);
    };
    const finish = (code: number) => {
      if (finishing) return;
      finishing = true;
      void server
        .stop()
        .then(() => log.close())
        .then(() => {
          releasePidFile();
          process.off('SIGHUP', onHup);
          process.off('SIGUSR1', onUsr1);
          process.off('SIGTERM', onTerm);
          process.off('SIGINT', onTerm);
          unguard();
          resolve(code);
        });
    };
    const unguard = guardCrashes((error) => {
      log.log(
        `unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
      );
      log.log('running pending stop commands and exiting');
      finish(70);
      // Whatever failed may hold the event loop open: exit once the doors had their time (systemd
      // kills after 90 s).
      setTimeout(() => process.exit(70), 60_000).unref();
    });
    process.on('SIGHUP', onHup);
    process.on('SIGUSR1', onUsr1);
    process.on('SIGTERM', onTerm);
    process.on('SIGINT', onTerm);
    const handlers = { SIGHUP: onHup, SIGUSR1: onUsr1, SIGTERM: onTerm, SIGINT: onTerm };
    for (const signal of early.release()) handlers[signal as keyof typeof handlers]();
  });
}
