import { homedir } from 'node:os';
import path from 'node:path';
import { hostBlock, proxyFlavour } from '../../shared/ssh-config/host-block';
import type { Parsed } from '../../shared/basics';
import { addHostBlock, removeHostBlock, userSshConfigPath } from '../node/ssh-config-file';
import { parseCommandArgs } from './args';
import { UsageError, type CliIo } from './io';
import type { ProfileLookup } from './knock';
import { sesameCommand } from '../node/self-command';

/** The help text of `sesame ssh-config`. */
export const sshConfigUsage = `Usage: sesame ssh-config add NAME [--file PATH]
       sesame ssh-config remove NAME [--file PATH]
       sesame ssh-config show NAME

Writes a Host block for profile NAME into ssh's config, so that plain ssh, scp, sftp and git knock
first: "ssh NAME" runs "sesame proxy" as its ProxyCommand, which knocks, waits for the port, relays
the connection to the knocked address and closes the door after the session if the profile has a
close sequence.
  add      write the block (HostName, User, Port, IdentityFile, ProxyCommand naming this sesame by
           absolute path) into Sesame's section of the file; run it again after changing the
           profile or moving sesame (the same block twice leaves the file as it is)
  remove   take the block out (the section goes with its last block)
  show     print the block that add would write
  --file PATH   the ssh config to edit (default ~/.ssh/config, created 0600 in a 0700 folder)
Sesame's section is at the top of the file, since ssh keeps the first value it reads for each
option. Lines outside it are never changed; a Host line outside it that lists NAME is refused. The
previous file is copied to PATH.sesame-backup before each change.
Exit: 0 done (or nothing to change), 1 bad usage or error.
`;

/** Where ssh-config looks: the home folder, the command that runs this sesame, the platform. */
export interface SshConfigDeps {
  home: () => string;
  sesame: () => string[];
  platform: NodeJS.Platform;
}

const realDeps: SshConfigDeps = {
  home: homedir,
  sesame: sesameCommand,
  platform: process.platform,
};

/** `sesame ssh-config add|remove|show NAME`: Sesame's Host blocks in an ssh config. */
export function sshConfigCommand(findProfile: ProfileLookup, deps: Partial<SshConfigDeps> = {}) {
  const { home, sesame, platform } = { ...realDeps, ...deps };

  async function block(name: string): Promise<Parsed<{ alias: string; lines: string[] }>> {
    const found = await findProfile(name);
    if (!found.ok) return found;
    const lines = hostBlock(found.profile, sesame(), proxyFlavour(platform));
    if (!lines.ok) return { ok: false, error: `${found.profile.name}: ${lines.error}` };
    return { ok: true, value: { alias: found.profile.name, lines: lines.value } };
  }

  return async (args: readonly string[], io: CliIo): Promise<number> => {
    const { values, positionals } = parseCommandArgs('ssh-config', args, {
      file: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    });
    if (values.help) {
      io.out(sshConfigUsage);
      return 0;
    }
    const [action, name, ...extra] = positionals;
    if (action === undefined) throw new UsageError('ssh-config: expected add, remove or show');
    if (!['add', 'remove', 'show'].includes(action))
      throw new UsageError(`ssh-config: unknown action '${action}' (add, remove or show)`);
    if (name === undefined || extra.length > 0)
      throw new UsageError(`ssh-config ${action}: expected exactly one profile NAME`);
    if (action === 'show' && values.file !== undefined)
      throw new UsageError('ssh-config show: --file is for add and remove');
    const file = path.resolve(values.file ?? userSshConfigPath(home()));
    const fail = (error: string) => {
      io.err(`sesame: ${error}\n`);
      return 1;
    };

    if (action === 'remove') {
      const edited = removeHostBlock(file, name);
      if (!edited.ok) return fail(edited.error);
      // Only taking a block out changes the text.
      io.out(
        edited.value.changed
          ? `${name}: removed its Host block from ${file}${backupNote(edited.value.backup)}\n`
          : `${name}: ${file} has no Sesame Host block for it; nothing changed\n`,
      );
      return 0;
    }

    const made = await block(name);
    if (!made.ok) return fail(made.error);
    if (action === 'show') {
      io.out(`${made.value.lines.join('\n')}\n`);
      return 0;
    }
    const { alias: host, lines } = made.value;
    const edited = addHostBlock(file, host, lines);
    if (!edited.ok) return fail(edited.error);
    if (!edited.value.changed) io.out(`${host}: ${file} already has this block; nothing changed\n`);
    else
      io.out(
        `${host}: wrote Host ${host} to ${file}${edited.value.created ? ' (new file)' : backupNote(edited.value.backup)}\n`,
      );
    return 0;
  };
}

function backupNote(backup: string | undefined): string {
  return backup ? ` (the previous file is ${backup})` : '';
}
