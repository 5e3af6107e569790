/** How the app binary was started: the window, or headless as the CLI or the server. */
export type EntryMode = { kind: 'window' } | { kind: 'cli'; args: string[] };

/**
 * Reads the app's own command line. `--server ...` runs `sesame server ...` and `--cli ...` runs any
 * `sesame` command, both without a window (the packaged app has RunAsNode off, so this is how its
 * users get the CLI). Everything after the flag belongs to the command; what comes before it is
 * Electron's (the binary, and in development the app path and Chromium switches).
 */
export function entryMode(argv: readonly string[]): EntryMode {
  const at = argv.findIndex((a) => a === '--server' || a === '--cli');
  if (at < 0) return { kind: 'window' };
  const rest = argv.slice(at + 1);
  return { kind: 'cli', args: argv[at] === '--server' ? ['server', ...rest] : rest };
}
