import { homedir } from 'node:os';
import { createLogger } from '../node/logger';
import type { SequenceSealer } from '../node/profile-sealing';
import { ProfileStore } from '../node/profile-store';
import { profileStorePath } from '../node/profile-store-file';
import type { ProfileLookup } from './knock';

/** The profile file the CLI uses: the desktop app's (SESAME_CONFIG_DIR overrides the folder). */
export function cliStorePath(): string {
  return profileStorePath(process.env, process.platform, homedir());
}

/** How the CLI reads and writes sealed sequences: nothing in plain Node; safeStorage inside the app. */
export interface CliSealing {
  sealer: SequenceSealer;
  sealWrites: () => boolean;
}

let sealing: CliSealing | undefined;

/**
 * Gives the CLI the app's sealer. Only the app binary's headless mode (`Sesame --cli ...`) calls
 * this, after app ready; it is why that CLI can knock profiles whose sequences the app encrypted.
 */
export function useCliSealing(value: CliSealing | undefined): void {
  sealing = value;
}

/**
 * The CLI's view of the profile store. Problems reach the user through the command's own message;
 * the store's log goes to `debug` (stderr by default) only with SESAME_DEBUG=1.
 */
export function openCliStore(
  debug: (line: string) => void = (l) => process.stderr.write(l),
): ProfileStore {
  return new ProfileStore({
    path: cliStorePath(),
    now: () => new Date(),
    logger: createLogger('profiles', (_level, line) => {
      if (process.env.SESAME_DEBUG === '1') debug(`${line}\n`);
    }),
    ...(sealing ? { sealer: sealing.sealer, sealWrites: sealing.sealWrites } : {}),
  });
}

/**
 * Finds a profile by name for `knock --profile` and `ssh`; a store that failed to load, or a profile
 * whose sequences the app encrypted (this sesame cannot decrypt them), says why.
 */
export const findCliProfile: ProfileLookup = (name) => {
  const store = openCliStore();
  const loaded = store.load();
  if (!loaded.ok) return Promise.resolve({ ok: false, error: loaded.error.message });
  const found = store.find(name);
  return Promise.resolve(
    found.ok ? { ok: true, profile: found.value } : { ok: false, error: found.error.message },
  );
};
