import { spawn, type ChildProcess } from 'node:child_process';
import { constants, createWriteStream, openSync } from 'node:fs';
import type { Writable } from 'node:stream';
import { errorMessage } from '../../shared/basics';
import { LineSink } from './line-sink';

/** Where the server's messages go: knockd's log file format, syslog, and stdout for -v. */
export interface ServerLogOptions {
  logFile?: string | undefined;
  useSyslog?: boolean;
  verbose?: boolean;
  stdout?: (line: string) => void;
  now?: () => Date;
  /** Runs `logger` for syslog; tests pass a fake. */
  spawnLogger?: () => ChildProcess;
  /** Opens the log file for appending (default openLogFile); tests pass a fake stream. */
  openFile?: (path: string) => Writable;
  /** Bytes held for a destination that cannot keep up before lines are dropped (default 1 MiB). */
  maxPendingBytes?: number;
  /** Where the log says that it cannot write (default stderr). */
  warn?: (line: string) => void;
}

/** The server's log: one `log(message)` feeds every configured destination. */
export interface ServerLog {
  log(message: string): void;
  /** Opens the log file again by its name (logrotate renamed it): the server's SIGHUP and SIGUSR1. */
  reopen(): void;
  /** Flushes and closes the file and the syslog pipe. */
  close(): Promise<void>;
}

const two = (n: number) => String(n).padStart(2, '0');

/** knockd's log-file time stamp, `[YYYY-MM-DD HH:MM]` in local time. */
export function logStamp(date: Date): string {
  return `[${date.getFullYear()}-${two(date.getMonth() + 1)}-${two(date.getDate())} ${two(date.getHours())}:${two(date.getMinutes())}]`;
}

/**
 * Opens the log file to append, creating it 0640. A symlink at the path is refused (ELOOP), not
 * followed: the server runs as root in daemon mode, and must not append to whatever a link names.
 */
export function openLogFile(path: string): Writable {
  const fd = openSync(
    path,
    constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW,
    0o640,
  );
  return createWriteStream(path, { fd });
}

// syslog through one long-running `logger` (util-linux) reading lines: ident knockd, facility user,
// level notice, as knockd logs, so existing log watchers keep matching.
const defaultLogger = () =>
  spawn('logger', ['-t', 'knockd', '-p', 'user.notice'], { stdio: ['pipe', 'ignore', 'inherit'] });

const DEFAULT_MAX_PENDING = 1024 * 1024;

/** Opens the destinations; the file is appended to, as knockd does. */
export function createServerLog(options: ServerLogOptions): ServerLog {
  const now = options.now ?? (() => new Date());
  const warn = options.warn ?? ((line: string) => process.stderr.write(line));
  const max = options.maxPendingBytes ?? DEFAULT_MAX_PENDING;
  let stampMinute = Number.NaN;
  let stamp = '';
  const stampNow = () => {
    const date = now();
    const minute = Math.floor(date.getTime() / 60_000);
    if (minute !== stampMinute) {
      stampMinute = minute;
      stamp = logStamp(date);
    }
    return stamp;
  };
  const dropped = (what: string) => (count: number) =>
    `${count} log lines dropped: ${what} could not keep up`;

  const logFile = options.logFile;
  const fileSink = logFile
    ? new LineSink({
        maxPendingBytes: max,
        droppedLine: (count) => `${stampNow()} ${dropped('the log file')(count)}\n`,
        onError: (error) => {
          warn(`sesame server: cannot write log file ${logFile}: ${error.message}\n`);
        },
      })
    : undefined;
  const openFile = () => {
    if (!fileSink || !logFile) return;
    try {
      fileSink.use((options.openFile ?? openLogFile)(logFile));
    } catch (error) {
      const why =
        (error as { code?: string }).code === 'ELOOP'
          ? 'it is a symbolic link, which the server does not follow'
          : errorMessage(error);
      fileSink.use(undefined);
      warn(`sesame server: cannot write log file ${logFile}: ${why}\n`);
    }
  };
  openFile();

  let syslogSink: LineSink | undefined;
  let syslog: ChildProcess | undefined;
  if (options.useSyslog) {
    syslog = (options.spawnLogger ?? defaultLogger)();
    syslogSink = new LineSink({
      maxPendingBytes: max,
      droppedLine: (count) => `${dropped('syslog')(count)}\n`,
      onError: (error) => {
        warn(`sesame server: cannot log to syslog (logger): ${error.message}\n`);
      },
    });
    syslog.on('error', (error) => {
      warn(`sesame server: cannot log to syslog (logger): ${error.message}\n`);
      syslogSink?.use(undefined);
      syslog = undefined; // it never ran, or is gone: close() must not wait for its exit
    });
    syslogSink.use(syslog.stdin ?? undefined);
  }

  // Lines are gathered and written once per event-loop turn: under a flood every spoofed first hit
  // logs a Stage line, and a write per line kept waking the thread pool and stalling capture
  // (measured with perf in the flood benchmark, docs/benchmarks.md).
  let flushScheduled = false;
  const flush = () => {
    flushScheduled = false;
    fileSink?.flush();
    syslogSink?.flush();
  };
  const print = options.stdout ?? ((line: string) => process.stdout.write(line));
  return {
    log(message) {
      if (options.verbose) print(`${message}\n`);
      fileSink?.push(`${stampNow()} ${message}\n`);
      syslogSink?.push(`${message}\n`);
      if (!flushScheduled && (fileSink || syslogSink)) {
        flushScheduled = true;
        setImmediate(flush);
      }
    },
    reopen() {
      openFile();
    },
    async close() {
      const closing: Promise<void>[] = [];
      if (fileSink) closing.push(fileSink.end());
      if (syslogSink) {
        const child = syslog;
        if (child) closing.push(new Promise((resolve) => child.once('exit', () => resolve())));
        closing.push(syslogSink.end());
      }
      await Promise.all(closing);
    },
  };
}
