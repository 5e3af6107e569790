import type { Knock } from '../../shared/sequence/sequence';
import { parseTcpFlags } from '../../shared/sequence/tcp-flags';
import type { KnockProgress, KnockResult } from '../node/knock-sender';
import type { Family } from '../node/resolve';
import { UsageError, type CliIo } from './io';

/** -4 / -6 as a resolver family; both at once is a usage error. */
export function familyOf(values: {
  ipv4?: boolean | undefined;
  ipv6?: boolean | undefined;
}): Family {
  if (values.ipv4 && values.ipv6) throw new UsageError('knock: -4 and -6 cannot be used together');
  return values.ipv4 ? 'ipv4' : values.ipv6 ? 'ipv6' : 'auto';
}

/** Prints knock's `-v` line per hit (when verbose) and any hit's send error (always). */
export function hitLine(io: CliIo, verbose: boolean) {
  return ({ hit }: KnockProgress) => {
    if (verbose) io.out(`hitting ${hit.protocol} ${hit.address}:${hit.port}\n`);
    if (hit.error)
      io.err(`sesame: hit ${hit.index + 1} (${hit.protocol} ${hit.port}) failed: ${hit.error}\n`);
  };
}

/** A knock that could not start (no privilege for crafted packets, ...) is an error: exit 1. */
export function reportKnockError(result: KnockResult, io: CliIo): number {
  if (!result.error) return 0;
  io.err(`sesame: nothing sent: ${result.error}\n`);
  return 1;
}

/** Applies `--tcp-flags` to every TCP hit; a bad list is a usage error naming the flag. */
export function withTcpFlags(sequence: Knock[], text: string | undefined): Knock[] {
  if (text === undefined) return sequence;
  const flags = parseTcpFlags(text);
  if (!flags.ok) throw new UsageError(`knock: --tcp-flags: ${flags.error}`);
  return sequence.map((k) => (k.protocol === 'tcp' ? { ...k, tcpFlags: flags.value } : k));
}
