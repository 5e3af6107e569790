import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { findCommand } from '../../support/root';
import { testOutDir } from '../../support/cli';

/**
 * Debian's Chromium, started inside a network namespace (so the page reaches the bridge on that
 * namespace's loopback) and driven by playwright-core over its debugging pipe, which the namespace
 * does not affect. A small wrapper does the `ip netns exec`.
 */
export async function launchChromiumIn(namespace: string): Promise<Browser> {
  const ip = findCommand('ip');
  const browser = findCommand('chromium');
  if (!ip || !browser) throw new Error('ip and chromium are needed (Debian: iproute2, chromium)');
  const wrapper = join(testOutDir('chromium'), 'chromium-in-netns');
  writeFileSync(wrapper, `#!/bin/sh\nexec ${ip} netns exec ${namespace} ${browser} "$@"\n`);
  chmodSync(wrapper, 0o755);
  return chromium.launch({
    executablePath: wrapper,
    // Root has no user namespace sandbox here; the page is our own build on loopback.
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
    timeout: 60_000,
  });
}
