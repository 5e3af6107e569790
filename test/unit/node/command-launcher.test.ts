import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  startCommandLauncher,
  type CommandLauncher,
} from '../../../electron/node/command-launcher';

// Door commands started by the launcher, a real /bin/sh kept for that purpose.

let launcher: CommandLauncher | undefined;
let dir: string | undefined;
afterEach(() => {
  launcher?.close();
  launcher = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('the command launcher', () => {
  it('runs commands in a shell and gives back their exit codes, exit N included', async () => {
    launcher = startCommandLauncher();
    dir = mkdtempSync(join(tmpdir(), 'sesame-launcher-'));
    const file = join(dir, 'out');
    await expect(launcher.run(`echo "a b" > '${file}'; exit 0`)).resolves.toBe(0);
    expect(readFileSync(file, 'utf8')).toBe('a b\n');
    await expect(launcher.run('exit 3')).resolves.toBe(3);
    await expect(launcher.run('/nonexistent/command')).resolves.toBe(127);
  });

  it('runs commands side by side, each settling with its own code', async () => {
    launcher = startCommandLauncher();
    const slow = launcher.run('sleep 0.3; exit 5');
    const quick = launcher.run('exit 7');
    const order: number[] = [];
    await Promise.all([
      slow.then((c) => order.push(c ?? -1)),
      quick.then((c) => order.push(c ?? -1)),
    ]);
    expect(order).toEqual([7, 5]);
  });

  it('starts them from the launcher, not from this process', async () => {
    launcher = startCommandLauncher();
    dir = mkdtempSync(join(tmpdir(), 'sesame-launcher-'));
    const file = join(dir, 'parent');
    // A program the command starts reports its parent and grandparent while they run (a shell's
    // own $PPID, in a subshell, is the launcher's parent: Node).
    await launcher.run(
      `/bin/sh -c 'echo $PPID $(sed -n "s/^PPid:[[:space:]]*//p" /proc/$PPID/status)' > '${file}'`,
    );
    const [parent, grandparent] = readFileSync(file, 'utf8').trim().split(' ').map(Number);
    // The command runs in a subshell of a background subshell of the launcher, never of Node.
    expect(parent).toBeGreaterThan(0);
    expect(parent).not.toBe(process.pid);
    expect(grandparent).toBeGreaterThan(0);
    expect(grandparent).not.toBe(process.pid);
  });

  it('runs a command with a line break, and every command after the launcher died, the old way', async () => {
    const ran: string[] = [];
    launcher = startCommandLauncher(undefined, (command) => {
      ran.push(command);
      return Promise.resolve(0);
    });
    await expect(launcher.run('echo a\necho b')).resolves.toBe(0);
    launcher.close();
    await expect(launcher.run('true')).resolves.toBe(0);
    expect(ran).toEqual(['echo a\necho b', 'true']);
  });
});
