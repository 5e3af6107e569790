import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import {
  fieldName,
  fieldProblems,
  prefixProblems,
  problemLine,
} from '../../../shared/field-problems';
import { profileDraftSchema } from '../../../shared/ipc/contract';

describe('field problems', () => {
  it('name a field from its zod path, under a prefix', () => {
    expect(fieldName(['open', 1, 'port'])).toBe('open[1].port');
    expect(fieldName(['open', 1, 'port'], 'profile')).toBe('profile.open[1].port');
    expect(fieldName([0, 'host'], 'profiles')).toBe('profiles[0].host');
    expect(fieldName([], 'profile')).toBe('profile');
    expect(fieldName([])).toBe('');
  });

  it('come one per zod issue, each with its field and message', () => {
    const parsed = z
      .strictObject({ profile: profileDraftSchema })
      .safeParse({ profile: { name: 'lab', host: 'h', open: [{ port: 1, protocol: 'tcp' }, {}] } });
    expect(parsed.success).toBe(false);
    if (parsed.success) return;
    expect(fieldProblems(parsed.error)).toContainEqual({
      field: 'profile.open[1].port',
      message: expect.any(String) as unknown,
    });
    expect(fieldProblems(parsed.error, 'input').map((p) => p.field)).toContain(
      'input.profile.open[1].port',
    );
  });

  it('keep a message holding ": " whole (no splitting of lines back into fields)', () => {
    const parsed = z.strictObject({}).safeParse({ extra: 1 });
    expect(parsed.success).toBe(false);
    if (parsed.success) return;
    expect(fieldProblems(parsed.error, 'profile')).toEqual([
      { field: 'profile', message: 'Unrecognized key: "extra"' },
    ]);
  });

  it('move under a prefix, and read as one line for people', () => {
    const problems = [
      { field: 'host', message: 'bad host' },
      { field: '[2].port', message: 'bad port' },
      { field: '', message: 'bad profile' },
    ];
    expect(prefixProblems('profile', problems)).toEqual([
      { field: 'profile.host', message: 'bad host' },
      { field: 'profile[2].port', message: 'bad port' },
      { field: 'profile', message: 'bad profile' },
    ]);
    expect(prefixProblems('', problems)).toEqual(problems);
    expect(problems.map(problemLine)).toEqual([
      'host: bad host',
      '[2].port: bad port',
      'bad profile',
    ]);
  });
});
