/** One logger per module, prefixed with its name, so logs say where they come from. */
export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** Where log lines go; tests pass a collecting sink instead of the console. */
export type LogSink = (level: keyof Logger, line: string) => void;

const consoleSink: LogSink = (level, line) => {
  if (level === 'debug' && process.env.SESAME_DEBUG !== '1') return;
  process.stderr.write(`${line}\n`);
};

/** The one logger factory of the Node side: `createLogger('knock').info('sent')` → `[knock] sent`. */
export function createLogger(prefix: string, sink: LogSink = consoleSink): Logger {
  const emit = (level: keyof Logger) => (message: string) => sink(level, `[${prefix}] ${message}`);
  return { debug: emit('debug'), info: emit('info'), warn: emit('warn'), error: emit('error') };
}
