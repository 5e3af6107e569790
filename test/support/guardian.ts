import { spawn as spawnProcess, type ChildProcess, type StdioOptions } from 'node:child_process';
import { Socket } from 'node:net';
import { childEnv, requireCommand } from './processes';

/**
 * Runs detached from the runner. When the runner dies without saying `release` (even by SIGKILL,
 * which is how vitest's watchdog stops workers when the main process dies), the kernel closes
 * the pipe; the guardian then kills what runs in the namespaces, deletes them and the temp dirs.
 */
const GUARDIAN_SCRIPT = `
const { execFileSync } = require('node:child_process');
const { rmSync } = require('node:fs');
const [ip, ...namespaces] = process.argv.slice(1);
const dirs = [];
let pending = '';
let released = false;
let done = false;
function cleanUp() {
  if (done || released) return;
  done = true;
  for (const ns of namespaces) {
    try {
      const pids = execFileSync(ip, ['netns', 'pids', ns], { encoding: 'utf8' });
      for (const pid of pids.split(/\\s+/).filter(Boolean)) {
        try { process.kill(Number(pid), 'SIGKILL'); } catch {}
      }
      execFileSync(ip, ['netns', 'del', ns], { stdio: 'ignore' });
    } catch {}
  }
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
}
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => {
  const lines = (pending + chunk).split('\\n');
  pending = lines.pop();
  for (const line of lines) {
    if (line === 'release') released = true;
    else if (line.startsWith('dir ')) dirs.push(line.slice(4));
  }
});
process.stdin.on('end', cleanUp);
process.stdin.on('error', cleanUp);
`;

/** Starts the guardian for a bed's namespaces; it must not keep the runner alive. */
export function startGuardian(namespaces: string[]): ChildProcess {
  const argv = ['-e', GUARDIAN_SCRIPT, requireCommand('ip'), ...namespaces];
  const stdio: StdioOptions = ['pipe', 'ignore', 'ignore'];
  const guardian = spawnProcess(process.execPath, argv, { detached: true, stdio, env: childEnv() });
  guardian.on('error', () => undefined);
  guardian.stdin?.on('error', () => undefined);
  guardian.unref();
  if (guardian.stdin instanceof Socket) guardian.stdin.unref();
  return guardian;
}

/** Tells the guardian about a temp dir of the bed, so it removes that too if the runner dies. */
export function guardDir(guardian: ChildProcess | undefined, dir: string): void {
  guardian?.stdin?.write(`dir ${dir}\n`);
}

/** Tells the guardian the bed was torn down properly, so it exits without doing anything. */
export function releaseGuardian(guardian: ChildProcess | undefined): void {
  guardian?.stdin?.end('release\n');
}
