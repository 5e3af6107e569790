import type { Protocol, Sequence } from '../../shared/sequence';
import { createSocketTransport, type KnockTransport } from './knock-transport';

/** One hit as it was sent: what, where, when (ms since the first hit) and any send error. */
export interface KnockHit {
  index: number;
  port: number;
  protocol: Protocol;
  address: string;
  sentAt: number;
  offsetMs: number;
  error?: string;
}

/** A progress event per hit, for the CLI's -v lines, the window and the tray. */
export interface KnockProgress {
  hit: KnockHit;
  total: number;
}

/** What a knock did: every hit, and whether it was cancelled before the end. */
export interface KnockResult {
  address: string;
  family: 4 | 6;
  hits: KnockHit[];
  cancelled: boolean;
  /** Set when the knock could not start (e.g. crafted packets without the privilege): nothing was sent. */
  error?: string;
}

/** The clock and timers the sender waits with; tests pass fakes. */
export interface KnockClock {
  /** Monotonic milliseconds with sub-millisecond precision. */
  now(): number;
  /** Wall-clock milliseconds since the epoch, for the hit's `sentAt`. */
  wallNow(): number;
  /** Resolves once `now()` has reached `at`, or rejects with the signal's reason when aborted. */
  waitUntil(at: number, signal?: AbortSignal): Promise<void>;
}

/** What `sendKnocks` needs: the address, the hits with their delays, and optional hooks. */
export interface SendKnocksOptions {
  address: string;
  family: 4 | 6;
  sequence: Sequence;
  signal?: AbortSignal | undefined;
  onProgress?: ((progress: KnockProgress) => void) | undefined;
  transport?: KnockTransport;
  clock?: KnockClock;
}

/**
 * How long before a deadline the clock stops sleeping and yields with setImmediate instead. Timer
 * wake-ups on a busy machine come several milliseconds late (measured on the test bed: up to 4 ms),
 * which would land in the gap between two hits; yielding keeps the process on the CPU for the last
 * stretch. `npm run bench` measures the resulting gap error.
 */
const SPIN_MS = 10;

/** The precise clock: sleeps until SPIN_MS before the deadline, then yields until it is reached. */
export const precisionClock: KnockClock = {
  now: () => performance.now(),
  wallNow: () => Date.now(),
  waitUntil(at, signal) {
    return new Promise((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal?.reason instanceof Error ? signal.reason : new Error('aborted'));
      };
      if (signal?.aborted) {
        onAbort();
        return;
      }
      signal?.addEventListener('abort', onAbort, { once: true });
      const spin = () => {
        if (signal?.aborted) return;
        const left = at - performance.now();
        if (left <= 0) {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        } else if (left > SPIN_MS + 1) {
          timer = setTimeout(spin, left - SPIN_MS);
        } else {
          setImmediate(spin);
        }
      };
      spin();
    });
  },
};

/**
 * Sends a sequence to one address, strictly in order, waiting each hit's delay after it. Hits with
 * no delay between them are issued back to back in one tick: the transport queues each send in call
 * order (Node runs a connect's or a datagram's syscall from the nextTick queue, first in, first
 * out), so they leave in order with no event-loop turn between them; the test bed's tcpdump test
 * checks the order on the wire. A failed send is recorded on its hit and the knock goes on (as knock
 * does); an abort stops it. Progress events come in sequence order.
 */
export async function sendKnocks(options: SendKnocksOptions): Promise<KnockResult> {
  const { address, family, sequence, signal, onProgress } = options;
  const clock = options.clock ?? precisionClock;
  const transport = options.transport ?? createSocketTransport();
  const hits: KnockHit[] = [];
  let cancelled = false;
  let reported: Promise<void> = Promise.resolve();
  try {
    try {
      await transport.prepare?.(sequence, family);
    } catch (error) {
      return {
        address,
        family,
        hits,
        cancelled,
        error: error instanceof Error ? error.message : String(error),
      };
    }
    const start = clock.now();
    let due = start;
    for (const [index, knock] of sequence.entries()) {
      if (signal?.aborted) {
        cancelled = true;
        break;
      }
      const offsetMs = clock.now() - start;
      const hit: KnockHit = {
        index,
        port: knock.port,
        protocol: knock.protocol,
        address,
        sentAt: clock.wallNow(),
        offsetMs,
      };
      hits.push(hit);
      const sent = transport.hit(knock, address, family).catch((error: unknown) => {
        hit.error = error instanceof Error ? error.message : String(error);
      });
      reported = reported
        .then(() => sent)
        .then(() => onProgress?.({ hit, total: sequence.length }));
      const delay = knock.delayMs ?? 0;
      if (index === sequence.length - 1 || delay === 0) continue;
      await reported;
      due = Math.max(due, start + offsetMs) + delay;
      try {
        await clock.waitUntil(due, signal);
      } catch {
        cancelled = true;
        break;
      }
    }
    await reported;
  } finally {
    transport.close();
  }
  return { address, family, hits, cancelled };
}
