import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const unitPath = new URL('../../../build/sesame-knockd-rotate.service', import.meta.url);
const unit = readFileSync(unitPath, 'utf8');
const hasAnalyze = spawnSync('systemd-analyze', ['--version']).status === 0;

describe('build/sesame-knockd-rotate.service', () => {
  it('renders once before knockd starts, then rotates and signals knockd, without capabilities', () => {
    const settings = Object.fromEntries(
      unit
        .split('\n')
        .filter((l) => /^[A-Za-z]+=/.test(l))
        .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
    );
    expect(settings).toMatchObject({
      Before: 'knockd.service',
      CapabilityBoundingSet: '',
      NoNewPrivileges: 'yes',
      ReadWritePaths: '/var/lib/sesame-knockd',
      ExecReload: '/bin/kill -HUP $MAINPID',
    });
    expect(settings.ExecStartPre).toMatch(
      /sesame knockd-rotate --template \S+ --out \/var\/lib\/sesame-knockd\/knockd\.conf --once$/,
    );
    expect(settings.ExecStart).toMatch(/sesame knockd-rotate .* --pidfile \/run\/knockd\.pid$/);
  });

  it.runIf(hasAnalyze)('passes systemd-analyze verify', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sesame-unit-'));
    try {
      copyFileSync(unitPath, join(dir, 'sesame-knockd-rotate.service'));
      expect(() =>
        execFileSync('systemd-analyze', ['verify', join(dir, 'sesame-knockd-rotate.service')], {
          stdio: 'pipe',
        }),
      ).not.toThrow();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
