import type { ChildProcess } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeRoot } from '../support/root';
import { createTestBed, type TestBed } from '../support/testbed';
import type { Knockd } from '../support/knockd';
import { buildBridge, buildRenderer } from './support/build';
import { shoot, startAppWindow, useRecorderTerminal } from './support/app-page';
import { readSyncIfPresent } from '../support/processes';
import { buildCli } from '../support/cli';
import { startSshd, type Sshd } from '../support/sshd';
import { startXDisplay, type XDisplay } from './support/x-display';

// The window as a user drives it: the built renderer in Debian's Chromium, its API served by the
// real services and engines through the test bridge, knocking Debian's knockd across the test bed,
// with OpenSSH's sshd behind the door and a real xterm on a virtual display as the app's terminal.
//
// The bridge (and the xterm and ssh it starts) runs with a home folder of the test's own: a copy of
// /etc/passwd naming it as root's home is bound over /etc/passwd in a mount namespace of the
// bridge's, since ssh finds ~/.ssh through the passwd entry, not $HOME. So ssh uses the test's key,
// known_hosts and the ssh config the app writes, and the machine's ~/.ssh is never read or written.
const CONFIG = `[openSSH]
  sequence = 7301,7302:udp,7303
  seq_timeout = 10
  tcpflags = syn
  command = /usr/sbin/iptables -w 5 -I INPUT -s %IP% -p tcp --dport 22 -j ACCEPT
[closeSSH]
  sequence = 7303,7302:udp,7301
  seq_timeout = 10
  tcpflags = syn
  command = /usr/sbin/iptables -w 5 -D INPUT -s %IP% -p tcp --dport 22 -j ACCEPT
`;

/** Screenshots are kept as test artifacts here (light and dark for each screen). */
const SHOTS = resolve('test-results/e2e');

let bed: TestBed;
let knockd: Knockd;
let bridge: ChildProcess;
let browser: Browser;
let page: Page;
let work: string;
let sshd: Sshd;
/** What the bridge (and the terminals it starts) wrote to stderr. */
let bridgeErr = '';
let display: XDisplay;
let home: string;
let cli: string;

/** How often knockd ran a door so far. */
async function doorCount(door: 'openSSH' | 'closeSSH'): Promise<number> {
  return (await knockd.log()).split(`${door}: OPEN SESAME`).length - 1;
}

/** The text of a file, or '' while it does not exist yet. */
/**
 * The test's home folder for the bridge: ~/.ssh with the client key sshd accepts and a known_hosts
 * line for the server under the name ssh checks (the profile's host), and a passwd file naming it.
 */
function makeHome(): { passwd: string } {
  home = join(work, 'home');
  const ssh = join(home, '.ssh');
  mkdirSync(ssh, { recursive: true, mode: 0o700 });
  copyFileSync(sshd.clientKey, join(ssh, 'id_ed25519'));
  chmodSync(join(ssh, 'id_ed25519'), 0o600);
  writeFileSync(join(ssh, 'known_hosts'), sshd.knownHostsLine([bed.server.ipv4]));
  const uid = String(process.getuid?.() ?? 0);
  const passwd = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .map((line) => {
      const fields = line.split(':');
      if (fields[2] !== uid) return line;
      fields[5] = home;
      return fields.join(':');
    })
    .join('\n');
  const file = join(work, 'passwd');
  writeFileSync(file, passwd);
  return { passwd: file };
}

