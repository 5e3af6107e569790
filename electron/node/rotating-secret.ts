import fs from 'node:fs';
import { randomBytes } from 'node:crypto';
import { errorMessage, type Parsed } from '../../shared/basics';
import { decodeBase32, encodeBase32 } from '../../shared/rotating/base32';
import { checkSecret } from '../../shared/rotating/params';

/** A secret file holds one base32 line; anything past this size is not one. */
const MAX_SECRET_FILE_BYTES = 4096;
/** Bytes in a new secret: 256 bits, SHA-256's block-sized key (the spec's minimum is 160). */
export const NEW_SECRET_BYTES = 32;

/** Who may read a secret file: its owner only, and the owner must be this process's user. */
export interface SecretFileOwner {
  /** This process's user id; undefined where there is none (Windows): no owner or mode check. */
  uid: number | undefined;
}

const thisProcess: SecretFileOwner = { uid: process.getuid?.() };

const code = (error: unknown) => (error as { code?: string }).code ?? errorMessage(error);

/**
 * Reads a rotating secret file: a regular file owned by this user and not open to group or others
 * (no bit of 077, as ssh asks of a private key), holding the base32 secret of at least 160 bits.
 * Every refusal names the file and says what to change.
 */
export function readSecretFile(
  path: string,
  owner: SecretFileOwner = thisProcess,
): Parsed<Uint8Array> {
  const where = `rotating secret file ${path}`;
  let fd: number;
  try {
    fd = fs.openSync(path, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  } catch (error) {
    return { ok: false, error: `cannot read ${where}: ${code(error)}` };
  }
  try {
    const stat = fs.fstatSync(fd);
    if (!stat.isFile()) return { ok: false, error: `${where} is not a regular file` };
    if (owner.uid !== undefined && stat.uid !== owner.uid) {
      return {
        ok: false,
        error: `${where} is owned by uid ${stat.uid}, not by this user (uid ${owner.uid}): chown it`,
      };
    }
    if (owner.uid !== undefined && (stat.mode & 0o077) !== 0) {
      const mode = (stat.mode & 0o777).toString(8).padStart(4, '0');
      return {
        ok: false,
        error: `${where} has mode ${mode}: group and others must have no access (chmod 600 ${path})`,
      };
    }
    if (stat.size > MAX_SECRET_FILE_BYTES) {
      return { ok: false, error: `${where} is larger than ${MAX_SECRET_FILE_BYTES} bytes` };
    }
    const text = fs.readFileSync(fd, 'utf8');
    const decoded = decodeBase32(text);
    const secret = decoded.ok ? checkSecret(decoded.value) : decoded;
    return secret.ok ? secret : { ok: false, error: `${where}: ${secret.error}` };
  } finally {
    fs.closeSync(fd);
  }
}

/** A fresh secret from the OS's random source. */
export function newSecret(): Uint8Array {
  return new Uint8Array(randomBytes(NEW_SECRET_BYTES));
}

/**
 * Writes a new secret file with mode 0600 (whatever the umask); an existing file is never
 * replaced (it may be the secret a server uses).
 */
export function writeSecretFile(path: string, secret: Uint8Array): Parsed<undefined> {
  try {
    fs.writeFileSync(path, `${encodeBase32(secret)}\n`, { mode: 0o600, flag: 'wx', flush: true });
    fs.chmodSync(path, 0o600);
    return { ok: true, value: undefined };
  } catch (error) {
    const why = code(error);
    return {
      ok: false,
      error:
        why === 'EEXIST'
          ? `${path} exists already: choose another --out (a secret file is never replaced)`
          : `cannot write ${path}: ${why}`,
    };
  }
}
