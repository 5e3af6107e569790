// The matcher's attempt records (shared/matcher/attempt-table.ts): every field of every kind of
// source survives the buffer's growth and the reuse of freed slots.
import { describe, expect, it } from 'vitest';
import { AttemptTable, NONE } from '../../../shared/matcher/attempt-table';
import { ipv6Words } from '../../../shared/matcher/ipv6-key';
import { IPV6_KEY, sourceKey, TEXT_KEY } from '../../../shared/matcher/source-key';
import { A, Bed, C1 } from './matcher-bed';

/** The source of attempt i: IPv4, IPv6 and text in turn. */
function sourceOf(i: number): string {
  if (i % 3 === 0) return `100.64.${(i >> 8) & 255}.${i & 255}`;
  if (i % 3 === 1) return `2001:db8::${i.toString(16)}:1`;
  return `host-${i}`;
}

function take(table: AttemptTable, i: number): number {
  const source = sourceOf(i);
  const words = new Int32Array(4);
  const key = ipv6Words(source, words) ? IPV6_KEY : sourceKey(source);
  const text = key === TEXT_KEY ? source : undefined;
  // Start times past 2^32 ms and a negative IPv4 key (100.x.x.x is above 2^31) on purpose.
  return table.take(i % 7, i % 5, key, words, text, 1.7e12 + i * 0.5, i);
}

function fields(table: AttemptTable, slot: number) {
  return {
    door: table.door(slot),
    generation: table.generation(slot),
    stage: table.stage(slot),
    started: table.started(slot),
    serial: table.serial(slot),
    source: table.source(slot),
    older: table.older(slot),
    newer: table.newer(slot),
    next: table.nextOfSource(slot),
  };
}

describe('the attempt table', () => {
  it('keeps every field of every kind of source across its growth', () => {
    const table = new AttemptTable();
    const count = 5000;
    const slots = Array.from({ length: count }, (_, i) => take(table, i));
    expect(table.capacity).toBeGreaterThanOrEqual(count);
    for (const [i, slot] of slots.entries()) {
      table.setStage(slot, (i % 9) + 1);
      table.setOlder(slot, slots[i - 1] ?? NONE);
      table.setNewer(slot, slots[i + 1] ?? NONE);
      table.setNextOfSource(slot, i);
    }
    expect(new Set(slots).size).toBe(count);
    for (const [i, slot] of slots.entries()) {
      expect(fields(table, slot), `attempt ${i}`).toEqual({
        door: i % 7,
        generation: i % 5,
        stage: (i % 9) + 1,
        started: 1.7e12 + i * 0.5,
        serial: i,
        source: sourceOf(i),
        older: slots[i - 1] ?? NONE,
        newer: slots[i + 1] ?? NONE,
        next: i,
      });
    }
    expect(table.key(slots[0] ?? NONE)).toBe(sourceKey('100.64.0.0'));
    expect(table.key(slots[1] ?? NONE)).toBe(IPV6_KEY);
    expect(table.key(slots[2] ?? NONE)).toBe(TEXT_KEY);
  });

  it('reuses freed slots, which start afresh, and does not grow while slots are free', () => {
    const table = new AttemptTable();
    const slots = Array.from({ length: 1024 }, (_, i) => take(table, i));
    const capacity = table.capacity;
    for (const slot of slots) {
      table.setStage(slot, 7);
      table.setOlder(slot, 1);
      table.setNextOfSource(slot, 2);
      table.give(slot);
    }
    // Slot 2 held a text source: a new IPv4 attempt there must not report the old text.
    const again = Array.from({ length: 1024 }, (_, i) => take(table, 3 * i));
    expect(table.capacity).toBe(capacity);
    expect(new Set(again)).toEqual(new Set(slots));
    for (const [i, slot] of again.entries()) {
      expect(fields(table, slot)).toMatchObject({
        stage: 1,
        older: NONE,
        newer: NONE,
        next: NONE,
        source: sourceOf(3 * i),
      });
    }
  });

  it('grows by doubling up to its bound, and past it by doubling again', () => {
    const table = new AttemptTable(3000);
    const capacities = new Set<number>();
    for (let i = 0; i < 3001; i += 1) {
      take(table, i);
      capacities.add(table.capacity);
    }
    expect([...capacities]).toEqual([1024, 2048, 3000, 6000]);
    expect(new AttemptTable(5).capacity).toBe(5);
  });

  it('lets the matcher carry thousands of attempts in progress to their open', () => {
    // More live attempts than the table's first allocation, each at stage 2 when the table grows.
    const bed = new Bed([C1]);
    const sources = Array.from({ length: 3000 }, (_, i) => `198.18.${i >> 8}.${i & 255}`);
    for (const from of sources) bed.send('S7000', { from });
    for (const from of sources) bed.send('S8000', { from });
    bed.send('S7000', { from: A });
    expect(bed.matcher.attemptCount()).toBe(3001);
    for (const from of sources) bed.send('S9000', { from });
    const opened = bed.events.filter((event) => event.type === 'open').map((event) => event.source);
    expect(opened).toEqual(sources);
    // A's attempt, and the last one opened, which the next packet removes.
    expect(bed.matcher.attemptCount()).toBe(2);
  });
});