describeRoot(
  'the app window end to end (Chromium, test bridge, real knockd)',
  {
    commands: [
      ...['ip', 'iptables', 'knockd', 'chromium', 'sshd', 'ssh', 'unshare'],
      ...['Xvfb', 'xterm', 'xdotool', 'import'],
    ],
  },
  () => {
    beforeAll(async () => {
      rmSync(SHOTS, { recursive: true, force: true });
      mkdirSync(SHOTS, { recursive: true });
      work = mkdtempSync(join(tmpdir(), 'sesame-e2e-'));
      chmodSync(work, 0o755);
      const [rendererDir, built, sesame] = await Promise.all([
        buildRenderer(),
        buildBridge(),
        buildCli(),
      ]);
      cli = sesame;
      bed = await createTestBed({ ipv6: false });
      knockd = await bed.startKnockd(CONFIG);
      sshd = await startSshd(bed);
      display = await startXDisplay(bed);
      const { passwd } = makeHome();
      ({ bridge, browser, page } = await startAppWindow(bed, [
        'unshare',
        '--mount',
        '--propagation',
        'private',
        'sh',
        '-c',
        'mount --bind "$0" /etc/passwd && exec "$@"',
        passwd,
        'env',
        `HOME=${home}`,
        `DISPLAY=${display.name}`,
        process.execPath,
        built.program,
        join(work, 'state'),
        rendererDir,
        built.browserApi,
        process.execPath,
        cli,
      ]));
      // Read on failure; a stream buffers what came before this listener.
      bridge.stderr?.on('data', (chunk: Buffer) => (bridgeErr += chunk.toString()));
    }, 120_000);

    afterAll(async () => {
      const started = { browser, bridge, bed, sshd, display } as Partial<{
        browser: Browser;
        bridge: ChildProcess;
        bed: TestBed;
        sshd: Sshd;
        display: XDisplay;
      }>;
      await started.browser?.close().catch(() => undefined);
      started.bridge?.kill('SIGTERM');
      await started.display?.stop();
      await started.sshd?.stop();
      await started.bed?.teardown();
      if (work) rmSync(work, { recursive: true, force: true });
    });

    it('creates a profile in the editor, with field messages for bad input', async () => {
      await shoot(page, SHOTS, '01-empty-list');
      await page.getByRole('button', { name: 'New profile' }).click();
      const form = page.getByRole('form', { name: 'New profile' });
      await form.getByLabel('Name', { exact: true }).fill('lab');
      await form.getByLabel('Host', { exact: true }).fill('-oProxyCommand=x');
      await form.getByLabel('Paste open sequence').fill('7301,7302:udp,7303');
      await form.getByRole('button', { name: 'Fill open sequence from pasted text' }).click();
      await form.getByRole('button', { name: 'Save profile' }).click();
      await expect.poll(() => form.textContent()).toMatch(/must not start with "-"/);
      await shoot(page, SHOTS, '02-editor-invalid');
      await form.getByLabel('Host', { exact: true }).fill(bed.server.ipv4);
      await form.getByLabel('Paste close sequence').fill('7303,7302:udp,7301');
      await form.getByRole('button', { name: 'Fill close sequence from pasted text' }).click();
      await form.getByLabel('Delay between hits (ms)').fill('50');
      await form.getByLabel('SSH user').fill('alice');
      await shoot(page, SHOTS, '03-editor-filled');
      await form.getByRole('button', { name: 'Save profile' }).click();
      const list = page.getByRole('list', { name: 'Profiles' });
      await expect.poll(() => list.textContent()).toContain(bed.server.ipv4);
      const saved = JSON.parse(readFileSync(join(work, 'state', 'profiles.json'), 'utf8')) as {
        profiles: { name: string; open: { port: number; protocol: string }[] }[];
      };
      expect(saved.profiles[0]?.open).toEqual([
        { port: 7301, protocol: 'tcp' },
        { port: 7302, protocol: 'udp' },
        { port: 7303, protocol: 'tcp' },
      ]);
    });

    it('knocks the real knockd with Enter: stages, hits, and the probe turning to open', async () => {
      const probe = page.getByRole('button', { name: 'Check door of lab' });
      await probe.click();
      const list = page.getByRole('list', { name: 'Profiles' });
      await expect.poll(() => list.textContent(), { timeout: 10_000 }).toMatch(/closed/i);
      await page.getByRole('list', { name: 'Profiles' }).getByText('lab', { exact: true }).click();
      await page.keyboard.press('Enter');
      const progress = page.getByRole('region', { name: 'Knock progress' });
      await expect
        .poll(() => progress.getByRole('list', { name: 'Hits' }).textContent(), { timeout: 15_000 })
        .toMatch(/7301[\s\S]*7302[\s\S]*7303/);
      await expect
        .poll(() => progress.getByRole('status').textContent(), { timeout: 15_000 })
        .toMatch(/port 22 on 198\.18\.0\.1 is open/);
      await expect.poll(() => list.textContent()).toMatch(/Door open/);
      await knockd.waitForLog(/openSSH: Stage 3/);
      await knockd.waitForLog(/openSSH: OPEN SESAME/);
      await shoot(page, SHOTS, '04-knocked-open');
      const rules = await bed.run(bed.server, ['iptables', '-S', 'INPUT']);
      expect(rules.stdout).toContain(
        `-A INPUT -s ${bed.client.ipv4}/32 -p tcp -m tcp --dport 22 -j ACCEPT`,
      );
    });

    it('closes the door with Close: the probe turns to closed and the rule is gone', async () => {
      await page.getByRole('button', { name: 'Close lab' }).click();
      await knockd.waitForLog(/closeSSH: OPEN SESAME/, 15_000);
      const progress = page.getByRole('region', { name: 'Knock progress' });
      await expect
        .poll(() => progress.getByRole('status').textContent(), { timeout: 15_000 })
        .toMatch(/port 22 on 198\.18\.0\.1 is closed/);
      const rules = await bed.run(bed.server, ['iptables', '-S', 'INPUT']);
      expect(rules.stdout).not.toContain('--dport 22 -j ACCEPT');
      await shoot(page, SHOTS, '05-closed');
    });

    it('Open SSH runs the terminal setting (a recorder) with ssh against the knocked address', async () => {
      const argvFile = await useRecorderTerminal(page, work, () =>
        shoot(page, SHOTS, '06-settings'),
      );
      await page.getByRole('button', { name: 'Open SSH to lab' }).click();
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
        '-l',
        'alice',
        '--',
        bed.server.ipv4,
      ]);
      // The recorder "session" ended at once, and the terminal waits: the close sequence follows.
      await expect
        .poll(async () => (await knockd.log()).match(/closeSSH: OPEN SESAME/g)?.length ?? 0, {
          timeout: 15_000,
        })
        .toBe(2);
      await expect
        .poll(async () => (await bed.run(bed.server, ['iptables', '-S', 'INPUT'])).stdout, {
          timeout: 10_000,
        })
        .not.toContain('--dport 22 -j ACCEPT');
      // After the session, the close was knocked and the probe shows the door shut again.
      const list = page.getByRole('list', { name: 'Profiles' });
      await expect.poll(() => list.textContent(), { timeout: 10_000 }).toMatch(/Door closed/);
      await page.getByRole('button', { name: 'History', exact: true }).click();
      await expect.poll(() => page.getByRole('main').textContent()).toMatch(/ssh|SSH/);
      await shoot(page, SHOTS, '07-history');
    });

    it('Use with ssh, scp and git: the editor writes a Host block plain ssh knocks with', async () => {
      await page.getByRole('button', { name: 'Profiles', exact: true }).click();
      await page.getByRole('button', { name: 'Edit lab' }).click();
      const form = page.getByRole('form', { name: 'Edit lab' });
      await form.getByLabel('SSH user').fill('root');
      await form.getByRole('button', { name: 'Save profile' }).click();
      await page.getByRole('list', { name: 'Profiles' }).waitFor();
      await page.getByRole('button', { name: 'Edit lab' }).click();
      const state = form.getByRole('status', { name: 'ssh config state' });
      await expect.poll(() => state.textContent(), { timeout: 10_000 }).toMatch(/^Not in /);
      await form.getByRole('button', { name: 'Add to ssh config' }).click();
      await expect.poll(() => state.textContent()).toMatch(/ssh lab, scp and git knock first/);
      await form.getByLabel('Host block').scrollIntoViewIfNeeded();
      await shoot(page, SHOTS, '11-ssh-config');
      const config = join(home, '.ssh', 'config');
      expect(readFileSync(config, 'utf8')).toContain(
        [
          'Host lab',
          `    HostName ${bed.server.ipv4}`,
          '    User root',
          '    Port 22',
          `    ProxyCommand "${process.execPath}" "${cli}" proxy --profile lab %h %p`,
        ].join('\n'),
      );
      await form.getByRole('button', { name: 'Cancel' }).click();

      // Plain ssh with the file the app wrote: its ProxyCommand knocks, relays and closes again.
      const [opened, closed] = [await doorCount('openSSH'), await doorCount('closeSSH')];
      const ssh = await bed.run(
        bed.client,
        [
          'env',
          '-i',
          'PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin',
          `HOME=${home}`,
          `SESAME_CONFIG_DIR=${join(work, 'state')}`,
          'ssh',
          '-F',
          config,
          '-o',
          'BatchMode=yes',
          '-o',
          `UserKnownHostsFile=${join(home, '.ssh', 'known_hosts')}`,
          '-o',
          'GlobalKnownHostsFile=/dev/null',
          '-i',
          join(home, '.ssh', 'id_ed25519'),
          'lab',
          'echo remote-$((6*7))',
        ],
        { timeoutMs: 45_000 },
      );
      expect(ssh, sshd.log()).toMatchObject({ code: 0, stdout: 'remote-42\n' });
      expect(await doorCount('openSSH')).toBe(opened + 1);
      await expect.poll(() => doorCount('closeSSH'), { timeout: 15_000 }).toBe(closed + 1);
    });

    // Retried once: in about 2 of 20 runs of the e2e tier no xterm window came up and ssh never
    // connected (cause not found; the failure message shows the window, sshd's log and the bridge's
    // stderr, and xterm-no-login*.png are kept).
    it(
      'Open SSH in a real xterm logs into sshd; ending the session there closes the door',
      { retry: 1 },
      async () => {
        await page.getByRole('button', { name: 'Settings', exact: true }).click();
        const settings = page.getByRole('form', { name: 'Settings' });
        const terminal = settings.getByLabel('Terminal', { exact: true });
        await terminal.selectOption('xterm');
        expect(await terminal.inputValue()).toBe('xterm');
        await settings.getByRole('button', { name: 'Save settings' }).click();
        await expect.poll(() => settings.getByRole('status').textContent()).toMatch(/saved/i);
        // Two failed attempts (in CI) ran Open SSH in the previous test's terminal (the recorder,
        // per the bridge's log): the save must have stored xterm before the knock.
        const saved = join(work, 'state', 'settings.json');
        expect(
          readSyncIfPresent(saved),
          `settings.json after Save: ${readSyncIfPresent(saved)}`,
        ).toMatch(/"xterm"/);
        await page.getByRole('button', { name: 'Profiles', exact: true }).click();
        const accepted = () => sshd.log().split('Accepted publickey for root').length - 1;
        const [logins, closed] = [accepted(), await doorCount('closeSSH')];
        await page.getByRole('button', { name: 'Open SSH to lab' }).click();
        await expect
          .poll(accepted, { timeout: 45_000 })
          .toBe(logins + 1)
          .catch(async (error: unknown) => {
            const progress = await page
              .getByRole('main')
              .textContent()
              .catch(() => '');
            await page.screenshot({ path: join(SHOTS, 'xterm-no-login.png'), fullPage: true });
            await display
              .screenshot(join(SHOTS, 'xterm-no-login-screen.png'))
              .catch(() => undefined);
            const report = `no login in sshd's log; the window says: ${progress ?? ''}\nsshd:\n${sshd.log()}\nbridge stderr:\n${bridgeErr}`;
            // Kept as a file too: a retry that passes hides the first attempt's message.
            writeFileSync(join(SHOTS, 'xterm-no-login.txt'), `${report}\n`);
            throw new Error(report, { cause: error });
          });
        // Typed into the xterm as a user would: the remote shell says where the session came from
        // (into a file, which tells the test the shell is reading commands), then on the screen.
        const ready = join(work, 'remote-ready');
        await display.pointAt(200, 150);
        await display.typeLine(`echo "$SSH_CONNECTION" > ${ready}`);
        await expect
          .poll(() => readSyncIfPresent(ready), { timeout: 15_000 })
          .toMatch(new RegExp(`^${bed.client.ipv4} \\d+ ${bed.server.ipv4} 22\n$`));
        const shown = join(work, 'remote-shown');
        await display.typeLine(
          `clear; echo "Open SSH by Sesame: $(id -un)@$(hostname), from $SSH_CLIENT"; : > ${shown}`,
        );
        await expect.poll(() => existsSync(shown), { timeout: 15_000 }).toBe(true);
        await display.screenshot(join(SHOTS, '12-xterm-remote-shell.png'));
        await display.typeLine('exit');
        // ssh ends, xterm with it, and the app knocks the close sequence: the door shuts.
        await expect.poll(() => doorCount('closeSSH'), { timeout: 15_000 }).toBe(closed + 1);
        await expect
          .poll(async () => (await bed.run(bed.server, ['iptables', '-S', 'INPUT'])).stdout, {
            timeout: 10_000,
          })
          .not.toContain('--dport 22 -j ACCEPT');
        const list = page.getByRole('list', { name: 'Profiles' });
        await expect.poll(() => list.textContent(), { timeout: 10_000 }).toMatch(/Door closed/);
        await shoot(page, SHOTS, '13-after-xterm-session');
      },
    );

    it('imports a knockd.conf (preview first) and exports the profiles as JSON', async () => {
      await page.getByRole('button', { name: 'Import & export' }).click();
      await page.getByRole('radio', { name: 'knockd.conf' }).check();
      const conf = readFileSync('test/fixtures/knockd/iptables-open-close.conf', 'utf8');
      await page.getByLabel('Text to import').fill(conf);
      await page.getByLabel('Host the doors are on').fill(bed.server.ipv4);
      await page.getByRole('button', { name: 'Preview' }).click();
      const importButton = page.getByRole('button', { name: /^Import \d+ profiles?$/ });
      await expect.poll(() => importButton.isEnabled()).toBe(true);
      await shoot(page, SHOTS, '08-import-preview');
      await importButton.click();
      await expect.poll(() => page.getByRole('region', { name: 'Import result' }).count()).toBe(1);
      const download = page.waitForEvent('download');
      await page.getByRole('button', { name: 'Export all profiles' }).click();
      await page.getByRole('link', { name: /Save sesame-profiles\.json/ }).click();
      const file = await download;
      expect(file.suggestedFilename()).toBe('sesame-profiles.json');
      const saved = join(work, 'export.json');
      await file.saveAs(saved);
      const exported = JSON.parse(readFileSync(saved, 'utf8')) as { profiles: { name: string }[] };
      expect(exported.profiles.map((p) => p.name)).toContain('lab');
      expect(exported.profiles.length).toBeGreaterThanOrEqual(2);
      await shoot(page, SHOTS, '09-import-export');
      await page.getByRole('button', { name: 'Profiles', exact: true }).click();
      await shoot(page, SHOTS, '10-list');
    });
  },
);
