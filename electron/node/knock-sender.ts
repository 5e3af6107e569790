import type { Protocol, Sequence } from '../../shared/sequence/sequence';
import { createSocketTransport, type KnockTransport } from './knock-transport';
import { errorMessage } from '../../shared/basics';

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
 * How long before a deadline the clock stops sleeping and busy-waits instead. Timers fire up to
 * ~0.6 ms early (libuv's cached loop time) and now and then a few ms late; an event-loop spin with
 * setImmediate showed 2-3 ms outliers of its own. A synchronous wait over the last stretch kept the
 * error under 0.4 ms (measured with `npm run bench`, see docs/benchmarks.md). It blocks the event
 * loop for at most BUSY_MS per hit, which a knock (a few hits, in the CLI or Electron's main
 * process) can afford.
 */
const BUSY_MS = 3;

/** The precise clock: sleeps until BUSY_MS before the deadline, then busy-waits until it. */
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
      const wake = () => {
        if (signal?.aborted) return;
        const left = at - performance.now();
        if (left > BUSY_MS) {
          timer = setTimeout(wake, left - BUSY_MS);
          return;
        }
        while (performance.now() < at) {
          // Busy-wait: the last few milliseconds before a hit, see BUSY_MS.
        }
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      wake();
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
  // A raw socket's pending send holds no reference on the event loop: without this, a CLI whose
  // only work is a crafted-packet knock could find the loop empty and exit 0 having sent nothing
  // (seen on the test bed with stdout a pipe).
  const keepAlive = setInterval(() => undefined, 60_000);
  try {
    try {
      await transport.prepare?.(sequence, family);
    } catch (error) {
      return {
        address,
        family,
        hits,
        cancelled,
        error: errorMessage(error),
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
        hit.error = errorMessage(error);
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
    clearInterval(keepAlive);
    transport.close();
  }
  return { address, family, hits, cancelled };
}
