import { parseArgs, type ParseArgsOptionsConfig } from 'node:util';
import { UsageError } from './io';
import { errorMessage } from '../../shared/basics';

/** Parses a subcommand's arguments strictly; a bad option is a usage error prefixed with the command. */
export function parseCommandArgs<O extends ParseArgsOptionsConfig>(
  command: string,
  args: readonly string[],
  options: O,
) {
  try {
    return parseArgs({ args: [...args], options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(`${command}: ${errorMessage(error)}`);
  }
}

/** Reads a whole number of milliseconds (delays, timeouts); anything else is a usage error naming it. */
export function milliseconds(
  command: string,
  name: string,
  text: string | undefined,
  fallback: number,
): number {
  if (text === undefined) return fallback;
  if (text.startsWith('-')) throw new UsageError(`${command}: ${name} cannot be negative`);
  if (!/^[0-9]+$/.test(text)) {
    throw new UsageError(`${command}: ${name} "${text}" is not a whole number of milliseconds`);
  }
  return Number(text);
}
