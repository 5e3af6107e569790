import { ipcFailure, type IpcResult, type SshConfigView } from '../../shared/ipc/contract';
import type { Profile } from '../../shared/profile/profile';
import { hostBlock, proxyFlavour } from '../../shared/ssh-config/host-block';
import {
  addHostBlock,
  readHostBlock,
  removeHostBlock,
  type SshConfigEdit,
} from '../node/ssh-config-file';

/** Where the service finds profiles, the ssh config and the `sesame` its ProxyCommand runs. */
export interface SshConfigServiceDeps {
  findProfile: (id: string) => IpcResult<Profile>;
  /** The ssh config file to edit (the user's ~/.ssh/config). */
  file: () => string;
  /** The argv prefix that runs this very sesame by absolute path (self-command.ts). */
  sesame: () => readonly string[];
  platform: string;
}

function backupNote(edit: SshConfigEdit): string {
  return edit.backup ? ` (the previous file is ${edit.backup})` : '';
}

/**
 * "Use with ssh, scp and git" in the profile editor: the same Host block as `sesame ssh-config`
 * writes, shown, added and removed for one profile. Failures (a name that is no alias, a file that
 * cannot be read or written) are values naming the file and what to do.
 */
export class SshConfigService {
  constructor(private readonly deps: SshConfigServiceDeps) {}

  view(id: string): IpcResult<SshConfigView> {
    const found = this.deps.findProfile(id);
    return found.ok ? { ok: true, value: this.describe(found.value) } : found;
  }

  add(id: string): IpcResult<SshConfigView> {
    const found = this.deps.findProfile(id);
    if (!found.ok) return found;
    const view = this.describe(found.value);
    if (!view.block.ok) return ipcFailure('invalid', `${found.value.name}: ${view.block.error}`);
    const edited = addHostBlock(view.file, view.alias, view.block.lines);
    if (!edited.ok) return ipcFailure('io', edited.error);
    const done = edited.value.changed
      ? `Wrote Host ${view.alias} to ${view.file}${edited.value.created ? ' (a new file)' : backupNote(edited.value)}.`
      : `${view.file} already has this block; nothing changed.`;
    return { ok: true, value: { ...this.describe(found.value), done } };
  }

  remove(id: string): IpcResult<SshConfigView> {
    const found = this.deps.findProfile(id);
    if (!found.ok) return found;
    const file = this.deps.file();
    const edited = removeHostBlock(file, found.value.name);
    if (!edited.ok) return ipcFailure('io', edited.error);
    const done = edited.value.changed
      ? `Removed Host ${found.value.name} from ${file}${backupNote(edited.value)}.`
      : `${file} has no Sesame block for ${found.value.name}; nothing changed.`;
    return { ok: true, value: { ...this.describe(found.value), done } };
  }

  private describe(profile: Profile): SshConfigView {
    const file = this.deps.file();
    const made = hostBlock(profile, this.deps.sesame(), proxyFlavour(this.deps.platform));
    const block = made.ok
      ? { ok: true as const, lines: made.value }
      : { ok: false as const, error: made.error };
    const now = readHostBlock(file, profile.name);
    const state = !now.ok || now.value === undefined ? 'absent' : sameLines(now.value, block);
    return {
      alias: profile.name,
      file,
      block,
      state,
      ...(now.ok ? {} : { problem: now.error }),
    };
  }
}

function sameLines(
  written: readonly string[],
  block: SshConfigView['block'],
): 'current' | 'outdated' {
  return block.ok && written.join('\n') === block.lines.join('\n') ? 'current' : 'outdated';
}
