import type { ChildProcess } from 'node:child_process';
import type { Browser, Page } from 'playwright-core';
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
