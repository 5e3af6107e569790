import {
  closeSync,
  constants,
  linkSync,
  lstatSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { errorMessage, type Parsed } from '../../shared/basics';

/** A pid file this process holds; `release` removes it if it still names this process. */
export interface PidFile {
  release(): void;
}

/** Who is asking and how to tell a live process; tests pass fakes. */
export interface PidFileOptions {
  pid?: number;
  isAlive?: (pid: number) => boolean;
}

/** Whether a process exists (EPERM: it does, under another user). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as { code?: string }).code === 'EPERM';
  }
}

const code = (error: unknown) => (error as { code?: string }).code;

/** Reads a file without following a symlink; undefined when it is gone. */
function readNoFollow(path: string): string | undefined {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (error) {
    if (code(error) === 'ENOENT') return undefined;
    throw error;
  }
  try {
    return readFileSync(fd, 'utf8');
  } finally {
    closeSync(fd);
  }
}

/** Writes `text` to a new file that must not exist yet (O_EXCL never follows a symlink). */
function writeNew(path: string, text: string): void {
  const fd = openSync(
    path,
    constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW,
    0o644,
  );
  try {
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
}

/**
 * Moves a stale pid file aside, if it still holds what was read from it. The rename is atomic, so
 * of two servers taking over the same stale file at once, the second one moves the first one's
 * fresh file, sees that it is not the stale one, and puts it back (then refuses to start).
 */
function removeStale(path: string, stale: string, pid: number): boolean {
  const aside = `${path}.stale.${pid}`;
  try {
    renameSync(path, aside);
  } catch (error) {
    if (code(error) === 'ENOENT') return true;
    throw error;
  }
  let moved: string | undefined;
  try {
    moved = readNoFollow(aside);
  } catch {
    moved = undefined;
  }
  if (moved !== stale) {
    try {
      linkSync(aside, path);
    } catch {
      // Someone else made a new one meanwhile: theirs stays.
    }
  }
  rmSync(aside, { force: true });
  return moved === stale;
}

/**
 * Takes the pid file: a complete file holding `PID\n` is linked into place, which fails if anything
 * is at the path (a file, a symlink: none is ever followed, so root never writes through a link an
 * attacker planted). A file naming a live process other than this one means another server runs:
 * refused. A file naming a dead process (or holding no pid) is stale and taken over. The file is
 * the lock: Node has no flock, and the check of the pid inside replaces it.
 */
export function takePidFile(path: string, options: PidFileOptions = {}): Parsed<PidFile> {
  const pid = options.pid ?? process.pid;
  const isAlive = options.isAlive ?? processAlive;
  const mine = `${pid}\n`;
  const temp = `${path}.${pid}.new`;
  const link = () => {
    try {
      linkSync(temp, path);
      return true;
    } catch (error) {
      if (code(error) === 'EEXIST') return false;
      throw error;
    }
  };
  try {
    rmSync(temp, { force: true });
    writeNew(temp, mine);
    try {
      if (!link()) {
        if (lstatSync(path).isSymbolicLink()) {
          return {
            ok: false,
            error: `pid file ${path} is a symbolic link: refusing to follow it (remove it if it is not yours)`,
          };
        }
        const held = readNoFollow(path) ?? '';
        const other = Number(/^(\d+)\n?$/.exec(held)?.[1] ?? Number.NaN);
        // kill(0) and kill(-1) reach process groups: only a positive pid can name a server.
        if (other > 0 && other !== pid && isAlive(other)) {
          return {
            ok: false,
            error: `another sesame server is running (pid ${other}, pid file ${path})`,
          };
        }
        if (!removeStale(path, held, pid) || !link()) {
          return {
            ok: false,
            error: `another sesame server took the pid file ${path} while this one started`,
          };
        }
      }
    } finally {
      rmSync(temp, { force: true });
    }
  } catch (error) {
    return { ok: false, error: `cannot write pid file ${path}: ${errorMessage(error)}` };
  }
  return {
    ok: true,
    value: {
      release: () => {
        try {
          if (readNoFollow(path) === mine) rmSync(path, { force: true });
        } catch {
          // Not ours any more, or unreadable: leave it.
        }
      },
    },
  };
}
