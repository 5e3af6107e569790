import { version } from '../../package.json';
import { UsageError, type CliIo } from './io';

/** The commands `sesame` understands; each later issue adds its own module here. */
const usage = `Usage: sesame <command> [options]

Commands:
  help                 show this help
  version              print the version

Run 'sesame <command> --help' for a command's options.
`;

/** Runs one `sesame` invocation and returns its exit code (never calls process.exit). */
export function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  return Promise.resolve(dispatch(argv, io));
}

function dispatch(argv: readonly string[], io: CliIo): number {
  const [command] = argv;
  try {
    switch (command) {
      case undefined:
      case 'help':
      case '-h':
      case '--help':
        io.out(usage);
        return 0;
      case 'version':
      case '-V':
      case '--version':
        io.out(`sesame ${version}\n`);
        return 0;
      default:
        throw new UsageError(`unknown command '${command}'`);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`sesame: ${error.message}\nRun 'sesame help' for usage.\n`);
      return 1;
    }
    throw error;
  }
}
