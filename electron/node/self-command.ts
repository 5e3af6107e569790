import fs from 'node:fs';
import path from 'node:path';

/** What the running `sesame` is, as the process says; tests pass their own. */
export interface SelfProcess {
  execPath: string;
  argv: readonly string[];
  /** True inside the app binary (`Sesame --cli ...`, process.versions.electron is set). */
  inApp: boolean;
  /** The AppImage file the app was started from (its binary lives in a temporary mount). */
  appImage: string | undefined;
  realpath: (file: string) => string;
  /**
   * The app folder Electron was started with in development (`app.getAppPath()` when not
   * packaged): the window's process has no `--cli` in its argv to find it by.
   */
  appFolder?: string | undefined;
}

/** What this process says about itself; the window passes its app folder in development. */
export function currentProcess(appFolder?: string): SelfProcess {
  const versions: Record<string, string | undefined> = process.versions;
  return {
    execPath: process.execPath,
    argv: process.argv,
    inApp: versions.electron !== undefined,
    appImage: process.env.APPIMAGE,
    realpath: (file) => fs.realpathSync(file),
    appFolder,
  };
}

/**
 * The argv prefix that runs this very `sesame` again from anywhere, by absolute path: what an ssh
 * config's ProxyCommand names, so it works whatever PATH ssh runs it with. Plain Node: node and the
 * script (symlinks resolved, as `npm link` makes one). The app: its binary with `--cli` (what the
 * build/bin wrappers run; naming the binary skips their shell hop), the AppImage file rather than
 * its temporary mount, and in development the app folder (that precedes `--cli`, or that the window
 * was started with).
 */
export function sesameCommand(self: SelfProcess = currentProcess()): string[] {
  if (self.inApp) {
    if (self.appImage) return [self.appImage, '--cli'];
    const at = self.argv.indexOf('--cli');
    if (at < 0) return [self.execPath, ...(self.appFolder ? [self.appFolder] : []), '--cli'];
    const between = at > 1 ? self.argv.slice(1, at) : [];
    return [
      self.execPath,
      ...between.map((arg) => (arg.startsWith('-') ? arg : path.resolve(arg))),
      '--cli',
    ];
  }
  const script = self.argv[1];
  return script === undefined ? [self.execPath] : [self.execPath, self.realpath(script)];
}
