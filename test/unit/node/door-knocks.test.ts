import { describe, expect, it } from 'vitest';
import { knocksAt, rotatingPreview, waitBeforeSending } from '../../../electron/node/door-knocks';
import type { RotatingSequence } from '../../../shared/rotating/rotating-sequence';
import { formatSequence } from '../../../shared/sequence/sequence';

// The test vectors of docs/rotating-sequences.md section 9.
const T0 = 1767225600_000;
const open: RotatingSequence = {
  secret: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP',
  label: 'open',
  stepSeconds: 30,
  length: 4,
  ports: { low: 10000, high: 29999 },
  protocols: 'tcp',
};

describe('the knocks a door sequence sends', () => {
  it("derives a rotating sequence's knocks for the step of the time given (the spec's vectors)", () => {
    expect(formatSequence(knocksAt(open, 0, T0))).toBe('12066,11448,27804,27932');
    expect(formatSequence(knocksAt(open, 0, T0 + 29_999))).toBe('12066,11448,27804,27932');
    expect(formatSequence(knocksAt(open, 0, T0 + 30_000))).toBe('17742,26412,12649,19291');
    expect(formatSequence(knocksAt({ ...open, label: 'ssh', protocols: 'mixed' }, 0, T0))).toBe(
      '17734,20523:udp,28906:udp,13397',
    );
  });

  it("gives each knock the profile's delay, and leaves a fixed sequence's own delays", () => {
    expect(knocksAt(open, 40, T0).map((k) => k.delayMs)).toEqual([40, 40, 40, 40]);
    const fixed = [
      { port: 7000, protocol: 'tcp' as const, delayMs: 5 },
      { port: 8000, protocol: 'udp' as const },
    ];
    expect(knocksAt(fixed, 40, T0)).toEqual([
      { port: 7000, protocol: 'tcp', delayMs: 5 },
      { port: 8000, protocol: 'udp', delayMs: 40 },
    ]);
  });

  it('waits past a step boundary, never for a fixed sequence', () => {
    expect(waitBeforeSending([{ port: 1, protocol: 'tcp' }], 0, T0 + 29_900)).toBe(0);
    expect(waitBeforeSending(open, 0, T0 + 10_000)).toBe(0);
    // 100 ms before the boundary: wait for it and the 1 s margin after it.
    expect(waitBeforeSending(open, 0, T0 + 29_900)).toBe(1100);
    // 200 ms after one: the rest of the margin.
    expect(waitBeforeSending(open, 0, T0 + 30_200)).toBe(800);
  });

  it('previews the current knocks and when the next step starts', () => {
    expect(rotatingPreview(open, T0 + 12_500)).toEqual({
      sequence: '12066,11448,27804,27932',
      nextStepAt: T0 + 30_000,
    });
  });
});
