import { homedir } from 'node:os';
import { createLogger } from '../node/logger';
import { ProfileStore, profileStorePath } from '../node/profile-store';
import type { ProfileLookup } from './knock';

/** The profile file the CLI uses: the desktop app's (SESAME_CONFIG_DIR overrides the folder). */
export function cliStorePath(): string {
  return profileStorePath(process.env, process.platform, homedir());
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
  });
}

/** Finds a profile by name for `knock --profile` and `ssh`; a store that failed to load says why. */
export const findCliProfile: ProfileLookup = (name) => {
  const store = openCliStore();
  const loaded = store.load();
  if (!loaded.ok) return Promise.resolve({ ok: false, error: loaded.error.message });
  const profile = store.get(name);
  return Promise.resolve(
    profile ? { ok: true, profile } : { ok: false, error: `no profile named "${name}"` },
  );
};
