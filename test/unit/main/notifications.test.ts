import { describe, expect, it } from 'vitest';
import { knockNotification, notifyOutcome } from '../../../electron/main/notifications';
import type { KnockOutcome } from '../../../shared/door/outcome';

const base: KnockOutcome = {
  runId: 'r',
  profileId: 'p',
  profileName: 'lab',
  action: 'open',
  verdict: 'open',
  address: '198.18.0.1',
  hits: [
    { index: 0, total: 2, port: 7000, protocol: 'tcp', offsetMs: 0 },
    { index: 1, total: 2, port: 8000, protocol: 'udp', offsetMs: 1 },
  ],
  probe: { profileId: 'p', address: '198.18.0.1', port: 22, state: 'open', elapsedMs: 12, at: 3 },
  startedAt: 1,
  finishedAt: 3,
};

describe('knock notifications', () => {
  it('report the hits, the address and the probe result', () => {
    expect(knockNotification(base)).toEqual({
      title: 'lab: open',
      body: 'Open: 2 of 2 hits sent to 198.18.0.1. Port 22 is open (12 ms).',
    });
  });

  it('say when the door stayed closed, and why a knock failed', () => {
    const closed: KnockOutcome = {
      ...base,
      verdict: 'closed',
      probe: {
        profileId: 'p',
        address: '198.18.0.1',
        port: 22,
        state: 'closed',
        elapsedMs: 12,
        at: 3,
      },
    };
    expect(knockNotification(closed).title).toBe('lab: still closed');
    expect(knockNotification(closed).body).toContain('Port 22 is closed');
    const failed: KnockOutcome = {
      ...base,
      verdict: 'failed',
      hits: [],
      probe: undefined,
      address: undefined,
      error: 'cannot resolve lab.example',
    } as unknown as KnockOutcome;
    expect(knockNotification(failed)).toEqual({
      title: 'lab: failed',
      body: 'Open: nothing sent. cannot resolve lab.example',
    });
  });

  it('mention the terminal for Open SSH and the close that follows', () => {
    const ssh = { ...base, action: 'ssh' as const, ssh: { terminal: 'kitty', closesOnExit: true } };
    expect(knockNotification(ssh).body).toMatch(
      /ssh started in kitty; the door closes when it ends\.$/,
    );
  });

  it('show nothing when turned off or unsupported', () => {
    const shown: unknown[] = [];
    const deps = (enabled: boolean, supported: boolean) => ({
      enabled: () => enabled,
      isSupported: () => supported,
      show: (t: unknown) => shown.push(t),
    });
    expect(notifyOutcome(deps(false, true), base)).toBe(false);
    expect(notifyOutcome(deps(true, false), base)).toBe(false);
    expect(shown).toEqual([]);
    expect(notifyOutcome(deps(true, true), base)).toBe(true);
    expect(shown).toHaveLength(1);
  });
});
