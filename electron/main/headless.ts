import type { App } from 'electron';
import { processIo } from '../cli/io';
import { runCli } from '../cli/main';
import { useCliSealing, type CliSealing } from '../cli/profile-lookup';

/**
 * Runs a `sesame` command inside the app binary, with no window, no tray and no single-instance
 * lock, then exits with the command's code. The one file of electron/main that may import the CLI
 * (the lint config allows exactly this file): `Sesame --server -c /etc/knockd.conf` and
 * `Sesame --cli knock ...` are the packaged app's CLI, since its RunAsNode fuse is off.
 */
export async function runHeadless(
  app: Pick<App, 'exit' | 'whenReady'>,
  args: string[],
  sealing: () => CliSealing | undefined,
) {
  let code: number;
  try {
    // safeStorage (for encrypted profiles) is usable only once the app is ready.
    await app.whenReady();
    useCliSealing(sealing());
    code = await runCli(args, processIo);
  } catch (error) {
    process.stderr.write(
      `sesame: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    code = 70;
  }
  app.exit(code);
}
