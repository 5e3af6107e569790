import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, vi } from 'vitest';
import { runCli } from '../../../electron/cli/main';

// Live bindings, set before each test by useTempConfig (and useConfig): importers read them fresh.
/** A fresh temp folder per test, removed after it; test files write their inputs here. */
export let root: string;
/** The config folder SESAME_CONFIG_DIR points at. */
export let config: string;
/** The profile file in `config`. */
export let storeFile: string;

/** Gives each test of the calling file its own temp config folder and a quiet store log. */
export function useTempConfig(): void {
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'sesame-cli-'));
    useConfig(join(root, 'config'));
    vi.stubEnv('SESAME_DEBUG', '');
  });

  afterEach(() => {
    vi.unstubAllEnvs();
    rmSync(root, { recursive: true, force: true });
  });
}

/** Runs `sesame profiles ...args` in process and returns its exit code and output. */
export async function sesame(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const io = { out: (t: string) => out.push(t), err: (t: string) => err.push(t) };
  const code = await runCli(['profiles', ...args], io);
  return { code, out: out.join(''), err: err.join('') };
}

/** Points the CLI at another config folder (a second machine, say). */
export function useConfig(folder: string) {
  config = folder;
  storeFile = join(folder, 'profiles.json');
  vi.stubEnv('SESAME_CONFIG_DIR', folder);
}

/** The profile file's text, or undefined when there is none. */
export const stored = () => (existsSync(storeFile) ? readFileSync(storeFile, 'utf8') : undefined);

/** Adds the profile most tests start from: "web" with a three-hit open sequence. */
export const addWeb = () =>
  sesame('add', '--name', 'web', '--host', 'web.example.com', '--open', '7000,8000:udp,9000');

/** Writes the profile file by hand (broken, newer or older files). */
export function writeStore(text: string) {
  mkdirSync(config, { recursive: true });
  writeFileSync(storeFile, text);
}
