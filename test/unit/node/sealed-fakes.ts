import { createLogger } from '../../../electron/node/logger';
import type { SequenceSealer } from '../../../electron/node/profile-sealing';
import { ProfileStore, type ProfileStoreDeps } from '../../../electron/node/profile-store';

const MARK = Buffer.from('FAKE-SEALED:');

/**
 * A sealer that stands in for safeStorage: base64 of a marker and the text's bytes reversed, so
 * nothing of the plain text shows in the file. `unseal` throws on data it did not make.
 */
export function fakeSealer(backend = 'fake_keyring') {
  const calls = { seal: 0, unseal: 0 };
  const sealer: SequenceSealer = {
    backend,
    seal: (plain) => {
      calls.seal += 1;
      return Buffer.concat([MARK, Buffer.from(plain, 'utf8').reverse()]).toString('base64');
    },
    unseal: (data) => {
      calls.unseal += 1;
      const bytes = Buffer.from(data, 'base64');
      if (!bytes.subarray(0, MARK.length).equals(MARK)) throw new Error(`not sealed by ${backend}`);
      return Buffer.from(bytes.subarray(MARK.length)).reverse().toString('utf8');
    },
  };
  return { sealer, calls };
}

/** A sealer whose keyring is gone: every call throws. */
export const brokenSealer: SequenceSealer = {
  backend: 'fake_keyring',
  seal: () => {
    throw new Error('the keyring is locked');
  },
  unseal: () => {
    throw new Error('the keyring is locked');
  },
};

/** A store as the app opens it: fixed clock, log lines into `logs`, plus the given sealing deps. */
export function sealingStore(
  path: string,
  logs: string[],
  more: Omit<ProfileStoreDeps, 'path' | 'now' | 'logger'> = {},
): ProfileStore {
  const logger = createLogger('profiles', (level, line) => logs.push(`${level} ${line}`));
  return new ProfileStore({
    path,
    now: () => new Date(Date.UTC(2025, 0, 2, 3, 4, 5)),
    logger,
    ...more,
  });
}

/** The message the plain CLI gives for a profile the app encrypted. */
export const cliLockedMessage = (name: string, backend = 'fake_keyring') =>
  `profile "${name}" has its sequences encrypted by the Sesame app (${backend}); this sesame ` +
  'cannot decrypt them. Use the sesame command that comes with the app, or turn off ' +
  '"Encrypt sequences" in the app\'s settings.';
