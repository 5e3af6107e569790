import { readFileSync } from 'node:fs';
import { errorMessage } from '../../shared/basics';
import { loadCaptureModule } from './capture';

/** The addon's part that unmaps read-only file pages (native/capture/src/code-pages.c). */
export interface CodePagesModule {
  releaseCodePages(): { mappings: number; bytes: number };
}

/** What a release did: the mappings advised and the file pages counted in RSS before and after. */
export interface CodePagesReleased {
  mappings: number;
  /** RssFile of /proc/self/status before and after, in bytes. */
  fileBefore: number;
  fileAfter: number;
}

export interface CodePagesDeps {
  loadModule: () => unknown;
  /** The text of /proc/self/status. */
  readStatus: () => string;
}

const realDeps: CodePagesDeps = {
  loadModule: loadCaptureModule,
  readStatus: () => readFileSync('/proc/self/status', 'utf8'),
};

/** The RssFile line of /proc/PID/status, in bytes (undefined where the kernel has none). */
export function fileResidentBytes(status: string): number | undefined {
  const kb = /^RssFile:\s+(\d+) kB$/m.exec(status)?.[1];
  return kb === undefined ? undefined : Number(kb) * 1024;
}

/**
 * Unmaps the pages of the program's read-only file mappings (the node binary's code and constants,
 * the shared libraries'), so that RSS keeps only those it goes on using: Node maps about 37 MB of
 * its binary while it starts and an idle server uses a few MB of it (measured in docs/benchmarks.md,
 * server-memory). A page used again comes back by a minor fault from the page cache. A failure (no
 * addon, no /proc) is a value and changes nothing.
 */
export function releaseCodePages(
  deps: CodePagesDeps = realDeps,
): { ok: true; value: CodePagesReleased } | { ok: false; error: string } {
  try {
    const module = deps.loadModule() as CodePagesModule;
    const fileBefore = fileResidentBytes(deps.readStatus());
    const { mappings } = module.releaseCodePages();
    const fileAfter = fileResidentBytes(deps.readStatus());
    if (fileBefore === undefined || fileAfter === undefined)
      return { ok: false, error: 'no RssFile line in /proc/self/status' };
    return { ok: true, value: { mappings, fileBefore, fileAfter } };
  } catch (error) {
    return { ok: false, error: errorMessage(error) };
  }
}

/** When the server releases: once after it started, then whenever its file pages grew again. */
export interface ReleasePolicy {
  /** How often RssFile is read after the first release, which is made at once. */
  everyMs: number;
  /** Growth of RssFile since the last release that calls for another one. */
  growthBytes: number;
}

/**
 * The server's: before the capture opens (so the start's pages and the ring are never resident
 * together: VmHWM stays the flood's), then when a flood brought 4 MB more of Node's code in (its
 * optimising compiler, the collector's old-generation code). Under a 100,000 packets/s flood this
 * kept the peak 6 MB lower than a release at start only (docs/benchmarks.md, server-memory); a
 * release takes about 3 ms, and an idle server reads its status once a second.
 */
export const SERVER_RELEASE_POLICY: ReleasePolicy = { everyMs: 1000, growthBytes: 4 * 1048576 };

/** Repeats `tick` every `ms`; returns how to stop (an unref'd interval for the real one). */
export type Every = (tick: () => void, ms: number) => () => void;

const realEvery: Every = (tick, ms) => {
  const timer = setInterval(tick, ms);
  timer.unref();
  return () => {
    clearInterval(timer);
  };
};

/**
 * Releases the program pages now, then by `policy` until stopped, handing each release's result to
 * `report`. A release that fails ends it (no addon: nothing would change later).
 */
export function keepCodePagesReleased(
  report: (result: ReturnType<typeof releaseCodePages>) => void,
  policy: ReleasePolicy = SERVER_RELEASE_POLICY,
  deps: CodePagesDeps & { every: Every } = { ...realDeps, every: realEvery },
): () => void {
  // RssFile after the last release. It counts the capture ring too (a packet socket's mapping): the
  // first reading after capture opened releases once more, and from then on the ring is in it.
  let releasedAt = 0;
  const release = (): boolean => {
    const result = releaseCodePages(deps);
    report(result);
    if (result.ok) releasedAt = result.value.fileAfter;
    return result.ok;
  };
  if (!release()) return () => undefined;
  const ticks: { stop: () => void } = { stop: () => undefined };
  ticks.stop = deps.every(() => {
    const now = fileResidentBytes(deps.readStatus());
    if (now === undefined || now - releasedAt < policy.growthBytes) return;
    if (!release()) ticks.stop();
  }, policy.everyMs);
  return () => {
    ticks.stop();
  };
}

/** The debug line of a release. */
export function describeRelease(result: ReturnType<typeof releaseCodePages>): string {
  if (!result.ok) return `program pages not released: ${result.error}`;
  const mb = (bytes: number) => (bytes / 1048576).toFixed(1);
  const { mappings, fileBefore, fileAfter } = result.value;
  return `released the program's read-only pages (${String(mappings)} mappings): RssFile (file pages, and the capture ring once open) ${mb(fileBefore)} -> ${mb(fileAfter)} MB`;
}
