import { setFlagsFromString } from 'node:v8';

/**
 * The V8 flag that keeps the young generation at its initial size (two semi-spaces of 1 MB): V8
 * doubles them, up to 16 MB each, whenever many young objects survive, and under a spoofed flood
 * (a Stage line and a decoded packet per spoofed first hit) they grew to 32 MB, which stayed
 * resident. `--max-semi-space-size` would say the same but is read only when the heap is made, so it
 * cannot be set from inside the process; this flag is read each time the young generation would
 * grow. Measured in docs/benchmarks.md (server-memory); the test checks that this Node knows it.
 */
export const YOUNG_GENERATION_FLAG = '--semi-space-growth-factor=1';

/**
 * The V8 flag that makes the old generation grow by smaller steps (and collect sooner): under a
 * 100,000 packets/s flood the server's peak RSS went from 129-136 MB to 122-124 MB, with no CPU
 * cost per packet beyond the spread (docs/benchmarks.md, server-memory). Read at run time too.
 */
export const SIZE_FLAG = '--optimize-for-size';

/** The server's V8 flags, in the order they are set. */
export const SERVER_HEAP_FLAGS = [YOUNG_GENERATION_FLAG, SIZE_FLAG] as const;

/** Keeps the server's heap small; called once, before capture starts. */
export function keepServerHeapSmall(setFlags: (flags: string) => void = setFlagsFromString): void {
  for (const flag of SERVER_HEAP_FLAGS) setFlags(flag);
}
