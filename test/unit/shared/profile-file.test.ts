import { describe, expect, it } from 'vitest';
import { problemLine } from '../../../shared/field-problems';
import {
  PROFILE_FILE_VERSION,
  isSealedRecord,
  migrateProfileFile,
  readProfileFile,
  sealedSequencesSchema,
} from '../../../shared/profile/profile-file';

const plain = {
  id: 'p1',
  name: 'web',
  host: 'web.example.com',
  open: [{ port: 7000, protocol: 'tcp' }],
};
const sealed = {
  id: 's1',
  name: 'vault',
  host: 'vault.example.com',
  sealed: { backend: 'gnome_libsecret', data: 'djEwAAAA+/Zz==' },
};

/** Deep-freezes parsed JSON so a migration that writes into its input throws. */
function frozen<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const v of Object.values(value)) frozen(v);
    Object.freeze(value);
  }
  return value;
}

describe('profile file migrations', () => {
  it('is at version 2', () => {
    expect(PROFILE_FILE_VERSION).toBe(2);
  });

  it('turns a bare list (version 0) into version 1, then 2, without touching the input', () => {
    const input = frozen([plain]);
    expect(migrateProfileFile(input, 0)).toEqual({ version: 2, profiles: [plain] });
    expect(input).toEqual([plain]);
  });

  it('reads version 1 as version 2 by changing only the number, keeping other keys', () => {
    const input = frozen({ version: 1, profiles: [plain], __internal__: { a: 1 } });
    expect(migrateProfileFile(input, 1)).toEqual({ ...input, version: 2 });
    const read = readProfileFile(input);
    expect(read).toEqual({
      ok: true,
      migratedFrom: 1,
      records: [
        {
          ok: true,
          value: { ...plain, family: 'auto', delayMs: 0, servicePort: 22, ssh: { port: 22 } },
          source: plain,
        },
      ],
    });
  });

  it('leaves a current file alone and names no migration', () => {
    const read = readProfileFile({ version: 2, profiles: [] });
    expect(read).toEqual({ ok: true, records: [] });
  });
});

describe('readProfileFile (version 2)', () => {
  const read = (profiles: unknown[]) => {
    const result = readProfileFile({ version: 2, profiles });
    if (!result.ok) throw new Error(result.problems.map(problemLine).join('\n'));
    return result.records;
  };
  const problems = (profiles: unknown[]) =>
    read(profiles).map((r) => (r.ok ? 'ok' : r.problems.map(problemLine)));

  it('reads plain and sealed records side by side, keeping each source as it was', () => {
    const records = read([plain, sealed]);
    expect(records.map((r) => r.ok && isSealedRecord(r.value))).toEqual([false, true]);
    expect(records[1]).toEqual({
      ok: true,
      value: { ...sealed, family: 'auto', delayMs: 0, servicePort: 22, ssh: { port: 22 } },
      source: sealed,
    });
    expect(records[1]?.source).toBe(sealed);
  });

  it('validates the fields of a sealed record in clear, naming each, and reads the others', () => {
    const bad = {
      ...sealed,
      host: '-oProxyCommand',
      open: plain.open,
      sealed: { backend: 'two words', data: 'not base64!' },
    };
    const records = read([plain, bad]);
    expect(records[0]?.ok).toBe(true);
    expect(records[1]).toMatchObject({ ok: false, source: bad });
    expect(problems([plain, bad])[1]).toEqual([
      'profiles[1].host: host must not start with "-"',
      'profiles[1].sealed.backend: backend may hold only letters, digits, _ . and -',
      'profiles[1].sealed.data: data must be base64',
      expect.stringMatching(/^profiles\[1\]: Unrecognized key: "open"/),
    ]);
  });

  it('names a record that is not an object, and a missing sealed data', () => {
    expect(problems(['web', { ...sealed, sealed: {} }])).toEqual([
      [expect.stringMatching(/^profiles\[0\]: .*expected object/)],
      [
        expect.stringMatching(/^profiles\[1\]\.sealed\.backend: /),
        expect.stringMatching(/^profiles\[1\]\.sealed\.data: /),
      ],
    ]);
  });

  it('names an unknown field, and reads the records around it', () => {
    expect(
      problems([plain, { ...sealed, color: 'red' }, { ...plain, id: 'p2', name: 'b' }]),
    ).toEqual(['ok', ['profiles[1]: Unrecognized key: "color"'], 'ok']);
  });

  it('keeps names and ids unique across plain and sealed records: the later one is not valid', () => {
    expect(problems([plain, { ...sealed, name: 'WEB' }, { ...plain, name: 'x' }])).toEqual([
      'ok',
      ['profiles[1].name: "WEB" is already used by profiles[0]'],
      ['profiles[2].id: "p1" is already used by profiles[0]'],
    ]);
  });

  it('fails as a whole only when the file is not the shape of a profile file', () => {
    const notList = readProfileFile({ version: 2, profiles: {} });
    expect(!notList.ok && notList.problems.map(problemLine)).toEqual([
      expect.stringMatching(/^profiles: .*expected array/),
    ]);
    expect(readProfileFile({ version: 2 })).toMatchObject({ ok: false });
    const text = readProfileFile('text');
    expect(!text.ok && text.problems.map(problemLine)).toEqual([
      expect.stringMatching(/^version: /),
    ]);
  });

  it('stops at a newer version before validating, as a version-1 reader does with version 2', () => {
    const newer = { version: PROFILE_FILE_VERSION + 1, profiles: [{ anything: 'new' }] };
    expect(readProfileFile(newer)).toEqual({
      ok: false,
      problems: [
        { field: 'version', message: '3 was written by a newer Sesame (this one reads up to 2)' },
      ],
    });
    expect(readProfileFile({ version: -1, profiles: [] })).toEqual({
      ok: false,
      problems: [{ field: 'version', message: '-1 is not a version' }],
    });
    expect(readProfileFile({ version: '2', profiles: [] })).toMatchObject({
      problems: [{ field: 'version', message: 'expected a number, found 2' }],
    });
  });
});

describe('sealedSequencesSchema', () => {
  it('takes the open sequence and an optional close one, nothing else', () => {
    const open = [{ port: 1, protocol: 'udp' }];
    expect(sealedSequencesSchema.safeParse({ open }).success).toBe(true);
    expect(sealedSequencesSchema.safeParse({ open, close: open }).success).toBe(true);
    expect(sealedSequencesSchema.safeParse({ close: open }).success).toBe(false);
    expect(sealedSequencesSchema.safeParse({ open, host: 'x' }).success).toBe(false);
  });
});
