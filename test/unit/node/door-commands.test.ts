import { describe, expect, it } from 'vitest';
import { fillCommand, runDoorCommands, runShell } from '../../../electron/node/door-commands';

describe('fillCommand', () => {
  it('replaces every %IP% and nothing else', () => {
    expect(
      fillCommand('iptables -I INPUT -s %IP% -j ACCEPT; echo %IP% %ip% $HOME', '198.18.0.2'),
    ).toBe('iptables -I INPUT -s 198.18.0.2 -j ACCEPT; echo 198.18.0.2 %ip% $HOME');
    expect(fillCommand('echo %IP%', 'fd53:5e5a::2')).toBe('echo fd53:5e5a::2');
  });

  it('refuses an address that is not one', () => {
    expect(() => fillCommand('echo %IP%', '1.2.3.4; reboot')).toThrow('refusing');
  });
});

describe('runDoorCommands', () => {
  it('logs and runs start, then after cmd_timeout the stop command, in knockd words', async () => {
    const lines: string[] = [];
    const ran: string[] = [];
    const { done } = runDoorCommands(
      {
        door: 'openSSH',
        source: '198.18.0.2',
        start: 'open %IP%',
        stop: 'close %IP%',
        cmdTimeoutMs: 20,
      },
      { log: (m) => lines.push(m) },
      (command) => {
        ran.push(command);
        return Promise.resolve(command.startsWith('close') ? 3 : 0);
      },
    );
    await done;
    expect(ran).toEqual(['open 198.18.0.2', 'close 198.18.0.2']);
    expect(lines).toEqual([
      'openSSH: running command: open 198.18.0.2',
      '198.18.0.2: openSSH: command timeout',
      'openSSH: running command: close 198.18.0.2',
      'openSSH: command returned non-zero status code (3)',
    ]);
  });

  it('runs the stop command at once when asked (shutdown)', async () => {
    const ran: string[] = [];
    const { done, runStopNow } = runDoorCommands(
      { door: 'd', source: '198.18.0.2', start: 'open', stop: 'close', cmdTimeoutMs: 3_600_000 },
      { log: () => undefined },
      (command) => {
        ran.push(command);
        return Promise.resolve(0);
      },
    );
    await new Promise((r) => setTimeout(r, 10));
    runStopNow();
    await done;
    expect(ran).toEqual(['open', 'close']);
  });

  it('runs the stop command as soon as a start command still running at shutdown ends', async () => {
    const ran: string[] = [];
    let endStart: (code: number) => void = () => undefined;
    const timers = {
      setTimeout: (() => 0) as unknown as typeof setTimeout, // never fires: only runStopNow ends the wait
      clearTimeout: () => undefined,
    };
    const { done, runStopNow } = runDoorCommands(
      { door: 'd', source: '198.18.0.2', start: 'open', stop: 'close', cmdTimeoutMs: 3_600_000 },
      { log: () => undefined },
      (command) => {
        ran.push(command);
        return command === 'open'
          ? new Promise((resolve) => (endStart = resolve))
          : Promise.resolve(0);
      },
      timers,
    );
    await new Promise((r) => setTimeout(r, 5));
    runStopNow();
    expect(ran).toEqual(['open']);
    endStart(0);
    await new Promise((r) => setTimeout(r, 5));
    expect(ran).toEqual(['open', 'close']);
    await done;
  });

  it('logs a command that cannot be started as a failed one, and still runs the stop command', async () => {
    const lines: string[] = [];
    const ran: string[] = [];
    const { done } = runDoorCommands(
      { door: 'd', source: '198.18.0.2', start: 'open', stop: 'close', cmdTimeoutMs: 0 },
      { log: (m) => lines.push(m) },
      (command) => {
        ran.push(command);
        if (command === 'open') return Promise.reject(new Error('spawn /bin/sh EAGAIN'));
        return Promise.resolve(0);
      },
    );
    await expect(done).resolves.toBeUndefined();
    expect(ran).toEqual(['open', 'close']);
    expect(lines).toEqual([
      'd: running command: open',
      'd: cannot start command: spawn /bin/sh EAGAIN',
      'd: command returned non-zero status code (127)',
      '198.18.0.2: d: command timeout',
      'd: running command: close',
    ]);
  });

  it('settles even when the shell runner throws instead of rejecting', async () => {
    const lines: string[] = [];
    const { done } = runDoorCommands(
      { door: 'd', source: '198.18.0.2', start: 'open', cmdTimeoutMs: 0 },
      { log: (m) => lines.push(m) },
      () => {
        throw new Error('boom');
      },
    );
    await expect(done).resolves.toBeUndefined();
    expect(lines.at(-1)).toBe('d: command returned non-zero status code (127)');
  });

  it('rejects a command /bin/sh cannot be given (a NUL byte) with the reason', async () => {
    await expect(runShell('echo a\0b')).rejects.toThrow(/null bytes/);
  });

  it('runs real commands through /bin/sh and reports their exit code', async () => {
    expect(await runShell('exit 0')).toBe(0);
    expect(await runShell('false')).toBe(1);
    expect(await runShell('test "$(echo a b)" = "a b" && exit 7')).toBe(7);
  });
});
