import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const unitPath = new URL('../../../build/sesame-server.service', import.meta.url);
const unit = readFileSync(unitPath, 'utf8');
const hasAnalyze = spawnSync('systemd-analyze', ['--version']).status === 0;

describe('build/sesame-server.service', () => {
  it('runs the server unprivileged with only the capabilities capture needs', () => {
    const settings = Object.fromEntries(
      unit
        .split('\n')
        .filter((l) => /^[A-Za-z]+=/.test(l))
        .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
    );
    expect(settings).toMatchObject({
      User: 'sesame',
      AmbientCapabilities: 'CAP_NET_RAW CAP_NET_ADMIN',
      CapabilityBoundingSet: 'CAP_NET_RAW CAP_NET_ADMIN',
      NoNewPrivileges: 'yes',
      ExecReload: '/bin/kill -HUP $MAINPID',
      KillMode: 'mixed',
      // One-time sequence files are marked in place: the server must be able to write them.
      StateDirectory: 'sesame',
      ReadWritePaths: '/var/log/sesame /var/lib/sesame',
    });
    expect(settings.ExecStart).toMatch(/sesame server -c \/etc\/knockd\.conf$/);
  });

  it.runIf(hasAnalyze)('passes systemd-analyze verify', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sesame-unit-'));
    try {
      copyFileSync(unitPath, join(dir, 'sesame-server.service'));
      expect(() =>
        execFileSync('systemd-analyze', ['verify', join(dir, 'sesame-server.service')], {
          stdio: 'pipe',
        }),
      ).not.toThrow();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
