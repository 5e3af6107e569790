// Parsing corrupt or hostile input: knockd.conf text built to be slow (1 MB for the parser, the
// 64 KB limit for the import) and large profile files. Prints milliseconds per input; no root needed
// (`npm run bench import-parse`; SESAME_BENCH_BYTES=N imports N bytes instead of the 64 KB limit).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createLogger } from '../../electron/node/logger';
import { ProfileStore } from '../../electron/node/profile-store';
import { parseKnockdConfig } from '../../shared/knockd/config';
import { MAX_KNOCKD_CONF_BYTES, importKnockdConfig } from '../../shared/knockd/import';

const MB = 1_000_000;
const SIZE = MB;

/** Repeats `unit` up to `size` characters. */
const fill = (unit: string, size = SIZE) => unit.repeat(Math.floor(size / unit.length));

function time(label: string, run: () => unknown): void {
  const start = performance.now();
  const result = run();
  const ms = performance.now() - start;
  const outcome = JSON.stringify(result).slice(0, 50);
  process.stdout.write(`${label.padEnd(62)} ${ms.toFixed(0).padStart(7)} ms  ${outcome}\n`);
}

const knockd = (text: string) => () => {
  const result = importKnockdConfig(text, { host: 'example.org' });
  return result.ok ? `${String(result.profiles.length)} profiles` : result.error.slice(0, 60);
};
const parse = (text: string) => () => {
  const result = parseKnockdConfig(text);
  return result.ok ? `${String(result.value.doors.length)} doors` : result.error.slice(0, 60);
};

// The parser reads the whole text (the server's knockd.conf has no limit); the import takes the
// largest file it allows (64 KB) unless SESAME_BENCH_BYTES says otherwise.
const IMPORT_SIZE = Number(process.env.SESAME_BENCH_BYTES ?? MAX_KNOCKD_CONF_BYTES);
const inputs: [string, (size: number) => string][] = [
  ['long runs of inner spaces', (size) => fill(`a${' '.repeat(4093)}a\n`, size)],
  ['spaces then text, 1 line', (size) => `[d]\nsequence = 1${' '.repeat(size - 20)}x\n`],
  ['many doors with one name', (size) => fill('[a]\nsequence=1\n', size)],
  [
    'many openers and closers',
    (size) =>
      fill(
        '[o]\nsequence=1\nstart_command=iptables -I INPUT --dport 22 -j ACCEPT\n' +
          '[c]\nsequence=2\nstart_command=iptables -D INPUT --dport 22 -j ACCEPT\n',
        size,
      ),
  ],
];
for (const [label, make] of inputs) {
  time(`knockd.conf parse, ${String(SIZE)} B: ${label}`, parse(make(SIZE)));
  time(`knockd.conf import, ${String(IMPORT_SIZE)} B: ${label}`, knockd(make(IMPORT_SIZE)));
}

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
