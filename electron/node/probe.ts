import { Socket } from 'node:net';
import type { ProbeState } from '../../shared/door/outcome';

/** A probe's outcome, with how long it took and the last error seen (for the user). */
export interface ProbeResult {
  state: ProbeState;
  port: number;
  address: string;
  attempts: number;
  elapsedMs: number;
  detail?: string;
}

/** Options of a probe: the port, how long to keep trying, and an abort signal. */
export interface ProbeOptions {
  address: string;
  port: number;
  /** How long to keep trying (the door engine's DOOR_TIMING holds the values callers use). */
  timeoutMs: number;
  signal?: AbortSignal | undefined;
}

const UNREACHABLE = new Set([
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
  'ENETDOWN',
  'EHOSTDOWN',
]);
const ATTEMPT_MS = 1000;
const REFUSED_PAUSE_MS = 150;

type Attempt =
  { kind: 'open' } | { kind: 'refused' | 'timeout' | 'unreachable' | 'error'; detail: string };

function attempt(address: string, port: number, timeoutMs: number): Promise<Attempt> {
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (result: Attempt) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(
      () => done({ kind: 'timeout', detail: `no answer within ${timeoutMs} ms` }),
      timeoutMs,
    );
    socket.once('connect', () => done({ kind: 'open' }));
    socket.once('error', (error: NodeJS.ErrnoException) => {
      const code = error.code ?? 'error';
      if (code === 'ECONNREFUSED') done({ kind: 'refused', detail: 'connection refused' });
      else if (UNREACHABLE.has(code)) done({ kind: 'unreachable', detail: code });
      else done({ kind: 'error', detail: code });
    });
    socket.connect({ host: address, port });
  });
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * TCP-connects to the service port until it answers or `timeoutMs` passes. A knock's
 * firewall rule can take a moment to appear, so refusals and silence are retried until the end.
 */
export async function probePort(options: ProbeOptions): Promise<ProbeResult> {
  const { address, port, signal, timeoutMs } = options;
  const start = performance.now();
  let attempts = 0;
  let last: Attempt = { kind: 'timeout', detail: 'not tried' };
  const result = (state: ProbeState): ProbeResult => {
    const r: ProbeResult = {
      state,
      port,
      address,
      attempts,
      elapsedMs: Math.round(performance.now() - start),
    };
    if (state !== 'open' && 'detail' in last) r.detail = last.detail;
    return r;
  };
  for (;;) {
    const left = timeoutMs - (performance.now() - start);
    if (left <= 0 || signal?.aborted) break;
    attempts += 1;
    last = await attempt(address, port, Math.min(ATTEMPT_MS, left));
    if (last.kind === 'open') return result('open');
    if (last.kind === 'unreachable') return result('unreachable');
    if (last.kind !== 'timeout') await pause(Math.min(REFUSED_PAUSE_MS, Math.max(0, left)));
  }
  return result('closed');
}
