import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { bundleScript } from '../support/cli';
import type { Knockd } from '../support/knockd';
import type { RunResult } from '../support/processes';
import { describeRoot } from '../support/root';
import { createTestBed, type TestBed } from '../support/testbed';

// Crafted TCP packets from electron/node/raw-tcp on the wire: tcpdump checks flags and checksums,
// Debian's knockd checks that doors with `tcpflags` other than a plain SYN open.
const CONFIG = `[fin]
  sequence = 7401,7402,7403
  tcpflags = fin,!ack
  command = /bin/echo fin-open %IP%
[xmas]
  sequence = 7501,7502,7503
  tcpflags = fin,urg,psh
  command = /bin/echo xmas-open %IP%
`;

/**
 * The sender as a script: `ADDRESS FAMILY PORT/FLAGS...` sends one crafted packet per hit,
 * 20 ms apart; a RawTcpError ends it with exit code 2 and `code: message` on stderr.
 */
const SEND_SCRIPT = `
import { createRawTcpSender } from './electron/node/raw-tcp';
import { flagBits, parseTcpFlags } from './shared/sequence/tcp-flags';

const [address = '', familyText = '4', ...hits] = process.argv.slice(2);
const family = familyText === '6' ? 6 : 4;
const sender = createRawTcpSender();
try {
  await sender.prepare(family);
  for (const hit of hits) {
    const [port = '', flags = ''] = hit.split('/');
    const test = parseTcpFlags(flags);
    if (!test.ok) throw new Error(test.error);
    await sender.send(address, family, Number(port), flagBits(test.value));
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
} catch (error) {
  process.stderr.write(\`\${error.code ?? 'error'}: \${error.message}\\n\`);
  process.exitCode = 2;
} finally {
  sender.close();
}
`;

const NOBODY = ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'];

let bed: TestBed;
let knockd: Knockd;
let script: string;

/** Bundles SEND_SCRIPT under out/ (so raw-socket resolves from node_modules), readable by nobody. */
function buildSendScript(): Promise<string> {
  return bundleScript('raw-tcp-send', SEND_SCRIPT);
}

function send(args: string[], prefix: string[] = []): Promise<RunResult> {
  return bed.run(bed.client, [...prefix, process.execPath, script, ...args]);
}

/** One TCP packet as tcpdump -vv printed it. */
interface Seen {
  port: string;
  flags: string;
  checksum: string;
  length: string;
}

/** Runs `action` while tcpdump -vv listens on the server's interface for TCP from the client. */
async function capture(source: string, action: () => Promise<void>): Promise<Seen[]> {
  const argv = ['tcpdump', '-i', bed.server.ifname, '-nn', '-vv', '-l', '-U'];
  const dump = bed.spawn(bed.server, [...argv, 'tcp and src host', source]);
  let text = '';
  dump.stdout?.on('data', (chunk: Buffer) => (text += chunk.toString()));
  await new Promise<void>((resolve, reject) => {
    dump.stderr?.on('data', (c: Buffer) => /listening on/.test(c.toString()) && resolve());
    dump.once('exit', () => reject(new Error('tcpdump exited before listening')));
  });
  await action();
  await new Promise((resolve) => setTimeout(resolve, 300));
  dump.kill('SIGINT');
  await new Promise((resolve) => dump.once('exit', resolve));
  const pattern =
    /> \S+\.(\d+): Flags \[([^\]]*)\], cksum 0x[0-9a-f]{4} \(([^)]*)\),.* length (\d+)/g;
  return [...text.matchAll(pattern)].map(
    ([, port = '', flags = '', checksum = '', length = '']) => ({
      port,
      flags,
      checksum,
      length,
    }),
  );
}

