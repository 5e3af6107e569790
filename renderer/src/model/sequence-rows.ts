import type { HitRow } from './profile-form';

/** A row moved one place up (-1) or down (+1); out-of-range moves leave the rows as they are. */
export function moveRow(rows: readonly HitRow[], index: number, by: -1 | 1): HitRow[] {
  const target = index + by;
  const moved = rows[index];
  const other = rows[target];
  if (moved === undefined || other === undefined) return [...rows];
  const next = [...rows];
  next[target] = moved;
  next[index] = other;
  return next;
}

/** The rows without the one at `index`. */
export function removeRow(rows: readonly HitRow[], index: number): HitRow[] {
  return rows.filter((_, i) => i !== index);
}

/** One row changed; switching a hit to UDP drops its TCP flags (they apply to TCP only). */
export function updateRow(
  rows: readonly HitRow[],
  index: number,
  change: Partial<HitRow>,
): HitRow[] {
  return rows.map((row, i) => {
    if (i !== index) return row;
    const next = { ...row, ...change };
    return next.protocol === 'udp' ? { ...next, tcpFlags: undefined } : next;
  });
}

/** A port field's number, or undefined while it holds no whole number. */
export function typedPort(text: string): number | undefined {
  const trimmed = text.trim();
  return /^[0-9]+$/.test(trimmed) ? Number(trimmed) : undefined;
}

/** The ports a sequence already uses (rows still being typed are skipped). */
export function portsOf(rows: readonly HitRow[]): number[] {
  return rows.flatMap((row) => {
    const port = typedPort(row.port);
    return port === undefined ? [] : [port];
  });
}
