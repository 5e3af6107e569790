/** One `sesame` command: its arguments after the command name, and where it writes; resolves with the exit code. */
export type Command = (args: readonly string[], io: CliIo) => Promise<number>;

/** Where the CLI writes; tests pass buffers, the entry passes the process streams. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
}

/** The real terminal. */
export const processIo: CliIo = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};

/** A usage error: the CLI prints its message and the usage hint, and exits 1. */
export class UsageError extends Error {}
