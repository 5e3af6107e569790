import { homedir } from 'node:os';
import { createLogger } from '../node/logger';
import { ProfileStore, profileStorePath } from '../node/profile-store';
import type { ProfileLookup } from './knock';

/** The CLI's view of the profile store: the same file as the desktop app (SESAME_CONFIG_DIR overrides). */
export function openCliStore(): ProfileStore {
  return new ProfileStore({
    path: profileStorePath(process.env, process.platform, homedir()),
    now: () => new Date(),
    // Problems reach the user through the command's own message; the store's log is for debugging.
    logger: createLogger('profiles', (level, line) => {
      if (process.env.SESAME_DEBUG === '1') process.stderr.write(`${level}: ${line}\n`);
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
