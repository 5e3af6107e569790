import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';

/** Where the server's messages go: knockd's log file format, syslog, and stdout for -v. */
export interface ServerLogOptions {
  logFile?: string | undefined;
  useSyslog?: boolean;
  verbose?: boolean;
  stdout?: (line: string) => void;
  now?: () => Date;
  /** Runs `logger` for syslog; tests pass a fake. */
  spawnLogger?: () => ChildProcess;
}

/** The server's log: one `log(message)` feeds every configured destination. */
export interface ServerLog {
  log(message: string): void;
  /** Flushes and closes the file and the syslog pipe. */
  close(): Promise<void>;
}

const two = (n: number) => String(n).padStart(2, '0');

/** knockd's log-file time stamp, `[YYYY-MM-DD HH:MM]` in local time. */
export function logStamp(date: Date): string {
  return `[${date.getFullYear()}-${two(date.getMonth() + 1)}-${two(date.getDate())} ${two(date.getHours())}:${two(date.getMinutes())}]`;
}

// syslog through one long-running `logger` (util-linux) reading lines: ident knockd, facility user,
// level notice, as knockd logs, so existing log watchers keep matching.
const defaultLogger = () =>
  spawn('logger', ['-t', 'knockd', '-p', 'user.notice'], { stdio: ['pipe', 'ignore', 'inherit'] });

/** Opens the destinations; the file is appended to, as knockd does. */
export function createServerLog(options: ServerLogOptions): ServerLog {
  const now = options.now ?? (() => new Date());
  let file: WriteStream | undefined;
  if (options.logFile) {
    file = createWriteStream(options.logFile, { flags: 'a', mode: 0o640 });
    file.on('error', (error) => {
      process.stderr.write(
        `sesame server: cannot write log file ${options.logFile ?? ''}: ${error.message}\n`,
      );
      file = undefined;
    });
  }
  let syslog: ChildProcess | undefined;
  if (options.useSyslog) {
    syslog = (options.spawnLogger ?? defaultLogger)();
    syslog.on('error', (error) => {
      process.stderr.write(`sesame server: cannot log to syslog (logger): ${error.message}\n`);
      syslog = undefined;
    });
  }
  // Lines are gathered and written once per event-loop turn: under a flood every spoofed first hit
  // logs a Stage line, and a write per line kept waking the thread pool and stalling capture
  // (measured with perf in the flood benchmark, docs/benchmarks.md).
  let fileLines: string[] = [];
  let syslogLines: string[] = [];
  let flushScheduled = false;
  const flush = () => {
    flushScheduled = false;
    if (fileLines.length > 0) file?.write(fileLines.join(''));
    if (syslogLines.length > 0) syslog?.stdin?.write(syslogLines.join(''));
    fileLines = [];
    syslogLines = [];
  };
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
  const print = options.stdout ?? ((line: string) => process.stdout.write(line));
  return {
    log(message) {
      if (options.verbose) print(`${message}\n`);
      if (file) fileLines.push(`${stampNow()} ${message}\n`);
      if (syslog) syslogLines.push(`${message}\n`);
      if (!flushScheduled && (file || syslog)) {
        flushScheduled = true;
        setImmediate(flush);
      }
    },
    async close() {
      flush();
      const closing: Promise<void>[] = [];
      if (file) {
        const f = file;
        closing.push(new Promise((resolve) => f.end(resolve)));
      }
      if (syslog?.stdin) {
        const s = syslog;
        closing.push(new Promise((resolve) => s.once('exit', () => resolve())));
        s.stdin?.end();
      }
      await Promise.all(closing);
    },
  };
}
