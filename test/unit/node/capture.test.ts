import { describe, expect, it } from 'vitest';
import { explainCaptureError, openCapture, type CapHandle } from '../../../electron/node/capture';
import { captureFilter } from '../../../shared/matcher/capture-filter';

describe('captureFilter', () => {
  it('lists each door port once per protocol, IPv4 and IPv6 unless -4', () => {
    const ports = [
      { protocol: 'tcp' as const, port: 9000 },
      { protocol: 'udp' as const, port: 8000 },
      { protocol: 'tcp' as const, port: 7000 },
      { protocol: 'tcp' as const, port: 9000 },
    ];
    expect(captureFilter(ports, false)).toBe(
      '(ip or ip6) and ((tcp dst port 7000) or (tcp dst port 9000) or (udp dst port 8000))',
    );
    expect(captureFilter(ports, true)).toBe(
      'ip and ((tcp dst port 7000) or (tcp dst port 9000) or (udp dst port 8000))',
    );
  });
});

describe('openCapture', () => {
  it.each([
    [
      new Error("Cannot find module 'cap'"),
      'needs the optional module cap, which is not installed',
    ],
    [new Error('libpcap.so.0.8: cannot open shared object file'), 'install libpcap'],
  ])('explains a module that cannot load: %s', (error, message) => {
    const result = openCapture({
      interface: 'eth0',
      filter: '',
      onPacket: () => undefined,
      loadCap: () => {
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

  it('decodes each captured frame and hands it on', () => {
    let deliver: ((bytes: number, truncated: boolean) => void) | undefined;
    let captured: Buffer | undefined;
    class FakeCap implements CapHandle {
      open(_device: string, _filter: string, _size: number, buffer: Buffer) {
        captured = buffer;
        return 'RAW';
      }
      on(_event: 'packet', listener: (bytes: number, truncated: boolean) => void) {
        deliver = listener;
      }
      close() {}
    }
    const got: string[] = [];
    const result = openCapture({
      interface: 'lo',
      filter: 'udp',
      onPacket: (p) => got.push(`${p.source} ${p.protocol} ${p.port}`),
      loadCap: () => ({ Cap: FakeCap }),
    });
    expect(result.ok && result.value.linkType).toBe('raw');
    Buffer.from('4500001c0001000040110000c6120002c61200019c401f4000080000', 'hex').copy(
      captured ?? Buffer.alloc(0),
    );
    deliver?.(28, false);
    expect(got).toEqual(['198.18.0.2 udp 8000']);
  });
});
