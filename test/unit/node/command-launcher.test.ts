import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  startCommandLauncher,
  startReadyShell,
  type CommandLauncher,
} from '../../../electron/node/command-launcher';

// Door commands run by ready shells: real /bin/sh processes started before the commands.

let launcher: CommandLauncher | undefined;
let dir: string | undefined;
afterEach(() => {
  launcher?.close();
  launcher = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

const tempFile = (name: string) => {
  dir ??= mkdtempSync(join(tmpdir(), 'sesame-launcher-'));
  return join(dir, name);
};

/** Ready shells as the launcher starts them, each with the time it was started. */
function recordedShells() {
  const started: { pid: number | undefined; at: number }[] = [];
  const start = () => {
    const child = startReadyShell();
    started.push({ pid: child.pid, at: performance.now() });
    return child;
  };
  return { started, start };
}

const waitUntilExited = (child: ChildProcess) =>
  new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve(undefined);
    else child.once('exit', resolve);
  });

describe('the command launcher', () => {
  it("runs commands as sh -c does: exit codes (exit N included), quoting, $$ the shell's own", async () => {
    launcher = startCommandLauncher();
    const file = tempFile('out');
    await expect(launcher.run(`echo "a b" > '${file}'; exit 0`)).resolves.toBe(0);
    expect(readFileSync(file, 'utf8')).toBe('a b\n');
    await expect(launcher.run('exit 3')).resolves.toBe(3);
    await expect(launcher.run('false')).resolves.toBe(1);
    await expect(launcher.run('/nonexistent/command')).resolves.toBe(127);
    // The variable that carried the line is gone; $$ is the shell that runs the command, as with
    // sh -c (its parent is this process, which started it).
    const pids = tempFile('pids');
    await launcher.run(
      `echo "[\${sesame_command-unset}] $(sed -n 's/^PPid:[[:space:]]*//p' /proc/$$/status)" > '${pids}'`,
    );
    expect(readFileSync(pids, 'utf8')).toBe(`[unset] ${process.pid}\n`);
  });

  it('runs each command in a shell started before the command was asked for', async () => {
    const shells = recordedShells();
    launcher = startCommandLauncher(shells.start);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const file = tempFile('pid');
    for (let i = 0; i < 3; i += 1) {
      const asked = performance.now();
      await launcher.run(`echo $$ > '${file}'`);
      const pid = Number(readFileSync(file, 'utf8'));
      const shell = shells.started.find((s) => s.pid === pid);
      expect(shell, `command ${i} ran in a shell the launcher started`).toBeDefined();
      expect(shell?.at).toBeLessThan(asked);
      // The next command finds its shell ready too.
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(new Set(shells.started.map((s) => s.pid)).size).toBe(shells.started.length);
  });

  it('runs commands side by side, each settling with its own code, more of them than ready shells', async () => {
    const running = startCommandLauncher();
    launcher = running;
    const order: number[] = [];
    await Promise.all(
      ['sleep 0.4; exit 5', 'sleep 0.2; exit 6', 'exit 7'].map((command) =>
        running.run(command).then((code) => order.push(code ?? -1)),
      ),
    );
    expect(order).toEqual([7, 6, 5]);
  });

  it('gives the command an ended stdin, never the lines of other commands', async () => {
    launcher = startCommandLauncher();
    const file = tempFile('stdin');
    await expect(launcher.run(`cat > '${file}'`)).resolves.toBe(0);
    await expect(launcher.run('true')).resolves.toBe(0);
    expect(readFileSync(file, 'utf8')).toBe('');
  });

  it('skips a ready shell that died, and runs a command the old way when none is left', async () => {
    const children: ChildProcess[] = [];
    const ran: string[] = [];
    launcher = startCommandLauncher(
      () => {
        const child = startReadyShell();
        children.push(child);
        return child;
      },
      (command) => {
        ran.push(command);
        return Promise.resolve(0);
      },
      2,
    );
    const [first, second] = children;
    if (!first || !second) throw new Error('two ready shells expected');
    first.kill('SIGKILL');
    await waitUntilExited(first);
    await expect(launcher.run('exit 4')).resolves.toBe(4); // in the second
    second.kill('SIGKILL');
    for (const child of children.slice(2)) child.kill('SIGKILL');
    await Promise.all(children.map(waitUntilExited));
    await expect(launcher.run('exit 9')).resolves.toBe(0); // the fallback
    expect(ran).toEqual(['exit 9']);
  });

  it('runs commands the old way when a ready shell cannot be started at all (spawn throws)', async () => {
    const ran: string[] = [];
    let tries = 0;
    launcher = startCommandLauncher(
      () => {
        tries += 1;
        throw new Error('EAGAIN');
      },
      (command) => {
        ran.push(command);
        return Promise.resolve(0);
      },
    );
    await expect(launcher.run('true')).resolves.toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 50)); // the refill after the command
    expect(ran).toEqual(['true']);
    expect(tries).toBe(2); // one at start, one at the refill: no retrying in a loop
  });

  it('runs a command with a line break, and every command after close, the old way', async () => {
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

  it('lets ready shells go quietly on close, having run nothing', async () => {
    const children: ChildProcess[] = [];
    launcher = startCommandLauncher(() => {
      const child = startReadyShell();
      children.push(child);
      return child;
    });
    launcher.close();
    const codes = await Promise.all(
      children.map(
        (child) =>
          new Promise((resolve) => {
            if (child.exitCode !== null) resolve(child.exitCode);
            else child.once('exit', (code) => resolve(code));
          }),
      ),
    );
    expect(codes).toEqual([0, 0]);
  });
});
