import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SshConfigService } from '../../../electron/main/ssh-config-service';
import { sshConfigBackupPath } from '../../../electron/node/ssh-config-file';
import { storedProfileSchema, type Profile } from '../../../shared/profile/profile';
import { SECTION_BEGIN } from '../../../shared/ssh-config/managed-section';

// "Use with ssh, scp and git" behind the profile editor: the same Host block as `sesame ssh-config`,
// read from, added to and removed from a real file.

let dir: string;
let file: string;
let profiles: Profile[];

function profile(name: string, port = 22): Profile {
  return storedProfileSchema.parse({
    id: `id-${name.replace(/\W/g, '_')}`,
    name,
    host: '10.77.0.1',
    open: [{ port: 7000, protocol: 'tcp' }],
    ssh: { user: 'alice', port },
  });
}

function service() {
  return new SshConfigService({
    findProfile: (id) => {
      const found = profiles.find((p) => p.id === id);
      return found
        ? { ok: true, value: found }
        : { ok: false, error: { code: 'not-found', message: `no profile with id ${id}` } };
    },
    file: () => file,
    sesame: () => ['/usr/bin/node', '/opt/sesame/out/cli/sesame.js'],
    platform: 'linux',
  });
}

function value<T>(result: { ok: true; value: T } | { ok: false; error: { message: string } }): T {
  if (!result.ok) throw new Error(result.error.message);
  return result.value;
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sesame-ssh-config-service-'));
  file = join(dir, '.ssh', 'config');
  profiles = [profile('lab')];
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('SshConfigService', () => {
  it('shows the block it would write, and that the file (missing) has none', () => {
    const view = value(service().view('id-lab'));
    expect(view).toMatchObject({ alias: 'lab', file, state: 'absent' });
    expect(view.block).toEqual({
      ok: true,
      lines: [
        'Host lab',
        '    HostName 10.77.0.1',
        '    User alice',
        '    Port 22',
        '    ProxyCommand "/usr/bin/node" "/opt/sesame/out/cli/sesame.js" proxy --profile lab %h %p',
      ],
    });
  });

  it('adds the block (a new 0600 file), then says it is current; twice changes nothing', () => {
    const added = value(service().add('id-lab'));
    expect(added).toMatchObject({
      state: 'current',
      done: `Wrote Host lab to ${file} (a new file).`,
    });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8')).toContain('    ProxyCommand "/usr/bin/node"');
    expect(value(service().add('id-lab')).done).toBe(
      `${file} already has this block; nothing changed.`,
    );
  });

  it('sees an older block after the profile changed, and updates it keeping a backup', () => {
    value(service().add('id-lab'));
    profiles = [profile('lab', 2222)];
    expect(value(service().view('id-lab')).state).toBe('outdated');
    const updated = value(service().add('id-lab'));
    expect(updated.state).toBe('current');
    expect(updated.done).toContain(`(the previous file is ${sshConfigBackupPath(file)})`);
    expect(readFileSync(file, 'utf8')).toContain('    Port 2222');
    expect(readFileSync(sshConfigBackupPath(file), 'utf8')).toContain('    Port 22\n');
  });

  it("removes the block and gives back the user's file as it was", () => {
    value(service().add('id-lab'));
    const user = 'Host other\n    User bob\n';
    writeFileSync(file, readFileSync(file, 'utf8') + user);
    const removed = value(service().remove('id-lab'));
    expect(removed).toMatchObject({ state: 'absent' });
    expect(removed.done).toMatch(/^Removed Host lab from /);
    expect(readFileSync(file, 'utf8')).toBe(user);
    expect(value(service().remove('id-lab')).done).toBe(
      `${file} has no Sesame block for lab; nothing changed.`,
    );
  });

  it('refuses a name that is no ssh alias, saying what to rename', () => {
    profiles = [profile('my lab')];
    const view = value(service().view('id-my_lab'));
    expect(view.block).toMatchObject({
      ok: false,
      error: expect.stringMatching(/cannot be an ssh alias/) as unknown,
    });
    expect(service().add('id-my_lab')).toMatchObject({ ok: false, error: { code: 'invalid' } });
  });

  it("refuses an alias the user's own lines define, naming the file and line", () => {
    value(service().add('id-lab'));
    writeFileSync(file, 'Host lab\n    User me\n');
    const added = service().add('id-lab');
    expect(added).toMatchObject({
      ok: false,
      error: {
        code: 'io',
        message: `${file}:1: Host lab is already defined there, outside Sesame's section; rename that entry or the profile`,
      },
    });
    expect(readFileSync(file, 'utf8')).toBe('Host lab\n    User me\n');
  });

  it('reports a file it cannot read as a problem, and a broken section by line', () => {
    value(service().add('id-lab'));
    writeFileSync(file, `# mine\n${SECTION_BEGIN}\nHost lab\n`);
    expect(value(service().view('id-lab'))).toMatchObject({
      state: 'absent',
      problem: expect.stringMatching(new RegExp(`^${file}:2: .*no end line`)) as unknown,
    });
    if (process.getuid?.() !== 0) {
      chmodSync(file, 0);
      expect(value(service().view('id-lab')).problem).toMatch(/EACCES/);
    }
  });

  it('answers not-found for a profile that is gone', () => {
    expect(service().view('id-nope')).toMatchObject({ ok: false, error: { code: 'not-found' } });
  });
});
