import { existsSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { listNetworkNamespaces, type Host } from '../support/netns';
import { describeRoot } from '../support/root';
import { createTestBed, type TestBed } from '../support/testbed';

// Real knock → real knockd across the bed's veth pair. No LogFile in [options]: knockd 0.8 lets
// the config's LogFile override -g, and startKnockd's -g file is the one we want to read.
const OPEN_SSH = `[openSSH]
  sequence    = 7000,8000:udp,9000
  seq_timeout = 5
  tcpflags    = syn
  command     = /bin/echo opened-for %IP%
`;

/** Connects from inside a namespace; prints connected | refused | timeout | error:<code>. */
const TCP_PROBE = `
const [host, port, ms] = process.argv.slice(1);
const socket = require('node:net').connect({ host, port: Number(port) });
const done = (what) => { process.stdout.write(what); socket.destroy(); process.exit(0); };
socket.setTimeout(Number(ms), () => done('timeout'));
socket.on('connect', () => done('connected'));
socket.on('error', (e) => done(e.code === 'ECONNREFUSED' ? 'refused' : 'error:' + e.code));
`;

const CLOSED_PORT = '4242';
const PROBE_TIMEOUT_MS = '700';

async function probe(bed: TestBed, from: Host, address: string): Promise<string> {
  const argv = [process.execPath, '-e', TCP_PROBE, address, CLOSED_PORT, PROBE_TIMEOUT_MS];
  const result = await bed.run(from, argv);
  expect(result.stderr).toBe('');
  return result.stdout;
}

/** Packets the server's INPUT chain dropped by policy so far. */
async function policyDrops(bed: TestBed, command: 'iptables' | 'ip6tables'): Promise<number> {
  const listing = await bed.run(bed.server, [command, '-w', '5', '-n', '-v', '-x', '-L', 'INPUT']);
  const count = /policy DROP (\d+) packets/.exec(listing.stdout)?.[1];
  if (count === undefined) throw new Error(`no DROP policy in:\n${listing.stdout}`);
  return Number(count);
}

async function macOf(bed: TestBed, host: Host): Promise<string> {
  const out = await bed.run(host, ['ip', '-j', 'link', 'show', 'dev', host.ifname]);
  const [link] = JSON.parse(out.stdout) as Array<{ address: string }>;
  return link?.address ?? '';
}

async function neighbourMac(bed: TestBed, host: Host, address: string): Promise<string> {
  const out = await bed.run(host, ['ip', '-j', 'neigh', 'show', address, 'dev', host.ifname]);
  const [entry] = JSON.parse(out.stdout) as Array<{ lladdr?: string }>;
  return entry?.lladdr ?? '';
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** openSSH events knockd logged for one source address, in log order. */
function doorEvents(log: string, source: string): string[] {
  const line = new RegExp(`^\\[[\\d: -]+\\] ${escapeRegExp(source)}: openSSH: (.+)$`, 'gm');
  return [...log.matchAll(line)].map((match) => match[1] ?? '');
}

async function knockOpensDoor(bed: TestBed, family: '-4' | '-6'): Promise<void> {
  const target = family === '-4' ? bed.server.ipv4 : bed.server.ipv6;
  const source = family === '-4' ? bed.client.ipv4 : bed.client.ipv6;
  const knockd = await bed.startKnockd(OPEN_SSH);
  const ipv6Flag = family === '-6' ? ['-6'] : [];
  const argv = ['knock', ...ipv6Flag, '-v', target, '7000', '8000:udp', '9000'];
  const knock = await bed.run(bed.client, argv);
  expect(knock.code).toBe(0);
  expect(knock.stdout).toContain(`hitting udp ${target}:8000`);

  await knockd.waitForLog(`${source}: openSSH: OPEN SESAME`);
  const log = await knockd.waitForLog(`openSSH: running command: /bin/echo opened-for ${source}`);
  expect(doorEvents(log, source)).toEqual(['Stage 1', 'Stage 2', 'Stage 3', 'OPEN SESAME']);
  await knockd.waitForLog(new RegExp(`^opened-for ${escapeRegExp(source)}$`, 'm')); // on stdout
  await knockd.stop();
  expect(knockd.running).toBe(false);
}

describeRoot('test bed', { commands: ['ip', 'iptables', 'ip6tables', 'knockd', 'knock'] }, () => {
  let current: TestBed | undefined;
  const bed = (): TestBed => {
    if (current === undefined) throw new Error('test bed was not created');
    return current;
  };

  beforeAll(async () => {
    current = await createTestBed();
  }, 20_000);

  afterAll(async () => {
    await current?.teardown();
  });

  it('joins the hosts on one link, with only their own addresses and no routes out', async () => {
    for (const host of [bed().server, bed().client]) {
      const addrs = await bed().run(host, ['ip', '-o', 'addr', 'show', 'dev', host.ifname]);
      expect(addrs.stdout).toContain(`inet ${host.ipv4}/24`);
      expect(addrs.stdout).toContain(`inet6 ${host.ipv6}/64`);
      const routes = await bed().run(host, ['ip', 'route', 'show', 'default']);
      expect(routes.stdout.trim()).toBe('');
    }
  });

  it('has its addresses settled once made: none tentative (no address change later)', async () => {
    // A link-local address still in duplicate address detection turns valid a second later, and
    // Chromium in the namespace fails its requests on that change (ERR_NETWORK_CHANGED, seen in CI).
    const fresh = await createTestBed({ ipv6: false });
    try {
      for (const host of [fresh.server, fresh.client]) {
        const tentative = await fresh.run(host, ['ip', '-6', 'addr', 'show', 'tentative']);
        expect(tentative.stdout.trim(), host.name).toBe('');
      }
    } finally {
      await fresh.teardown();
    }
  });

  it('delivers client packets to the server, whose firewall drops them', async () => {
    const dropsV4 = await policyDrops(bed(), 'iptables');
    expect(await probe(bed(), bed().client, bed().server.ipv4)).toBe('timeout');
    expect(await policyDrops(bed(), 'iptables')).toBeGreaterThan(dropsV4);

    const dropsV6 = await policyDrops(bed(), 'ip6tables');
    expect(await probe(bed(), bed().client, bed().server.ipv6)).toBe('timeout');
    expect(await policyDrops(bed(), 'ip6tables')).toBeGreaterThan(dropsV6);
    // Neighbour discovery got through the DROP policy: the client learnt the server's MAC.
    const serverMac = await macOf(bed(), bed().server);
    expect(await neighbourMac(bed(), bed().client, bed().server.ipv6)).toBe(serverMac);
    expect(await neighbourMac(bed(), bed().client, bed().server.ipv4)).toBe(serverMac);
    // Loopback stays open on the server, so a closed port answers with a reset there.
    expect(await probe(bed(), bed().server, bed().server.ipv4)).toBe('refused');
  });

  it('lets the real knock client open a real knockd door over IPv4 (tcp and udp)', async () => {
    await knockOpensDoor(bed(), '-4');
  });

  it('lets the real knock client open a real knockd door over IPv6', async () => {
    await knockOpensDoor(bed(), '-6');
  });

  it('removes its namespaces, processes and temp files on teardown', async () => {
    const other = await createTestBed({ ipv6: false });
    const names = [other.server.name, other.client.name];
    expect(names).not.toContain(bed().server.name);
    expect(await listNetworkNamespaces()).toEqual(expect.arrayContaining(names));
    const knockd = await other.startKnockd(OPEN_SSH);

    await other.teardown();
    await other.teardown(); // idempotent

    const left = await listNetworkNamespaces();
    expect(left.filter((name) => names.includes(name))).toEqual([]);
    expect(left).toContain(bed().server.name);
    expect(knockd.running).toBe(false);
    expect(existsSync(knockd.dir)).toBe(false);
  });
});
