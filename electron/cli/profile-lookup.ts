import { homedir } from 'node:os';
import { createLogger } from '../node/logger';
import type { SequenceSealer } from '../node/profile-sealing';
import { ProfileStore } from '../node/profile-store';
import { profileStorePath } from '../node/profile-store-file';
import type { Profile } from '../../shared/profile/profile';
import { profileForHost } from '../../shared/profile/profile-match';
import { lockedMessage, type LockedProfile } from '../node/profile-sealing';
import type { ProfileLookup } from './knock';
import type { ProxyProfileLookup } from './proxy';

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

/**
 * Finds the profile `sesame proxy` knocks: the one named `name` (--profile), else the one ssh's
 * HOST names (a profile's name, i.e. its ssh alias, or its host). A profile this sesame cannot
 * decrypt says why, as for `findCliProfile`.
 */
export const findProxyProfile: ProxyProfileLookup = (host, name) => {
  if (name !== undefined) return findCliProfile(name);
  const store = openCliStore();
  const loaded = store.load();
  if (!loaded.ok) return Promise.resolve({ ok: false, error: loaded.error.message });
  const match = profileForHost<Profile | LockedProfile>([...store.list(), ...store.locked()], host);
  if (!match.ok) return Promise.resolve(match);
  const found = match.value;
  return Promise.resolve(
    'cause' in found ? { ok: false, error: lockedMessage(found) } : { ok: true, profile: found },
  );
};
