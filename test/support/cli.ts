// Builds the `sesame` CLI (and small helper scripts) for root-only tests, which run them inside a
// namespace (`ip netns exec ... node sesame.js`) without depending on an earlier `npm run build`.
import { execFile } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { bundleForNode } from '../../scripts/bundle.mjs';

const run = promisify(execFile);
let built: Promise<string> | undefined;

/** Removes builds left by test processes that were killed before their exit handler ran. */
function sweepStaleBuilds(out: string): void {
  for (const name of readdirSync(out)) {
    const pid = /^\.test-[a-z-]+?-(\d+)-/.exec(name)?.[1];
    if (pid === undefined || alive(Number(pid))) continue;
    rmSync(join(out, name), { recursive: true, force: true });
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * A fresh folder under out/ (so bundles there resolve packages from node_modules), readable by the
 * unprivileged user some tests run as, removed when this process exits (or by a later sweep).
 */
export function testOutDir(name: string): string {
  const out = join(process.cwd(), 'out');
  mkdirSync(out, { recursive: true });
  sweepStaleBuilds(out);
  const dir = mkdtempSync(join(out, `.test-${name}-${process.pid}-`));
  chmodSync(dir, 0o755);
  process.once('exit', () => {
    rmSync(dir, { recursive: true, force: true });
  });
  return dir;
}

/** Bundles a small TypeScript program (test senders, players) for plain Node; returns its path. */
export async function bundleScript(name: string, contents: string): Promise<string> {
  const outfile = join(testOutDir(name), `${name}.mjs`);
  await bundleForNode({ stdin: { contents, resolveDir: process.cwd(), loader: 'ts' }, outfile });
  return outfile;
}

/** Path of a freshly built CLI under out/ (so its packages resolve); removed when the process exits. */
export function buildCli(): Promise<string> {
  built ??= (async () => {
    const outfile = join(testOutDir('cli'), 'sesame.js');
    await run(process.execPath, ['scripts/build-cli.mjs', outfile]);
    return outfile;
  })();
  return built;
}

/** `sesame server` as a door-server program for `bed.startKnockd(config, { program })`. */
export async function sesameServer(): Promise<{
  argv: string[];
  readyLine: (ifname: string) => string;
}> {
  const cli = await buildCli();
  return {
    argv: [process.execPath, cli, 'server'],
    readyLine: (ifname) => `starting up, listening on ${ifname}`,
  };
}
