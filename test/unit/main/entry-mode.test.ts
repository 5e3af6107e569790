import { describe, expect, it } from 'vitest';
import { entryMode } from '../../../electron/main/entry-mode';

describe('entry mode', () => {
  it('opens the window by default', () => {
    expect(entryMode(['/opt/Sesame/sesame'])).toEqual({ kind: 'window' });
    expect(entryMode(['/usr/bin/electron', '.', '--no-sandbox'])).toEqual({ kind: 'window' });
  });

  it('runs `sesame server` with the same flags after --server', () => {
    expect(
      entryMode(['/opt/Sesame/sesame', '--server', '-c', '/etc/knockd.conf', '-i', 'eth0', '-v']),
    ).toEqual({
      kind: 'cli',
      args: ['server', '-c', '/etc/knockd.conf', '-i', 'eth0', '-v'],
    });
  });

  it('runs any sesame command after --cli, keeping later flags for the command', () => {
    expect(
      entryMode(['/usr/bin/electron', '.', '--cli', 'knock', 'host', '7000', '--server']),
    ).toEqual({
      kind: 'cli',
      args: ['knock', 'host', '7000', '--server'],
    });
    expect(entryMode(['/opt/Sesame/sesame', '--cli'])).toEqual({ kind: 'cli', args: [] });
  });
});
