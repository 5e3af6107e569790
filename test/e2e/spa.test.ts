import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { fwknopRules, startFwknopd, type Fwknopd } from '../support/fwknopd';
import { describeRoot } from '../support/root';
import { startSshStandIn } from '../support/ssh-stand-in';
import { createTestBed, type TestBed } from '../support/testbed';
import { buildBridge, buildRenderer } from './support/build';
import { shoot, startAppWindow, useRecorderTerminal } from './support/app-page';
import { readSyncIfPresent } from '../support/processes';

// A profile that opens with SPA, as a user gets and uses it in the window: imported from a
// .fwknoprc on the import screen, shown in the editor, and opened with Open SSH, which sends the
// SPA packet to Debian's fwknopd across the test bed, probes port 22 and starts ssh in the
// terminal (a recorder). The window is the built renderer in Chromium; its API is the real
// services behind the test bridge (as in app.test.ts).
const KEY = randomBytes(32).toString('base64');
const HMAC_KEY = randomBytes(64).toString('base64');

/** Screenshots are kept as test artifacts here (light and dark). */
const SHOTS = resolve('test-results/e2e-spa');

let bed: TestBed;
let fwknopd: Fwknopd;
let bridge: ChildProcess;
let browser: Browser;
let page: Page;
let work: string;

describeRoot(
  'an SPA profile in the app window end to end (Chromium, test bridge, real fwknopd)',
  { commands: ['ip', 'iptables', 'fwknopd', 'chromium'] },
  () => {
    beforeAll(async () => {
      rmSync(SHOTS, { recursive: true, force: true });
      mkdirSync(SHOTS, { recursive: true });
      work = mkdtempSync(join(tmpdir(), 'sesame-e2e-spa-'));
      chmodSync(work, 0o755);
      const [rendererDir, built] = await Promise.all([buildRenderer(), buildBridge()]);
      bed = await createTestBed({ ipv6: false });
      fwknopd = await startFwknopd(bed, { keyBase64: KEY, hmacKeyBase64: HMAC_KEY });
      startSshStandIn(bed);
      ({ bridge, browser, page } = await startAppWindow(bed, [
        process.execPath,
        built.program,
        join(work, 'state'),
        rendererDir,
        built.browserApi,
      ]));
    }, 120_000);

    afterAll(async () => {
      const started = { browser, bridge, fwknopd, bed } as Partial<{
        browser: Browser;
        bridge: ChildProcess;
        fwknopd: Fwknopd;
        bed: TestBed;
      }>;
      await started.browser?.close().catch(() => undefined);
      started.bridge?.kill('SIGTERM');
      await started.fwknopd?.stop();
      await started.bed?.teardown();
      if (work) rmSync(work, { recursive: true, force: true });
    });

    it('imports a .fwknoprc stanza on the import screen (preview first)', async () => {
      await page.getByRole('button', { name: 'Import & export' }).click();
      await page.getByRole('radio', { name: '.fwknoprc (SPA)' }).check();
      await page
        .getByLabel('Text to import')
        .fill(
          [
            '[gate]',
            `SPA_SERVER ${bed.server.ipv4}`,
            'ACCESS tcp/22',
            `ALLOW_IP ${bed.client.ipv4}`,
            `KEY_BASE64 ${KEY}`,
            `HMAC_KEY_BASE64 ${HMAC_KEY}`,
            'USE_HMAC Y',
            '',
          ].join('\n'),
        );
      await page.getByRole('button', { name: 'Preview' }).click();
      const preview = page.getByRole('region', { name: 'Import preview' });
      await expect
        .poll(() => preview.textContent())
        .toContain(`gate on ${bed.server.ipv4}: open SPA tcp/22 (fwknopd udp/62201)`);
      await shoot(page, SHOTS, '01-import-preview');
      await page.getByRole('button', { name: 'Import 1 profile' }).click();
      await expect.poll(() => page.getByRole('region', { name: 'Import result' }).count()).toBe(1);
      const saved = readFileSync(join(work, 'state', 'profiles.json'), 'utf8');
      expect(JSON.parse(saved)).toMatchObject({
        profiles: [{ name: 'gate', spa: { access: [{ protocol: 'tcp', port: 22 }] } }],
      });
    });

    it('shows the request in the editor, keys as dots, and saves it unchanged', async () => {
      await page.getByRole('button', { name: 'Profiles', exact: true }).click();
      await page.getByRole('button', { name: 'Edit gate' }).click();
      const spa = page.getByRole('group', { name: 'Open: SPA request' });
      await expect.poll(() => spa.getByLabel('Access').inputValue()).toBe('tcp/22');
      expect(await spa.getByLabel('Key', { exact: true }).getAttribute('type')).toBe('password');
      expect(await spa.textContent()).not.toContain(KEY);
      await shoot(page, SHOTS, '02-editor');
      const before = readFileSync(join(work, 'state', 'profiles.json'), 'utf8');
      await page.getByRole('button', { name: 'Save profile' }).click();
      await page.getByRole('list', { name: 'Profiles' }).waitFor();
      const after = JSON.parse(readFileSync(join(work, 'state', 'profiles.json'), 'utf8')) as {
        profiles: { spa?: unknown }[];
      };
      expect(after.profiles[0]?.spa).toEqual(
        (JSON.parse(before) as { profiles: { spa?: unknown }[] }).profiles[0]?.spa,
      );
    });

    it('Open SSH sends the SPA packet: fwknopd opens port 22, the probe sees it, ssh starts', async () => {
      const argvFile = await useRecorderTerminal(page, work);

      const since = fwknopd.log().length;
      await page.getByRole('button', { name: 'Open SSH to gate' }).click();
      await fwknopd.waitForLog(
        `Added access rule to FWKNOP_INPUT for ${bed.client.ipv4} -> 0.0.0.0/0 tcp/22`,
        since,
        20_000,
      );
      await expect.poll(() => readSyncIfPresent(argvFile), { timeout: 20_000 }).not.toBe('');
      expect(readFileSync(argvFile, 'utf8').trimEnd().split('\n')).toEqual([
        '-e',
        'ssh',
        '-o',
        `HostName=${bed.server.ipv4}`,
        '-o',
        `HostKeyAlias=${bed.server.ipv4}`,
        '-p',
        '22',
        '--',
        bed.server.ipv4,
      ]);
      expect(await fwknopRules(bed, 22)).toHaveLength(1);
      const progress = page.getByRole('region', { name: 'Knock progress' });
      await expect
        .poll(() => progress.getByRole('list', { name: 'Hits' }).textContent(), { timeout: 15_000 })
        .toMatch(/62201/);
      const list = page.getByRole('list', { name: 'Profiles' });
      await expect.poll(() => list.textContent(), { timeout: 10_000 }).toMatch(/Door open/);
      await shoot(page, SHOTS, '03-opened');
    });
  },
);
