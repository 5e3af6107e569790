import type { SafeStorage } from 'electron';
import type { EncryptionView } from '../../shared/ipc/contract';
import type { SequenceSealer } from '../node/profile-sealing';

/*
 * Electron 45 deprecates the synchronous safeStorage calls in favour of `*Async` ones. The profile
 * store shared with the CLI is synchronous (every change re-reads and rewrites the file in one
 * step), so the sealer uses the synchronous calls, which still work; moving the store to async is
 * the way off them. https://www.electronjs.org/docs/latest/api/safe-storage
 */
/* eslint-disable @typescript-eslint/no-deprecated */

/** The parts of Electron's safeStorage the sealer uses (a fake in tests). */
export type SafeStorageLike = Pick<
  SafeStorage,
  'isEncryptionAvailable' | 'encryptString' | 'decryptString'
> & { getSelectedStorageBackend?: () => string };

/**
 * Which backend safeStorage uses. Linux reports it (`gnome_libsecret`, `kwallet5`, `basic_text`...);
 * macOS always uses the Keychain and Windows DPAPI when encryption is available.
 * https://www.electronjs.org/docs/latest/api/safe-storage
 */
export function storageBackend(safeStorage: SafeStorageLike, platform: string): string {
  if (!safeStorage.isEncryptionAvailable()) return 'none';
  if (platform === 'darwin') return 'keychain';
  if (platform === 'win32') return 'dpapi';
  return safeStorage.getSelectedStorageBackend?.() ?? 'unknown';
}

/** True for a backend that keeps the key in a real OS secret store (not Chromium's fixed password). */
export function isSecureBackend(backend: string): boolean {
  return !['none', 'unknown', 'basic_text'].includes(backend);
}

/**
 * The sealer for the profile store whenever safeStorage works at all, so sealed profiles can be read;
 * `secure` says whether new writes may be sealed with it (only with a real OS secret store: the
 * `basic_text` fallback's key is a fixed, public password).
 */
export function safeStorageSealer(
  safeStorage: SafeStorageLike,
  platform: string,
): { sealer: SequenceSealer; secure: boolean } | undefined {
  const backend = storageBackend(safeStorage, platform);
  if (backend === 'none') return undefined;
  return {
    secure: isSecureBackend(backend),
    sealer: {
      backend,
      seal: (plain) => safeStorage.encryptString(plain).toString('base64'),
      unseal: (data) => safeStorage.decryptString(Buffer.from(data, 'base64')),
    },
  };
}

/** What the settings screen says about the protection of the sequences. */
export function encryptionView(
  safeStorage: SafeStorageLike,
  platform: string,
  encryptSequences: boolean,
): EncryptionView {
  const backend = storageBackend(safeStorage, platform);
  const secure = isSecureBackend(backend);
  if (!secure) {
    return {
      backend,
      secure,
      encrypted: false,
      warning:
        backend === 'basic_text'
          ? 'No system keyring was found (Electron fell back to "basic_text"): knock sequences are saved in plain text. Install and unlock a Secret Service keyring (GNOME Keyring, KWallet) and restart Sesame.'
          : 'This system offers no safe storage: knock sequences are saved in plain text, readable by anyone who can read your profile file.',
    };
  }
  if (!encryptSequences) {
    return {
      backend,
      secure,
      encrypted: false,
      warning:
        'Encryption is off: knock sequences are saved in plain text (the plain `sesame` CLI can read them).',
    };
  }
  return { backend, secure, encrypted: true };
}
