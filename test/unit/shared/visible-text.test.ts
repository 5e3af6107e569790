// Bidi overrides (U+202E), zero-width and other format characters would let a name read as another
// in the tray, notifications and terminals: every text field refuses them, messages show them.
import { describe, expect, it } from 'vitest';
import { importKnockdConfig } from '../../../shared/knockd/import';
import { fieldProblems, problemLine } from '../../../shared/field-problems';
import { parseProfile, profileSchema } from '../../../shared/profile/profile';
import { terminalSettingSchema } from '../../../shared/settings/settings';
import { showHidden } from '../../../shared/profile/visible-text';

const base = {
  id: 'a',
  name: 'web',
  host: 'web.example.com',
  open: [{ port: 7000, protocol: 'tcp' }],
};
const errors = (changes: Record<string, unknown>) => {
  const parsed = parseProfile({ ...base, ...changes });
  return parsed.ok ? [] : parsed.problems.map(problemLine);
};
const REFUSED =
  'must not contain control or format characters (such as U+202E, which reverses text)';

// U+202E right-to-left override, U+2066 left-to-right isolate, U+200B zero-width space, U+200D
// zero-width joiner, U+FEFF byte order mark, U+00AD soft hyphen, U+061C Arabic letter mark.
const FORMAT = ['\u202e', '\u2066', '\u200b', '\u200d', '\ufeff', '\u00ad', '\u061c'];

describe('text fields refuse control and format characters', () => {
  const named = FORMAT.map((c) => [(c.codePointAt(0) ?? 0).toString(16).padStart(4, '0'), c]);
  it.each(named)('name with U+%s', (_code, c) => {
    expect(errors({ name: `pay${c}lexe.com` })).toEqual([`name: name ${REFUSED}`]);
  });

  it('refuses them in the identity file, and a path longer than 4096', () => {
    // The terminal-safe character set refuses it first, and the message shows it escaped.
    expect(errors({ ssh: { identityFile: '~/.ssh/id\u202egpj.exe' } })).toEqual([
      expect.stringMatching(
        /^ssh\.identityFile: identity file may hold only .*\(found "\\u\{202e\}"\)/,
      ),
    ]);
    expect(errors({ ssh: { identityFile: `/${'k'.repeat(4096)}` } })).toEqual([
      'ssh.identityFile: identity file is longer than 4096 characters',
    ]);
  });

  it('keeps tabs and line breaks in notes, and refuses the rest', () => {
    expect(errors({ notes: 'line 1\n\tline 2\r\nline 3' })).toEqual([]);
    for (const bad of ['a\u202eb', 'a\u001b[2Jb', 'a\rb', 'a\u0000b', 'a\u200bb'])
      expect(errors({ notes: bad })).toEqual([
        'notes: notes must not contain control or format characters other than tabs and line breaks (such as U+202E, which reverses text)',
      ]);
  });

  it('refuses them in a custom terminal command', () => {
    const parsed = terminalSettingSchema.safeParse({ kind: 'custom', command: 'xterm\u202e' });
    expect(parsed.success).toBe(false);
    expect(parsed.error && fieldProblems(parsed.error).map(problemLine)).toEqual([
      `command: terminal command ${REFUSED}`,
    ]);
  });

  it('shows them escaped where a message quotes a key the data brought', () => {
    const parsed = profileSchema.safeParse({ ...base, 'x\u202eroloc': 1 });
    expect(parsed.error && fieldProblems(parsed.error).map(problemLine)).toEqual([
      'Unrecognized key: "x\\u{202e}roloc"',
    ]);
    expect(showHidden('a\u202eb\u0007c\u00e9')).toBe('a\\u{202e}b\\u{7}c\u00e9');
  });
});

describe('a knockd.conf import never makes a name or note with them', () => {
  it('blanks them in names and escapes them in notes and errors', () => {
    const text =
      '[open\u202eHSS]\nsequence = 1\ncommand = ufw allow 22\n' +
      '[x]\nsequence = 2\ncommand = ufw allow 23\ntarget = 10.0.0.1\u200b\n';
    const result = importKnockdConfig(text, { host: 'gate.example.org', namePrefix: 'a\u2066b' });
    if (!result.ok) throw new Error(result.error);
    expect(result.profiles.map((p) => p.name)).toEqual(['a b open HSS', 'a b x']);
    expect(result.profiles[0]?.notes).toContain('door "open\\u{202e}HSS" (line 1)');
    expect(result.notes.join('\n')).toContain('sent to 10.0.0.1\\u{200b} (target)');
    for (const [i, profile] of result.profiles.entries())
      expect(parseProfile({ ...profile, id: `p${String(i)}` }).ok).toBe(true);
    const bad = importKnockdConfig('[a\u202e]\nsequence = 1\nbogus\n', { host: 'h' });
    expect(bad).toEqual({ ok: false, error: 'config: line 3: syntax error' });
    const quoted = importKnockdConfig('[a]\nsequence = 1\ntcpflags = s\u202eyn\n', { host: 'h' });
    expect(quoted).toEqual({
      ok: false,
      error: 'config: line 3: unrecognized flag "S\\u{202e}YN"',
    });
  });
});
