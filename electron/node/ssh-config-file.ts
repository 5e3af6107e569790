import fs from 'node:fs';
import path from 'node:path';
import { errorMessage, type Parsed } from '../../shared/basics';
import {
  dropHostBlock,
  findHostBlock,
  putHostBlock,
} from '../../shared/ssh-config/managed-section';
import { writeFileAtomic } from './atomic-file';

/** What an edit of an ssh_config file did: whether it changed, and where the old text went. */
export interface SshConfigEdit {
  changed: boolean;
  /** The file did not exist and was created (0600, its folder 0700 if that was missing too). */
  created: boolean;
  /** The copy of the previous text, when there was one and it changed. */
  backup?: string;
}

/** ssh's own config file in a home folder: `~/.ssh/config`. */
export function userSshConfigPath(home: string): string {
  return path.join(home, '.ssh', 'config');
}

/** The copy of the file as it was before Sesame's last change: `<file>.sesame-backup`. */
export function sshConfigBackupPath(file: string): string {
  return `${file}.sesame-backup`;
}

function readIfPresent(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * Reads an ssh_config file (missing is empty), lets `edit` make the new text, and writes it only
 * when it differs: the old text is first copied to `<file>.sesame-backup` (0600), then the new text
 * replaces the file atomically with the file's own mode and owner. A symlinked file (dotfile
 * managers) is written through the link. Failures (no permission, a folder in the way) are values.
 */
export function editSshConfig(
  file: string,
  edit: (text: string) => Parsed<string>,
): Parsed<SshConfigEdit> {
  try {
    const before = readIfPresent(file);
    const after = edit(before ?? '');
    if (!after.ok) return after;
    if (before !== undefined && after.value === before)
      return { ok: true, value: { changed: false, created: false } };
    if (before === undefined) {
      const folder = path.dirname(file);
      if (!fs.existsSync(folder)) fs.mkdirSync(folder, { recursive: true, mode: 0o700 });
      writeFileAtomic(file, after.value, { mode: 0o600 });
      return { ok: true, value: { changed: true, created: true } };
    }
    const target = fs.realpathSync(file);
    const stat = fs.statSync(target);
    // `sudo sesame ssh-config add` must not leave the user a file ssh refuses as root's.
    const owner =
      process.getuid?.() === 0 && stat.uid !== 0 ? { uid: stat.uid, gid: stat.gid } : undefined;
    const backup = sshConfigBackupPath(file);
    writeFileAtomic(backup, before, { mode: 0o600, owner });
    writeFileAtomic(target, after.value, { mode: stat.mode & 0o7777, owner });
    return { ok: true, value: { changed: true, created: false, backup } };
  } catch (error) {
    return { ok: false, error: `${file}: ${errorMessage(error)}` };
  }
}

/** Puts a Host block (its first line `Host ALIAS`) in Sesame's section of `file`. */
export function addHostBlock(
  file: string,
  alias: string,
  lines: readonly string[],
): Parsed<SshConfigEdit> {
  return editSshConfig(file, (text) => putHostBlock(text, alias, lines, file));
}

/** Takes the Host block of `alias` out of Sesame's section of `file` (`changed` says if one was). */
export function removeHostBlock(file: string, alias: string): Parsed<SshConfigEdit> {
  return editSshConfig(file, (text) => {
    const dropped = dropHostBlock(text, alias, file);
    return dropped.ok ? { ok: true, value: dropped.value.text } : dropped;
  });
}

/** The block of `alias` in Sesame's section of `file` now (undefined: none, or no file). */
export function readHostBlock(file: string, alias: string): Parsed<string[] | undefined> {
  try {
    const text = readIfPresent(file);
    return text === undefined ? { ok: true, value: undefined } : findHostBlock(text, alias, file);
  } catch (error) {
    return { ok: false, error: `${file}: ${errorMessage(error)}` };
  }
}
