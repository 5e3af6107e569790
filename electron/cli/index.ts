import { keepServerHeapSmall } from '../node/server-heap';
import { processIo, runCommand } from './io';

// The `sesame` executable: plain Node, never loads `electron`. The bundle is split (see
// scripts/build-cli.mjs) so that `sesame server`, which runs for months, loads the server's modules
// only: the other commands' (zod among them) would hold about 20 MB of memory it never uses.
const argv = process.argv.slice(2);
const [name, ...rest] = argv;
// The server also keeps V8's heap small (electron/node/server-heap.ts). Here, not in
// serverCommand, so the desktop app's headless server (Electron's V8) is left as it was.
const exitCode =
  name === 'server'
    ? import('./server').then(({ serverCommand }) => {
        keepServerHeapSmall();
        return runCommand(serverCommand, rest, processIo);
      })
    : import('./main').then(({ runCli }) => runCli(argv, processIo));
exitCode.then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(
      `sesame: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exitCode = 70;
  },
);
