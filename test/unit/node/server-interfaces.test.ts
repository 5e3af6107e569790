import { describe, expect, it } from 'vitest';
import {
  carriesVlanTags,
  defaultRouteInterface,
  interfaceList,
} from '../../../electron/node/server-interfaces';

const ROUTE = `Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT
wlan0\t00000000\t0101A8C0\t0003\t0\t0\t600\t00000000\t0\t0\t0
enp3s0\t00000000\t0100000A\t0003\t0\t0\t100\t00000000\t0\t0\t0
enp3s0\t0000000A\t00000000\t0001\t0\t0\t100\t00FFFFFF\t0\t0\t0
`;
const V6 = `fd000000000000000000000000000000 40 00000000000000000000000000000000 00 00000000000000000000000000000000 00000100 00000001 00000000 00000001     eth1
00000000000000000000000000000000 00 00000000000000000000000000000000 00 00000000000000000000000000000000 ffffffff 00000001 00000000 00200200       lo
00000000000000000000000000000000 00 00000000000000000000000000000000 00 fd000000000000000000000000000001 00000400 00000002 00000000 00000003     wg0
`;

describe('the interfaces a server listens on', () => {
  it('takes -i more than once and comma lists, each name once, in order', () => {
    expect(interfaceList(['eth0', 'wg0,eth0', ' eth1 , '])).toEqual(['eth0', 'wg0', 'eth1']);
    expect(interfaceList([])).toEqual([]);
    expect(interfaceList(['any'])).toEqual(['any']);
  });

  it("uses the IPv4 default route with the lowest metric, else IPv6's (never lo)", () => {
    const files = (route: string | undefined, v6: string | undefined) => (path: string) => {
      const text = path.endsWith('ipv6_route') ? v6 : route;
      if (text === undefined) throw new Error(`ENOENT: ${path}`);
      return text;
    };
    expect(defaultRouteInterface(files(ROUTE, V6))).toBe('enp3s0');
    expect(defaultRouteInterface(files(ROUTE.split('\n').slice(0, 1).join('\n'), V6))).toBe('wg0');
    expect(defaultRouteInterface(files(undefined, V6))).toBe('wg0');
    expect(defaultRouteInterface(files(undefined, undefined))).toBeUndefined();
  });
});

describe('carriesVlanTags', () => {
  const sys: Record<string, string> = {
    '/sys/class/net/eth0/type': '1\n',
    '/sys/class/net/lo/type': '772\n',
    '/sys/class/net/wg0/type': '65534\n',
  };
  const read = (path: string) => {
    const text = sys[path];
    if (text === undefined) throw new Error(`ENOENT: ${path}`);
    return text;
  };

  it('is true for Ethernet only: not loopback, WireGuard, any or an interface it cannot read', () => {
    expect(carriesVlanTags('eth0', read)).toBe(true);
    expect(carriesVlanTags('lo', read)).toBe(false);
    expect(carriesVlanTags('wg0', read)).toBe(false);
    expect(carriesVlanTags('any', read)).toBe(false);
    expect(carriesVlanTags('gone0', read)).toBe(false);
  });

  it('never reads outside /sys/class/net for an odd name', () => {
    const asked: string[] = [];
    const spy = (path: string) => {
      asked.push(path);
      return '1';
    };
    for (const name of ['../../../etc/passwd', '..', '.', 'a/b']) carriesVlanTags(name, spy);
    expect(asked).toEqual([]);
  });
});
