import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { editSshConfig, sshConfigBackupPath } from '../../../electron/node/ssh-config-file';

// Editing an ssh config on disk: the file's mode kept, a backup before each change, nothing written
// when nothing changes, a missing file created 0600 in a 0700 folder, symlinks written through.

let dir: string;
const mode = (file: string) => statSync(file).mode & 0o777;
const append = (line: string) => (text: string) => ({ ok: true as const, value: text + line });

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sesame-ssh-config-file-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('editSshConfig', () => {
  it("keeps the file's mode and copies the previous text to config.sesame-backup (0600)", () => {
    const file = join(dir, 'config');
    writeFileSync(file, 'Host a\n');
    chmodSync(file, 0o640);
    expect(editSshConfig(file, append('Host b\n'))).toEqual({
      ok: true,
      value: { changed: true, created: false, backup: sshConfigBackupPath(file) },
    });
    expect(readFileSync(file, 'utf8')).toBe('Host a\nHost b\n');
    expect(mode(file)).toBe(0o640);
    expect(readFileSync(`${file}.sesame-backup`, 'utf8')).toBe('Host a\n');
    expect(mode(`${file}.sesame-backup`)).toBe(0o600);
    editSshConfig(file, append('Host c\n'));
    expect(readFileSync(`${file}.sesame-backup`, 'utf8')).toBe('Host a\nHost b\n');
  });

  it('writes nothing, and makes no backup, when the text does not change', () => {
    const file = join(dir, 'config');
    writeFileSync(file, 'Host a\n');
    const before = statSync(file).mtimeMs;
    expect(editSshConfig(file, (text) => ({ ok: true, value: text }))).toEqual({
      ok: true,
      value: { changed: false, created: false },
    });
    expect(statSync(file).mtimeMs).toBe(before);
    expect(existsSync(`${file}.sesame-backup`)).toBe(false);
  });

  it('creates a missing file 0600 and its missing folder 0700', () => {
    const file = join(dir, 'home', '.ssh', 'config');
    expect(editSshConfig(file, append('Host a\n'))).toEqual({
      ok: true,
      value: { changed: true, created: true },
    });
    expect(readFileSync(file, 'utf8')).toBe('Host a\n');
    expect(mode(file)).toBe(0o600);
    expect(mode(join(dir, 'home', '.ssh'))).toBe(0o700);
  });

  it('leaves an existing folder mode alone', () => {
    mkdirSync(join(dir, 'ssh'), { mode: 0o755 });
    editSshConfig(join(dir, 'ssh', 'config'), append('x\n'));
    expect(mode(join(dir, 'ssh'))).toBe(0o755);
  });

  it('writes through a symlink (a dotfiles checkout) and keeps the link', () => {
    mkdirSync(join(dir, 'dotfiles'));
    const real = join(dir, 'dotfiles', 'ssh_config');
    writeFileSync(real, 'Host a\n', { mode: 0o644 });
    const link = join(dir, 'config');
    symlinkSync(real, link);
    expect(editSshConfig(link, append('Host b\n')).ok).toBe(true);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readFileSync(real, 'utf8')).toBe('Host a\nHost b\n');
    expect(mode(real)).toBe(0o644);
    expect(readFileSync(`${link}.sesame-backup`, 'utf8')).toBe('Host a\n');
  });

  it("returns the edit's refusal and touches nothing", () => {
    const file = join(dir, 'config');
    writeFileSync(file, 'Host a\n');
    expect(editSshConfig(file, () => ({ ok: false, error: 'no' }))).toEqual({
      ok: false,
      error: 'no',
    });
    expect(existsSync(`${file}.sesame-backup`)).toBe(false);
  });

  it('turns a file system failure into a value naming the file', () => {
    const folder = join(dir, 'a-folder');
    mkdirSync(folder);
    const edited = editSshConfig(folder, append('x'));
    expect(edited.ok).toBe(false);
    if (!edited.ok) expect(edited.error).toMatch(new RegExp(`^${folder}: .*EISDIR`));
  });
});
