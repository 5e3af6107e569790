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

/** Keeps the server's young generation small; called once, before capture starts. */
export function limitYoungGeneration(setFlags: (flags: string) => void = setFlagsFromString): void {
  setFlags(YOUNG_GENERATION_FLAG);
}
