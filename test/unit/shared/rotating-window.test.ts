import { describe, expect, it } from 'vitest';
import {
  acceptedSteps,
  msToNextStep,
  RotatingWindow,
  slotOf,
  WINDOW_SLOTS,
} from '../../../shared/rotating/window';
import {
  BOUNDARY_GUARD_MS,
  fitsInStep,
  knockDurationMs,
  waitBeforeKnock,
} from '../../../shared/rotating/timing';

describe('RotatingWindow', () => {
  it('accepts the previous, current and next step, each in its own slot', () => {
    expect(acceptedSteps(10)).toEqual([9, 10, 11]);
    expect(new Set(acceptedSteps(10).map(slotOf)).size).toBe(WINDOW_SLOTS);
    expect(slotOf(-1)).toBe(2);
  });

  it('changes only the slot whose step left the window when the step advances', () => {
    const window = new RotatingWindow();
    expect(window.moveTo(10)).toHaveLength(3);
    expect(window.moveTo(11)).toEqual([{ slot: slotOf(12), step: 12 }]);
    expect(window.moveTo(11)).toEqual([]);
    expect(window.stepOf(slotOf(10))).toBe(10);
    expect(window.moveTo(20)).toHaveLength(3);
  });

  it('remembers a spent step while it is accepted and forgets it once it left', () => {
    const window = new RotatingWindow();
    window.moveTo(10);
    expect(window.spend(slotOf(10))).toBe(10);
    expect(window.isSpent(10)).toBe(true);
    window.moveTo(11);
    expect(window.isSpent(10)).toBe(true); // still the previous step: still refused
    window.moveTo(12);
    expect(window.isSpent(10)).toBe(false);
    expect(window.spentCount()).toBe(0);
  });

  it('measures the time to the next step boundary', () => {
    expect(msToNextStep(30_000, 30)).toBe(30_000);
    expect(msToNextStep(59_999, 30)).toBe(1);
    expect(msToNextStep(45_500, 30)).toBe(14_500);
  });
});

describe('waitBeforeKnock', () => {
  it('sends at once mid-step, waits past a boundary the knock would cross or has just passed', () => {
    const duration = knockDurationMs(4, 0); // 200 ms
    expect(waitBeforeKnock(10_000, 30, duration)).toBe(0);
    expect(waitBeforeKnock(28_800, 30, duration)).toBe(0); // ends 1 s before the boundary
    expect(waitBeforeKnock(28_801, 30, duration)).toBe(1199 + BOUNDARY_GUARD_MS);
    expect(waitBeforeKnock(30_200, 30, duration)).toBe(800);
  });

  it('counts the delays: 4 knocks with -d 5000 at 5 s into a 30 s step wait for the next', () => {
    const duration = knockDurationMs(4, 5000);
    expect(duration).toBe(20_200);
    expect(waitBeforeKnock(5_000, 30, duration)).toBe(0);
    expect(waitBeforeKnock(9_000, 30, duration)).toBe(22_000);
    expect(fitsInStep(30, duration)).toBe(true);
    expect(fitsInStep(10, knockDurationMs(4, 2000))).toBe(false);
  });
});
