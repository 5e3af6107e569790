import { DOOR_TIMING } from '../node/door-engine';
import { parsePort } from '../../shared/sequence/sequence';
import { probePort } from '../node/probe';
import { resolveHost } from '../node/resolve';
import { milliseconds, parseCommandArgs } from './args';
import { UsageError, type CliIo } from './io';
import { EXIT_DOOR_UNCHANGED, EXIT_UNREACHABLE } from './knock';

/** The help text of `sesame probe`. */
export const probeUsage = `Usage: sesame probe [-4|-6] [--timeout ms] HOST PORT

Checks whether a TCP port answers (is the door open?), retrying until the timeout (default ${DOOR_TIMING.openProbeMs}).
Exit: 0 open, 1 bad usage or error, ${EXIT_DOOR_UNCHANGED} closed, ${EXIT_UNREACHABLE} unreachable.
`;

/** `sesame probe HOST PORT`: the check that follows a knock, on its own (scripts, tests). */
export async function probeCommand(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs('probe', args, {
    ipv4: { type: 'boolean', short: '4' },
    ipv6: { type: 'boolean', short: '6' },
    timeout: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    io.out(probeUsage);
    return 0;
  }
  const [host, portText, ...extra] = positionals;
  if (!host || !portText || extra.length > 0) throw new UsageError('probe: expected HOST and PORT');
  const port = parsePort(portText);
  if (!port.ok) throw new UsageError(`probe: ${port.error}`);
  const timeoutMs = milliseconds('probe', 'timeout', values.timeout, DOOR_TIMING.openProbeMs);
  if (values.ipv4 && values.ipv6) throw new UsageError('probe: -4 and -6 cannot be used together');
  const resolved = await resolveHost(host, values.ipv4 ? 'ipv4' : values.ipv6 ? 'ipv6' : 'auto');
  if (!resolved.ok) {
    io.err(`sesame: ${resolved.error}\n`);
    return 1;
  }
  const result = await probePort({
    address: resolved.value.address,
    port: port.value,
    timeoutMs,
  });
  const detail = result.detail ? ` (${result.detail})` : '';
  io.out(
    `${result.state}: ${resolved.value.address} port ${port.value}${detail} after ${result.elapsedMs} ms\n`,
  );
  return result.state === 'open'
    ? 0
    : result.state === 'closed'
      ? EXIT_DOOR_UNCHANGED
      : EXIT_UNREACHABLE;
}