describeRoot(
  'crafted TCP packets (raw-socket) on the wire and against the real knockd',
  { commands: ['ip', 'iptables', 'ip6tables', 'knockd', 'tcpdump', 'setpriv'] },
  () => {
    beforeAll(async () => {
      script = await buildSendScript();
      bed = await createTestBed();
      knockd = await bed.startKnockd(CONFIG);
    }, 30_000);

    afterAll(async () => {
      await bed.teardown();
      rmSync(dirname(script), { recursive: true, force: true });
    });

    it('puts exactly the crafted packets on the wire, with their flags and correct checksums', async () => {
      const hits = ['fin', 'fin,psh', 'syn,ack', 'fin,urg,psh', 'rst', 'ack', '!syn,!ack'];
      const seen = await capture(bed.client.ipv4, async () => {
        const args = hits.map((flags, i) => `${7601 + i}/${flags}`);
        const result = await send([bed.server.ipv4, '4', ...args]);
        expect(result.stderr).toBe('');
        expect(result.code).toBe(0);
      });
      expect(seen).toEqual(
        ['F', 'FP', 'S.', 'FPU', 'R', '.', 'none'].map((flags, i) => ({
          port: String(7601 + i),
          flags,
          checksum: 'correct',
          length: '0',
        })),
      );
    });

    it('puts correctly checksummed packets on the wire over IPv6', async () => {
      const seen = await capture(bed.client.ipv6, async () => {
        const result = await send([bed.server.ipv6, '6', '7701/fin', '7702/syn,ack']);
        expect(result.stderr).toBe('');
        expect(result.code).toBe(0);
      });
      expect(seen.map(({ port, flags, checksum }) => [port, flags, checksum])).toEqual([
        ['7701', 'F', 'correct'],
        ['7702', 'S.', 'correct'],
      ]);
    });

    it('opens a `tcpflags = fin,!ack` door with FIN packets over IPv4, where SYNs do nothing', async () => {
      const syns = await send([bed.server.ipv4, '4', '7401/syn', '7402/syn', '7403/syn']);
      expect(syns.code).toBe(0);
      const result = await send([bed.server.ipv4, '4', '7401/fin', '7402/fin', '7403/fin']);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      const log = await knockd.waitForLog(`${bed.client.ipv4}: fin: OPEN SESAME`);
      await knockd.waitForLog(`fin-open ${bed.client.ipv4}`);
      // One attempt only: knockd ignored the SYNs (they fail the door's FIN test).
      expect(log.match(new RegExp(`${bed.client.ipv4}: fin: Stage 1`, 'g'))).toHaveLength(1);
    });

    it('opens a `tcpflags = fin,urg,psh` door', async () => {
      const result = await send([
        bed.server.ipv4,
        '4',
        '7501/fin,urg,psh',
        '7502/psh,fin,urg',
        '7503/urg,psh,fin',
      ]);
      expect(result.code).toBe(0);
      await knockd.waitForLog(`${bed.client.ipv4}: xmas: OPEN SESAME`);
    });

    it('opens the FIN door over IPv6', async () => {
      const result = await send([bed.server.ipv6, '6', '7401/fin', '7402/fin', '7403/fin']);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      await knockd.waitForLog(`${bed.client.ipv6}: fin: OPEN SESAME`);
      await knockd.waitForLog(`fin-open ${bed.client.ipv6}`);
    });

    it('tells an unprivileged user to run as root or grant CAP_NET_RAW, and sends nothing', async () => {
      for (const [address, family] of [
        [bed.server.ipv4, '4'],
        [bed.server.ipv6, '6'],
      ] as const) {
        const seen = await capture(family === '4' ? bed.client.ipv4 : bed.client.ipv6, async () => {
          const result = await send([address, family, '7401/fin'], NOBODY);
          expect(result.code).toBe(2);
          expect(result.stderr).toBe(
            'permission: sending TCP flags other than SYN needs a raw socket: run as root or give ' +
              'node CAP_NET_RAW (e.g. sudo setcap cap_net_raw+ep "$(readlink -f "$(command -v node)")")\n',
          );
        });
        expect(seen).toEqual([]);
      }
    });
  },
);
