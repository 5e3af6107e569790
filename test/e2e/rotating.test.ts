import type { ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { knocksAt } from '../../electron/node/door-knocks';
import { formatSequence } from '../../shared/sequence/sequence';
import { sesameServer } from '../support/cli';
import type { Knockd } from '../support/knockd';
import { describeRoot } from '../support/root';
import { startSshStandIn } from '../support/ssh-stand-in';
import { createTestBed, type TestBed } from '../support/testbed';
import { buildBridge, buildRenderer } from './support/build';
import { shoot, startAppWindow } from './support/app-page';

// A rotating sequence as a user gets it in the window: the provisioning URI that
// `sesame rotating new` printed is pasted into a new profile, whose editor shows this step's
// knocks and a countdown to the next step; Open then knocks the current step and `sesame server`
// on the test bed opens port 22. A sesame:// link opened with the app fills in a new profile
// the same way and saves nothing until Save. The window is the built renderer in Chromium; its
// API is the real services behind the test bridge (as in app.test.ts).
const SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
const SHOTS = resolve('test-results/e2e-rotating');

let bed: TestBed;
let server: Knockd;
let bridge: ChildProcess;
let browser: Browser;
let page: Page;
let work: string;

const uri = (label: string, host: string) =>
  `sesame://rotating?v=1&secret=${SECRET}&label=${label}&step=30&length=4&ports=10000-29999&protocols=tcp&host=${host}`;

const profilesOnDisk = () =>
  (
    JSON.parse(readFileSync(join(work, 'state', 'profiles.json'), 'utf8')) as {
      profiles: { name: string; host: string; open?: unknown }[];
    }
  ).profiles;

describeRoot(
  'a rotating sequence in the app window end to end (Chromium, test bridge, sesame server)',
  { commands: ['ip', 'iptables', 'chromium'] },
  () => {
    beforeAll(async () => {
      rmSync(SHOTS, { recursive: true, force: true });
      mkdirSync(SHOTS, { recursive: true });
      work = mkdtempSync(join(tmpdir(), 'sesame-e2e-rotating-'));
      chmodSync(work, 0o755);
      const secret = join(work, 'gate.secret');
      writeFileSync(secret, `${SECRET}\n`, { mode: 0o600 });
      const [rendererDir, built, program] = await Promise.all([
        buildRenderer(),
        buildBridge(),
        sesameServer(),
      ]);
      bed = await createTestBed({ ipv6: false });
      server = await bed.startKnockd(
        `[gate]
  rotating_secret_file = ${secret}
  seq_timeout = 5
  command = /usr/sbin/iptables -w 5 -I INPUT -s %IP% -p tcp --dport 22 -j ACCEPT
`,
        { program },
      );
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
      const started = { browser, bridge, server, bed } as Partial<{
        browser: Browser;
        bridge: ChildProcess;
        server: Knockd;
        bed: TestBed;
      }>;
      await started.browser?.close().catch(() => undefined);
      started.bridge?.kill('SIGTERM');
      await started.server?.stop();
      await started.bed?.teardown();
      if (work) rmSync(work, { recursive: true, force: true });
    });

    it('a pasted provisioning URI fills in the editor, which shows this step and a countdown', async () => {
      await page.getByRole('button', { name: 'New profile' }).click();
      const form = page.getByRole('form', { name: 'New profile' });
      await form.getByLabel('Name').fill('gate');
      await form
        .getByRole('radiogroup', { name: 'Open the door with' })
        .getByRole('radio', { name: 'Rotating sequence' })
        .check();
      const group = form.getByRole('group', { name: 'Open: rotating sequence' });
      await group.getByLabel('Provisioning URI').fill(uri('gate', bed.server.ipv4));
      expect(await form.getByLabel('Host').inputValue()).toBe(bed.server.ipv4);
      expect(await group.getByLabel('Secret').getAttribute('type')).toBe('password');
      const now = group.getByLabel('Open sequence now');
      const timer = now.getByRole('timer');
      await timer.waitFor();
      // The knocks shown are this step's: derived here for the time around the read.
      const shown = () => now.locator('code').textContent();
      const sequence = { secret: SECRET, label: 'gate', stepSeconds: 30, length: 4 } as const;
      const expected = (at: number) =>
        formatSequence(
          knocksAt({ ...sequence, ports: { low: 10000, high: 29999 }, protocols: 'tcp' }, 0, at),
        );
      const before = Date.now();
      const text = await shown();
      expect([expected(before), expected(Date.now())]).toContain(text);
      // The countdown counts: its seconds change while the page is open.
      const first = await timer.textContent();
      expect(first).toMatch(/^next step in \d+ s$/);
      await expect.poll(() => timer.textContent(), { timeout: 3000 }).not.toBe(first);
      expect(await group.getByLabel('Provisioning URI').inputValue()).toBe(''); // no secret left
      // A tall window, so the whole editor (the knocks and countdown at the group's foot) shows.
      await page.setViewportSize({ width: 960, height: 1200 });
      await shoot(page, SHOTS, '01-editor-rotating');
      await page.setViewportSize({ width: 960, height: 680 });
      await form.getByRole('button', { name: 'Save profile' }).click();
      await page.getByRole('list', { name: 'Profiles' }).waitFor();
      expect(profilesOnDisk()).toMatchObject([
        { name: 'gate', host: bed.server.ipv4, open: { secret: SECRET, label: 'gate' } },
      ]);
    });

    it('Open knocks the current step: sesame server opens port 22 and the window says so', async () => {
      await page.getByRole('button', { name: 'Open gate' }).click();
      await server.waitForLog(`gate: OPEN SESAME`, 20_000);
      const list = page.getByRole('list', { name: 'Profiles' });
      await expect.poll(() => list.textContent(), { timeout: 15_000 }).toMatch(/Door open/);
      expect(await list.textContent()).toContain('Rotating sequence, a new one every 30 s');
      await shoot(page, SHOTS, '02-opened');
    });

    it('a sesame:// link opened with the app fills in a new profile; nothing is saved until Save', async () => {
      bridge.stdin?.write(`open-link ${uri('spare', bed.server.ipv4)}\n`);
      const form = page.getByRole('form', { name: 'New profile' });
      await form.waitFor({ timeout: 10_000 });
      expect(await form.getByRole('status').first().textContent()).toMatch(
        /Filled in from a sesame:\/\/ link/,
      );
      const group = form.getByRole('group', { name: 'Open: rotating sequence' });
      expect(await group.getByLabel('Label').inputValue()).toBe('spare');
      await group.getByLabel('Open sequence now').getByRole('timer').waitFor();
      await shoot(page, SHOTS, '03-from-link');
      expect(profilesOnDisk().map((p) => p.name)).toEqual(['gate']);
      await form.getByRole('button', { name: 'Cancel' }).click();
      expect(profilesOnDisk().map((p) => p.name)).toEqual(['gate']);
    });
  },
);
