import { readFileSync } from 'node:fs';

/**
 * The interfaces named by `-i` (given more than once) or by `Interface =` in [options], each of
 * which may be a comma-separated list (`eth0,wg0`): in order, each once. `any` is every interface.
 */
export function interfaceList(named: readonly string[]): string[] {
  const names = named.flatMap((value) => value.split(',').map((name) => name.trim()));
  return [...new Set(names.filter((name) => name !== ''))];
}

/** Reads a /proc file; tests pass their own text. */
export type ProcReader = (path: string) => string;

const readProc: ProcReader = (path) => readFileSync(path, 'utf8');

/** ARPHRD_ETHER in /sys/class/net/NAME/type: the link type that carries VLAN tags. */
const ARPHRD_ETHER = '1';

/**
 * Whether frames on the interface can carry 802.1Q tags: an Ethernet interface (veth, bridge and
 * bond included). Not `any` (libpcap's cooked capture) nor loopback, tun or WireGuard, on which
 * libpcap refuses a `vlan` filter; an interface that cannot be read counts as not Ethernet.
 */
export function carriesVlanTags(name: string, read: ProcReader = readProc): boolean {
  if (name === 'any' || !/^[^/\0]+$/.test(name) || name === '.' || name === '..') return false;
  try {
    return read(`/sys/class/net/${name}/type`).trim() === ARPHRD_ETHER;
  } catch {
    return false;
  }
}

/**
 * The interface of the default route, where knockd's default (eth0) no longer exists on most
 * machines: the IPv4 default route with the lowest metric (/proc/net/route), else the IPv6 one
 * (/proc/net/ipv6_route), else undefined.
 */
export function defaultRouteInterface(read: ProcReader = readProc): string | undefined {
  const lowest = (routes: { iface: string; metric: number }[]) =>
    routes.sort((a, b) => a.metric - b.metric)[0]?.iface;
  try {
    // Iface Destination Gateway Flags RefCnt Use Metric Mask ... (hex, little-endian addresses)
    const v4 = read('/proc/net/route')
      .split('\n')
      .slice(1)
      .map((line) => line.trim().split(/\s+/))
      .filter((f) => f.length >= 8 && f[1] === '00000000' && f[7] === '00000000')
      .map((f) => ({ iface: f[0] ?? '', metric: Number.parseInt(f[6] ?? '0', 10) }));
    const found = lowest(v4);
    if (found) return found;
  } catch {
    // no IPv4 routes file: try IPv6
  }
  try {
    // destination prefix-length source prefix-length next-hop metric refcnt use flags iface
    const v6 = read('/proc/net/ipv6_route')
      .split('\n')
      .map((line) => line.trim().split(/\s+/))
      .filter((f) => f.length >= 10 && /^0{32}$/.test(f[0] ?? '') && f[1] === '00' && f[9] !== 'lo')
      .map((f) => ({ iface: f[9] ?? '', metric: Number.parseInt(f[5] ?? '0', 16) }));
    return lowest(v6);
  } catch {
    return undefined;
  }
}
