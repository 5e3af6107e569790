import { describe, expect, it } from 'vitest';
import {
  CAPTURE_SNAPLEN,
  explainCaptureError,
  openCapture,
  RING_PACKETS,
  ringBytes,
  type CaptureModule,
} from '../../../electron/node/capture';
import { captureFilter } from '../../../shared/matcher/capture-filter';

describe('captureFilter', () => {
  it('lists each door port once per protocol, IPv4 and IPv6 unless -4, and on Ethernet behind one or two VLAN tags', () => {
    const ports = [
      { protocol: 'tcp' as const, port: 9000 },
      { protocol: 'udp' as const, port: 8000 },
      { protocol: 'tcp' as const, port: 7000 },
      { protocol: 'tcp' as const, port: 9000 },
    ];
    const both =
      '(ip or ip6) and ((tcp dst port 7000) or (tcp dst port 9000) or (udp dst port 8000))';
    const tagged = (f: string) => `(${f}) or (vlan and vlan and (${f}))`;
    expect(captureFilter(ports, false)).toBe(both);
    expect(captureFilter(ports, false, true)).toBe(tagged(both));
    expect(captureFilter(ports, true, true)).toBe(
      tagged('ip and ((tcp dst port 7000) or (tcp dst port 9000) or (udp dst port 8000))'),
    );
  });
});

describe('openCapture', () => {
  it.each([
    [
      new Error("Cannot find module 'sesame-capture'"),
      'needs the optional module sesame-capture (native/capture), which is not built: apt-get install libpcap-dev, then npm rebuild sesame-capture',
    ],
    [new Error('libpcap.so.0.8: cannot open shared object file'), 'install libpcap'],
  ])('explains a module that cannot load: %s', (error, message) => {
    const result = openCapture({
      interface: 'eth0',
      filter: '',
      onPacket: () => undefined,
      loadModule: () => {
        throw error;
      },
    });
    expect(result).toEqual({ ok: false, error: expect.stringContaining(message) as string });
  });

  it.each([
    [
      "You don't have permission to capture on that device (socket: Operation not permitted)",
      'no permission to capture on eth9: run as root, or with CAP_NET_RAW and CAP_NET_ADMIN',
    ],
    [
      'eth9: No such device exists (SIOCGIFHWADDR: No such device)',
      'no network interface named eth9',
    ],
  ])('explains a failed open: %s', (text, message) => {
    expect(explainCaptureError('eth9', new Error(text))).toContain(message);
  });

  /** A fake addon that records how it was opened and lets the test deliver batches. */
  function fakeModule(linkType = 12) {
    const state: {
      args?: unknown[];
      batch?: Buffer;
      onBatch?: (count: number, error?: string) => void;
      closed: number;
    } = { closed: 0 };
    const module: CaptureModule = {
      open: (...args) => {
        state.args = args.slice(0, 5);
        state.batch = args[5];
        state.onBatch = args[6];
        return { handle: 'h', linkType, snaplen: args[2] };
      },
      stats: () => ({ received: 5, dropped: 2, interfaceDropped: 0 }),
      close: () => (state.closed += 1),
    };
    return { module, state };
  }

  it('opens with a small snapshot, promiscuous mode off and a ring sized in packets', () => {
    const { module, state } = fakeModule();
    const result = openCapture({
      interface: 'eth0',
      filter: 'udp',
      onPacket: () => undefined,
      loadModule: () => module,
    });
    expect(result.ok).toBe(true);
    expect(state.args).toEqual(['eth0', 'udp', CAPTURE_SNAPLEN, false, 32_000_000]);
    expect(ringBytes(RING_PACKETS, CAPTURE_SNAPLEN)).toBeLessThanOrEqual(32 * 1024 * 1024);
    expect(result.ok && result.value.counters()).toEqual({
      received: 5,
      dropped: 2,
      interfaceDropped: 0,
    });
  });

  it('decodes each record of a batch and hands it on; an error is passed on', () => {
    const { module, state } = fakeModule();
    const got: string[] = [];
    const errors: string[] = [];
    const result = openCapture({
      interface: 'lo',
      filter: 'udp',
      onPacket: (p) => got.push(`${p.source} ${p.protocol} ${p.port}`),
      onError: (e) => errors.push(e),
      loadModule: () => module,
    });
    expect(result.ok && result.value.linkType).toBe('raw');
    const udp = (port: string) =>
      Buffer.from(`4500001c0001000040110000c6120002c61200019c40${port}00080000`, 'hex');
    const batch = state.batch ?? Buffer.alloc(0);
    let at = 0;
    for (const frame of [udp('1f40'), udp('1f41')]) {
      batch.writeUInt32LE(frame.length, at);
      batch.writeUInt32LE(frame.length, at + 4);
      frame.copy(batch, at + 8);
      at += 8 + frame.length;
    }
    state.onBatch?.(2);
    expect(got).toEqual(['198.18.0.2 udp 8000', '198.18.0.2 udp 8001']);
    state.onBatch?.(0, 'capture: the interface went down');
    expect(errors).toEqual(['capture: the interface went down']);
  });

  it('refuses a link type the decoder cannot read, and closes the handle', () => {
    const { module, state } = fakeModule(105);
    const result = openCapture({
      interface: 'wlan0',
      filter: '',
      onPacket: () => undefined,
      loadModule: () => module,
    });
    expect(result).toEqual({ ok: false, error: 'cannot read packets of link type 105 on wlan0' });
    expect(state.closed).toBe(1);
  });
});
