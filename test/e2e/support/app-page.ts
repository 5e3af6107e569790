import type { ChildProcess } from 'node:child_process';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { expect } from 'vitest';
import type { TestBed } from '../../support/testbed';
import { launchChromiumIn } from './netns-chromium';

/** Resolves with the URL the test bridge prints once it listens (or fails with what it said). */
export function bridgeUrl(bridge: ChildProcess, timeoutMs = 20_000): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`bridge did not start: ${seen}`)), timeoutMs);
    bridge.stdout?.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      const found = /bridge listening on (\S+)/.exec(seen);
      if (found?.[1]) {
        clearTimeout(timer);
        resolve(found[1]);
      }
    });
    bridge.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`bridge exited ${String(code)}: ${seen}`));
    });
  });
}

/**
 * Starts the test bridge in the bed's client namespace (`argv` runs it: the built bridge program
 * and its arguments, behind any wrapper) and opens the window on it in Chromium there; the page
 * must load without an error.
 */
export async function startAppWindow(
  bed: TestBed,
  argv: string[],
): Promise<{ bridge: ChildProcess; browser: Browser; page: Page }> {
  const bridge = bed.spawn(bed.client, argv);
  const url = await bridgeUrl(bridge);
  const opened = await openAppPage(bed.client.name, url);
  expect(opened.problems).toEqual([]);
  return { bridge, browser: opened.browser, page: opened.page };
}

/**
 * Chromium in the namespace with the app's page open at `url`, once the Profiles screen shows;
 * `problems` collects the page's errors and console errors from the start.
 */
export async function openAppPage(
  namespace: string,
  url: string,
): Promise<{ browser: Browser; page: Page; problems: string[] }> {
  const browser = await launchChromiumIn(namespace);
  const page = await browser.newPage({ viewport: { width: 960, height: 680 } });
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(m.text());
  });
  await page.goto(url);
  await page.getByRole('heading', { name: 'Profiles' }).waitFor({ timeout: 20_000 });
  return { browser, page, problems };
}

/** Saves the page as `DIR/NAME-light.png` and `DIR/NAME-dark.png` (whole page), light again after. */
export async function shoot(page: Page, dir: string, name: string): Promise<void> {
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.screenshot({ path: join(dir, `${name}-${scheme}.png`), fullPage: true });
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

/**
 * Sets Settings → Terminal to a custom command that stands in for a terminal: it saves its argv,
 * one per line, to the returned file and exits as a finished session would. `beforeSave` runs with
 * the form filled in (a screenshot); back on the Profiles screen once the settings are saved.
 */
export async function useRecorderTerminal(
  page: Page,
  work: string,
  beforeSave: () => Promise<void> = () => Promise.resolve(),
): Promise<string> {
  const recorder = join(work, 'terminal-recorder');
  const argvFile = join(work, 'terminal-argv.txt');
  writeFileSync(recorder, `#!/bin/sh\nprintf '%s\\n' "$@" > '${argvFile}'\n`);
  chmodSync(recorder, 0o755);
  await page.getByRole('button', { name: 'Settings', exact: true }).click();
  const settings = page.getByRole('form', { name: 'Settings' });
  // As a user would: read the screen (the backend line) before changing anything.
  await settings.getByText('Secret storage backend').waitFor();
  await settings.getByLabel('Terminal', { exact: true }).selectOption('custom');
  await settings.getByLabel('Terminal command').fill(recorder);
  await beforeSave();
  await settings.getByRole('button', { name: 'Save settings' }).click();
  await expect.poll(() => settings.getByRole('status').textContent()).toMatch(/saved/i);
  await page.getByRole('button', { name: 'Profiles', exact: true }).click();
  return argvFile;
}
