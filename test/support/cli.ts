// Builds the `sesame` CLI once per test file, so root-only tests can run it inside a namespace
// (`ip netns exec ... node sesame.js`) without depending on an earlier `npm run build`.
import { execFile } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
let built: Promise<string> | undefined;

/** Path of a freshly built CLI under out/ (so its packages resolve); removed when the process exits. */
export function buildCli(): Promise<string> {
  built ??= (async () => {
    mkdirSync(join(process.cwd(), 'out'), { recursive: true });
    const dir = mkdtempSync(join(process.cwd(), 'out', '.test-cli-'));
    chmodSync(dir, 0o755); // readable by the unprivileged user some tests run it as
    process.once('exit', () => {
      rmSync(dir, { recursive: true, force: true });
    });
    const outfile = join(dir, 'sesame.js');
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
