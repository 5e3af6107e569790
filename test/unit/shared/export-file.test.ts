import { describe, expect, it } from 'vitest';
import {
  EXPORT_FORMAT,
  EXPORT_VERSION,
  readExport,
  writeExport,
} from '../../../shared/profile/export-file';
import { profileSchema } from '../../../shared/profile/profile';

const web = profileSchema.parse({
  id: 'w1',
  name: 'web',
  host: 'web.example.com',
  open: [{ port: 7000, protocol: 'tcp' }],
});

describe('the profile export', () => {
  it('is written with its format and version, indented, ending in a newline', () => {
    const text = writeExport([web]);
    expect(JSON.parse(text)).toEqual({ format: 'sesame-profiles', version: 2, profiles: [web] });
    expect(EXPORT_FORMAT).toBe('sesame-profiles');
    expect(EXPORT_VERSION).toBe(2);
    expect(text).toMatch(/^\{\n {2}"format"/);
    expect(text.endsWith('}\n')).toBe(true);
  });

  it('reads back what it writes', () => {
    expect(readExport(JSON.parse(writeExport([web])))).toEqual({ ok: true, value: [web] });
  });

  it('reads an older version, a profile file without a format, and a bare list', () => {
    expect(readExport({ format: 'sesame-profiles', version: 1, profiles: [web] })).toEqual({
      ok: true,
      value: [web],
    });
    expect(readExport({ version: 2, profiles: [web], __internal__: {} })).toEqual({
      ok: true,
      value: [web],
    });
    expect(readExport([web])).toEqual({ ok: true, value: [web] });
  });

  it('refuses another format and a newer version, naming the field', () => {
    expect(readExport({ format: 'other', version: 1, profiles: [] })).toEqual({
      ok: false,
      error: 'format: "other" is not sesame-profiles',
    });
    expect(readExport({ format: 'sesame-profiles', version: 3, profiles: [] })).toEqual({
      ok: false,
      error: 'version: 3 was written by a newer Sesame (this one reads up to 2)',
    });
  });

  it('refuses JSON that is not an export, naming what is missing', () => {
    expect(readExport({ nope: 1 })).toEqual({
      ok: false,
      error: 'version: expected a number, found missing',
    });
    expect(readExport({ version: 2, profiles: 'web' })).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^profiles: /) as unknown,
    });
    expect(readExport('web')).toMatchObject({ ok: false });
  });
});
