import type { Sequence } from '../../shared/sequence/sequence';
import { sendKnocks, type KnockProgress, type KnockResult } from './knock-sender';
import type { KnockTransport } from './knock-transport';
import { probePort, type ProbeResult } from './probe';
import { resolveHost, type Family, type Lookup } from './resolve';

/** What to open: a host, its open sequence, and the service port that should answer afterwards. */
export interface OpenDoorRequest {
  host: string;
  family: Family;
  sequence: Sequence;
  servicePort: number;
  probeTimeoutMs?: number;
  reknock?: boolean;
  signal?: AbortSignal | undefined;
  onProgress?: ((progress: KnockProgress) => void) | undefined;
  onProbe?: ((stage: 'probing' | 'reknocking') => void) | undefined;
  lookup?: Lookup;
  transport?: () => KnockTransport;
}

/** The outcome of "open": the knocked address, every knock sent, and the probe's verdict. */
export type OpenDoorResult =
  | { ok: true; address: string; family: 4 | 6; knocks: KnockResult[]; probe: ProbeResult }
  | { ok: false; error: string; knocks: KnockResult[] };

/**
 * Resolve once, knock the open sequence, probe the service port on the same address, and if it
 * stayed closed knock once more (when asked) and probe again. Used by the CLI, the window and the tray.
 */
export async function openDoor(request: OpenDoorRequest): Promise<OpenDoorResult> {
  const resolved = await resolveHost(request.host, request.family, request.lookup);
  const knocks: KnockResult[] = [];
  if (!resolved.ok) return { ok: false, error: resolved.error, knocks };
  const { address, family } = resolved.value;
  const knock = async () => {
    const result = await sendKnocks({
      address,
      family,
      sequence: request.sequence,
      signal: request.signal,
      onProgress: request.onProgress,
      ...(request.transport ? { transport: request.transport() } : {}),
    });
    knocks.push(result);
    return result;
  };
  const probe = () => {
    request.onProbe?.('probing');
    return probePort({
      address,
      port: request.servicePort,
      timeoutMs: request.probeTimeoutMs ?? 5000,
      signal: request.signal,
    });
  };
  const failed = (result: KnockResult) =>
    result.error ?? (result.cancelled ? 'cancelled' : undefined);
  let error = failed(await knock());
  if (error) return { ok: false, error, knocks };
  let probed = await probe();
  if (probed.state === 'closed' && request.reknock && !request.signal?.aborted) {
    request.onProbe?.('reknocking');
    error = failed(await knock());
    if (error) return { ok: false, error, knocks };
    probed = await probe();
  }
  return { ok: true, address, family, knocks, probe: probed };
}
