import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execHost, killPids, pidAlive, requireCommand } from './processes';

/** One end of the test network: a network namespace with one veth interface. */
export interface Host {
  /** Name of the network namespace (as shown by `ip netns list`). */
  readonly name: string;
  /** Name of the veth interface inside that namespace. */
  readonly ifname: string;
  /** IPv4 address on ifname (198.18.0.0/24, the benchmarking range). */
  readonly ipv4: string;
  /** IPv6 ULA on ifname (fd53:5e5a::/64); only configured when the bed has ipv6 enabled. */
  readonly ipv6: string;
}

const NETNS_PATTERN = /^sesame-(\d+)-[0-9a-f]{4}-(?:srv|cli)$/;
const TEMP_DIR_PATTERN = /^sesame-(\d+)-knockd-/;
const SERVER_ADDRESSES = { ipv4: '198.18.0.1', ipv6: 'fd53:5e5a::1' } as const;
const CLIENT_ADDRESSES = { ipv4: '198.18.0.2', ipv6: 'fd53:5e5a::2' } as const;

/** Runs `ip` in the root namespace and resolves with its stdout. */
export function ip(args: string[]): Promise<string> {
  return execHost(requireCommand('ip'), args);
}

/** Names of all network namespaces, so tests can prove teardown removed theirs. */
export async function listNetworkNamespaces(): Promise<string[]> {
  const out = await ip(['netns', 'list']);
  return out
    .split('\n')
    .map((line) => line.trim().split(/\s+/)[0] ?? '')
    .filter((name) => name !== '');
}

function ownerIsGone(name: string, pattern: RegExp): boolean {
  const pid = Number(pattern.exec(name)?.[1] ?? NaN);
  return Number.isInteger(pid) && pid !== process.pid && !pidAlive(pid);
}

async function sweepStaleTempDirs(): Promise<void> {
  const entries = await readdir(tmpdir());
  const stale = entries.filter((entry) => ownerIsGone(entry, TEMP_DIR_PATTERN));
  await Promise.all(
    stale.map((entry) => rm(join(tmpdir(), entry), { recursive: true, force: true })),
  );
}

/** SIGKILLs whatever still runs inside one of our namespaces (knockd, its commands, clients). */
export async function killNamespaceProcesses(name: string): Promise<void> {
  killPids(await ip(['netns', 'pids', name]).catch(() => ''));
}

/** Deletes namespaces (and temp dirs) left by test runs whose process died; returns the names. */
export async function sweepStaleTestBeds(): Promise<string[]> {
  const stale = (await listNetworkNamespaces()).filter((name) => ownerIsGone(name, NETNS_PATTERN));
  for (const name of stale) {
    await killNamespaceProcesses(name);
    await ip(['netns', 'del', name]).catch(() => undefined); // a parallel sweep may have won
  }
  await sweepStaleTempDirs();
  return stale;
}

/** Kills what runs in a namespace and deletes it, synchronously (for exit handlers). */
export function deleteNamespaceSync(ipPath: string, name: string): void {
  try {
    killPids(execFileSync(ipPath, ['netns', 'pids', name], { encoding: 'utf8', stdio: 'pipe' }));
    execFileSync(ipPath, ['netns', 'del', name], { stdio: 'ignore' });
  } catch {
    // already gone
  }
}

/** The server and client of bed `id`: namespace names, veth names (random) and fixed addresses. */
export function makeHosts(id: string): { server: Host; client: Host } {
  const veth = randomBytes(3).toString('hex');
  return {
    server: { name: `sesame-${id}-srv`, ifname: `ss${veth}`, ...SERVER_ADDRESSES },
    client: { name: `sesame-${id}-cli`, ifname: `sc${veth}`, ...CLIENT_ADDRESSES },
  };
}

function inNetns(host: Host, argv: string[]): Promise<string> {
  return ip(['netns', 'exec', host.name, ...argv]);
}

async function configureHost(host: Host, ipv6: boolean): Promise<void> {
  // No duplicate address detection for the link-local address the kernel gives the veth when it
  // comes up: it would turn valid a second or two later, and that change of address makes a
  // Chromium loading a page in the namespace fail its requests with ERR_NETWORK_CHANGED.
  await inNetns(host, ['sh', '-c', `echo 0 > /proc/sys/net/ipv6/conf/${host.ifname}/accept_dad`]);
  await ip(['-n', host.name, 'link', 'set', 'lo', 'up']);
  await ip(['-n', host.name, 'addr', 'add', `${host.ipv4}/24`, 'dev', host.ifname]);
  if (ipv6) {
    await ip(['-n', host.name, 'addr', 'add', `${host.ipv6}/64`, 'dev', host.ifname, 'nodad']);
  }
}

/** DROP everything arriving at the server except loopback and IPv6 neighbour discovery. */
async function configureServerFirewall(server: Host): Promise<void> {
  const iptables = ['iptables', '-w', '5'];
  const ip6tables = ['ip6tables', '-w', '5'];
  await inNetns(server, [...iptables, '-A', 'INPUT', '-i', 'lo', '-j', 'ACCEPT']);
  await inNetns(server, [...iptables, '-P', 'INPUT', 'DROP']);
  await inNetns(server, [...ip6tables, '-A', 'INPUT', '-i', 'lo', '-j', 'ACCEPT']);
  for (const type of ['neighbour-solicitation', 'neighbour-advertisement']) {
    const icmp = ['-p', 'ipv6-icmp', '--icmpv6-type', type];
    await inNetns(server, [...ip6tables, '-A', 'INPUT', ...icmp, '-j', 'ACCEPT']);
  }
  await inNetns(server, [...ip6tables, '-P', 'INPUT', 'DROP']);
}

/**
 * Creates both namespaces (noting each in `res.namespaces` first, so teardown finds it), the veth
 * pair between them, the server's firewall and the addresses.
 */
export async function buildNetwork(
  res: { namespaces: string[] },
  server: Host,
  client: Host,
  v6: boolean,
): Promise<void> {
  for (const host of [server, client]) {
    res.namespaces.push(host.name);
    await ip(['netns', 'add', host.name]);
  }
  const peer = ['peer', 'name', client.ifname, 'netns', client.name];
  await ip(['link', 'add', server.ifname, 'netns', server.name, 'type', 'veth', ...peer]);
  await configureServerFirewall(server);
  for (const host of [server, client]) {
    await configureHost(host, v6);
    await ip(['-n', host.name, 'link', 'set', host.ifname, 'up']);
  }
}
