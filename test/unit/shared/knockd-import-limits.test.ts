// Corrupt or hostile knockd.conf text: a size limit with a clear message, and inputs that once
// took seconds (a quadratic trim, a quadratic search for free names) parse without trouble. No
// timing here: the numbers are in test/bench/import-parse.ts.
import { describe, expect, it } from 'vitest';
import { parseKnockdConfig } from '../../../shared/knockd/config';
import { trimC } from '../../../shared/knockd/config-lines';
import { MAX_KNOCKD_CONF_BYTES, importKnockdConfig } from '../../../shared/knockd/import';

const host = 'gate.example.org';

describe('importKnockdConfig limits', () => {
  it('refuses a knockd.conf over 64 KB, saying how large it is and what the limit is', () => {
    const text = `[a]\nsequence = 1\n${'#'.repeat(MAX_KNOCKD_CONF_BYTES)}\n`;
    const result = importKnockdConfig(text, { host });
    expect(result).toEqual({
      ok: false,
      error: `knockd.conf: ${String(text.length)} bytes is larger than the 64 KB an import takes (a knockd.conf is a few KB: is it the right file?)`,
    });
  });

  it('counts the limit in UTF-8 bytes, and takes a file of exactly the limit', () => {
    const comments = (bytes: number, char: string) => {
      const line = `#${char.repeat(49)}\n`; // 50 characters
      const count = Math.floor(bytes / Buffer.byteLength(line));
      return line.repeat(count);
    };
    const head = '[a]\nsequence = 1\n';
    const body = comments(MAX_KNOCKD_CONF_BYTES - head.length, 'x');
    const fits = `${head}${body}${'#'.repeat(MAX_KNOCKD_CONF_BYTES - head.length - body.length)}`;
    expect(Buffer.byteLength(fits)).toBe(MAX_KNOCKD_CONF_BYTES);
    expect(importKnockdConfig(fits, { host }).ok).toBe(true);
    const wide = `${head}${comments(MAX_KNOCKD_CONF_BYTES + 200, 'é')}`; // é is 2 bytes
    expect(wide.length).toBeLessThan(MAX_KNOCKD_CONF_BYTES);
    const size = Buffer.byteLength(wide);
    expect(importKnockdConfig(wide, { host })).toMatchObject({
      ok: false,
      error: expect.stringMatching(
        new RegExp(`^knockd\\.conf: ${String(size)} bytes is larger`),
      ) as unknown,
    });
  });

  it('imports a largest allowed file of many doors of one name, each with its own name', () => {
    const unit = '[a]\nsequence=1\n';
    const text = unit.repeat(Math.floor(MAX_KNOCKD_CONF_BYTES / unit.length));
    const result = importKnockdConfig(text, { host, takenNames: ['A (3)'] });
    if (!result.ok) throw new Error(result.error);
    const names = result.profiles.map((p) => p.name);
    expect(names.slice(0, 4)).toEqual(['a', 'a (2)', 'a (4)', 'a (5)']);
    expect(new Set(names.map((n) => n.toLowerCase())).size).toBe(names.length);
    expect(names.at(-1)).toBe(`a (${String(names.length + 1)})`);
  });
});

describe('knockd.conf parsing of pathological text', () => {
  it('trims C white space from both ends only, whatever is inside', () => {
    expect(trimC(' \t\v\f\r\n a \t b \n')).toBe('a \t b');
    expect(trimC('\u00a0a\ufeff')).toBe('\u00a0a\ufeff');
    expect(trimC('   ')).toBe('');
    expect(trimC('')).toBe('');
    expect(trimC(`a${' '.repeat(100_000)}b`)).toBe(`a${' '.repeat(100_000)}b`);
  });

  it('reads 1 MB of lines that are mostly inner spaces and names the first bad line', () => {
    const line = `a${' '.repeat(4093)}a\n`;
    const text = `[d]\nsequence = 1\n${line.repeat(Math.ceil(1_000_000 / line.length))}`;
    expect(parseKnockdConfig(text)).toEqual({
      ok: false,
      error: 'config: line 3: syntax error',
      line: 3,
    });
  });

  it('reads a 1 MB line of spaces as knockd does: 4095-byte lines, the first cut one refused', () => {
    const text = `[d]\nsequence = 1\nseq_timeout = 5${' '.repeat(1_000_000)}x\n`;
    const parsed = parseKnockdConfig(text);
    expect(parsed).toMatchObject({ ok: false, line: 247 });
  });
});
