import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { OneTimeSequences, oneTimeFilesOnDisk } from '../../../electron/node/one-time-sequences';
import { parseKnockdConfig, type KnockdDoor } from '../../../shared/knockd/config';

const dir = mkdtempSync(join(tmpdir(), 'sesame-one-time-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function door(path: string): KnockdDoor {
  const parsed = parseKnockdConfig(`[once]\n  one_time_sequences = ${path}\n`);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.value.doors[0] as KnockdDoor;
}

describe('one-time sequence files on disk', () => {
  it('marks the used line with one byte in place, keeping every other byte, the inode and the mode', () => {
    const path = join(dir, 'bytes.seq');
    // A Latin-1 comment (not UTF-8) and a UTF-8 one before the sequences: bytes, not characters.
    const before = Buffer.concat([
      Buffer.from('# caf'),
      Buffer.from([0xe9]),
      Buffer.from('\n# café\n3001,3002\r\n4001\n'),
    ]);
    writeFileSync(path, before, { mode: 0o600 });
    const { ino } = statSync(path);
    const sequences = new OneTimeSequences(oneTimeFilesOnDisk);
    const d = door(path);
    expect(sequences.load(d)).toEqual({
      ok: true,
      value: [
        { port: 3001, protocol: 'tcp' },
        { port: 3002, protocol: 'tcp' },
      ],
    });
    expect(sequences.used(d)).toEqual({ ok: true, value: [{ port: 4001, protocol: 'tcp' }] });
    const after = readFileSync(path);
    const expected = Buffer.from(before);
    expected[before.indexOf('3001,3002')] = 0x23; // '#'
    expect(after).toEqual(expected);
    expect(statSync(path).ino).toBe(ino);
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it('says why a file cannot be written', () => {
    const path = join(dir, 'ok.seq');
    writeFileSync(path, '1\n');
    expect(oneTimeFilesOnDisk.writable(path)).toBeUndefined();
    expect(oneTimeFilesOnDisk.writable(join(dir, 'missing.seq'))).toBe('ENOENT');
    mkdirSync(join(dir, 'a-directory'));
    expect(oneTimeFilesOnDisk.writable(join(dir, 'a-directory'))).toBe('EISDIR');
  });

  it('does not ask for a writable file when no sequence is left (nothing will be marked)', () => {
    const sequences = new OneTimeSequences({
      read: () => '#001\n',
      writable: () => 'EROFS',
      mark: () => {
        throw new Error('nothing to mark');
      },
    });
    expect(sequences.load(door('/ro/used.seq'))).toEqual({ ok: true, value: [] });
  });
});
