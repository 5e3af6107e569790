import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import { createLogger } from '../../../electron/node/logger';
import { ProfileStore } from '../../../electron/node/profile-store';

const NOW = new Date(Date.UTC(2025, 0, 2, 3, 4, 5)); // -> 20250102-030405

// Live bindings, set before each test by useTempStore: importers read them fresh.
/** A fresh temp folder per test, removed after it. */
export let dir: string;
/** Where the store keeps its file: `<dir>/Sesame/profiles.json` (the folder does not exist yet). */
export let file: string;
/** The store's log lines, `<level> <line>`. */
export let logs: string[];

/** Gives each test of the calling file its own temp folder and an empty log. */
export function useTempStore(): void {
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'sesame-store-'));
    file = join(dir, 'Sesame', 'profiles.json');
    logs = [];
  });

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });
}

/** The profile most tests add. */
export const web = {
  name: 'web',
  host: 'web.example.com',
  open: [{ port: 7000, protocol: 'tcp' as const }],
};

/** A store on `path` whose clock is fixed (files move aside as `.corrupt-20250102-030405`). */
export function openStore(path = file) {
  const logger = createLogger('profiles', (level, line) => logs.push(`${level} ${line}`));
  return new ProfileStore({ path, now: () => NOW, logger });
}

/** A profile as it is written in a profile file, id included. */
export function storedProfile(id: string, name: string, host = `${name}.example.com`) {
  return { id, name, host, open: [{ port: 7000, protocol: 'tcp' }] };
}
