import { describe, expect, it } from 'vitest';
import {
  describeRelease,
  fileResidentBytes,
  keepCodePagesReleased,
  releaseCodePages,
  type CodePagesModule,
} from '../../../electron/node/code-pages';

const status = (fileKb: number) =>
  `Name:\tnode\nVmRSS:\t   95000 kB\nRssAnon:\t   14300 kB\nRssFile:\t   ${String(fileKb)} kB\nRssShmem:\t       0 kB\n`;

describe('releasing the program pages', () => {
  it('reads RssFile from /proc/PID/status, in bytes', () => {
    expect(fileResidentBytes(status(80400))).toBe(80400 * 1024);
    expect(fileResidentBytes('Name:\tnode\nVmRSS:\t1 kB\n')).toBeUndefined();
  });

  it('reports the mappings advised and the file pages before and after', () => {
    const readings = [status(80400), status(43000)];
    const module: CodePagesModule = { releaseCodePages: () => ({ mappings: 56, bytes: 118e6 }) };
    const result = releaseCodePages({
      loadModule: () => module,
      readStatus: () => readings.shift() ?? '',
    });
    expect(result).toEqual({
      ok: true,
      value: { mappings: 56, fileBefore: 80400 * 1024, fileAfter: 43000 * 1024 },
    });
    expect(describeRelease(result)).toBe(
      "released the program's read-only pages (56 mappings): RssFile (file pages, and the capture ring once open) 78.5 -> 42.0 MB",
    );
  });

  it('a module that cannot load, or a kernel without RssFile, is a value', () => {
    const missing = releaseCodePages({
      loadModule: () => {
        throw new Error("Cannot find module 'sesame-capture'");
      },
      readStatus: () => status(1),
    });
    expect(missing).toEqual({ ok: false, error: "Cannot find module 'sesame-capture'" });
    expect(describeRelease(missing)).toBe(
      "program pages not released: Cannot find module 'sesame-capture'",
    );
    const old = releaseCodePages({
      loadModule: () => ({ releaseCodePages: () => ({ mappings: 1, bytes: 4096 }) }),
      readStatus: () => 'VmRSS:\t1 kB\n',
    });
    expect(old).toEqual({ ok: false, error: 'no RssFile line in /proc/self/status' });
  });
});

describe('keeping the program pages released', () => {
  /** A ticker the test drives, a status that reads `file` kB, and the releases made. */
  function rig(moduleWorks = true) {
    const state = {
      file: 49_000,
      ticks: [] as (() => void)[],
      stopped: 0,
      releases: 0,
      fail: !moduleWorks,
    };
    const module: CodePagesModule = {
      releaseCodePages: () => {
        if (state.fail) throw new Error('no addon');
        state.releases += 1;
        state.file = 10_000;
        return { mappings: 56, bytes: 118e6 };
      },
    };
    const reports: string[] = [];
    const stop = keepCodePagesReleased(
      (result) => reports.push(describeRelease(result)),
      { everyMs: 1000, growthBytes: 4 * 1048576 },
      {
        loadModule: () => module,
        readStatus: () => status(state.file),
        every: (tick, ms) => {
          expect(ms).toBe(1000);
          state.ticks.push(tick);
          return () => {
            state.stopped += 1;
          };
        },
      },
    );
    const tick = () => {
      for (const t of state.ticks) t();
    };
    return { state, reports, stop, tick };
  }

  it('releases at once, then at a tick only when the file pages grew by the threshold', () => {
    const { state, reports, tick } = rig();
    expect(state.releases).toBe(1); // before any tick: the server calls this before capture opens
    expect(reports).toEqual([
      "released the program's read-only pages (56 mappings): RssFile (file pages, and the capture ring once open) 47.9 -> 9.8 MB",
    ]);
    tick();
    expect(state.releases).toBe(1);
    state.file = 10_000 + 4 * 1024 - 1; // 1 kB short of 4 MB more
    tick();
    expect(state.releases).toBe(1);
    state.file = 10_000 + 4 * 1024; // a flood brought 4 MB of code in
    tick();
    expect(state.releases).toBe(2);
    tick();
    expect(state.releases).toBe(2);
  });

  it('a first release that fails starts no ticks; a later one stops them', () => {
    const failing = rig(false);
    expect(failing.reports).toEqual(['program pages not released: no addon']);
    expect(failing.state.ticks).toEqual([]);
    failing.stop();
    expect(failing.state.stopped).toBe(0);
    const later = rig();
    later.state.fail = true;
    later.state.file = 50_000;
    later.tick();
    expect(later.reports.at(-1)).toBe('program pages not released: no addon');
    expect(later.state.stopped).toBe(1);
  });

  it('stops when asked', () => {
    const working = rig();
    working.stop();
    expect(working.state.stopped).toBe(1);
  });
});
