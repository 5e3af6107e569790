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

/** Runs one command; a usage error is printed with the usage hint and gives exit code 1. */
export async function runCommand(
  command: Command,
  args: readonly string[],
  io: CliIo,
): Promise<number> {
  try {
    return await command(args, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`sesame: ${error.message}\nRun 'sesame help' for usage.\n`);
      return 1;
    }
    throw error;
  }
}
