// Parsing corrupt or hostile input: a 1 MB knockd.conf (the app's import limit) built to be slow,
// and large profile files. Prints milliseconds per input; no root needed
// (`node scripts/bench.mjs import-parse`; SESAME_BENCH_BYTES=100000 for smaller knockd.conf inputs).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createLogger } from '../../electron/node/logger';
import { ProfileStore } from '../../electron/node/profile-store';
import { importKnockdConfig } from '../../shared/knockd/import';

const MB = 1_000_000;
const SIZE = Number(process.env.SESAME_BENCH_BYTES ?? MB);

/** Repeats `unit` up to `size` characters. */
const fill = (unit: string, size = SIZE) => unit.repeat(Math.floor(size / unit.length));

function time(label: string, run: () => unknown): void {
  const start = performance.now();
  const result = run();
  const ms = performance.now() - start;
  const outcome = JSON.stringify(result).slice(0, 70);
  process.stdout.write(`${label.padEnd(44)} ${ms.toFixed(0).padStart(7)} ms  ${outcome}\n`);
}

const knockd = (text: string) => () => {
  const result = importKnockdConfig(text, { host: 'example.org' });
  return result.ok ? `${String(result.profiles.length)} profiles` : result.error.slice(0, 60);
};

time('knockd.conf: long runs of inner spaces', knockd(fill(`a${' '.repeat(4093)}a\n`)));
time('knockd.conf: spaces then text, 1 line', knockd(`[d]\nsequence = 1${' '.repeat(SIZE)}x\n`));
time('knockd.conf: many doors with one name', knockd(fill('[a]\nsequence=1\n')));
time(
  'knockd.conf: many openers and closers',
  knockd(
    fill(
      '[o]\nsequence=1\nstart_command=iptables -I INPUT --dport 22 -j ACCEPT\n' +
        '[c]\nsequence=2\nstart_command=iptables -D INPUT --dport 22 -j ACCEPT\n',
    ),
  ),
);

const dir = mkdtempSync(join(tmpdir(), 'sesame-bench-'));
try {
  for (const count of [1_000, 10_000, 50_000]) {
    const profiles = Array.from({ length: count }, (_, i) => ({
      id: `p${String(i)}`,
      name: `profile ${String(i)}`,
      host: 'example.org',
      open: [{ port: 7000, protocol: 'tcp' }],
    }));
    const file = join(dir, `profiles-${String(count)}.json`);
    const text = `${JSON.stringify({ version: 2, profiles }, null, 2)}\n`;
    writeFileSync(file, text);
    const logger = createLogger('bench', () => undefined);
    const store = new ProfileStore({ path: file, now: () => new Date(), logger });
    const mb = (text.length / MB).toFixed(1);
    time(`profile file: ${String(count)} profiles, ${mb} MB`, () => {
      const loaded = store.load();
      return loaded.ok ? `${String(loaded.profiles.length)} profiles` : loaded.error.code;
    });
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
