import { describe, expect, it } from 'vitest';
import { createSocketTransport, needsCraftedPacket } from '../../../electron/node/knock-transport';
import type { RawTcpSender } from '../../../electron/node/raw-tcp';
import type { Knock } from '../../../shared/sequence/sequence';

function fakeRaw(failPrepare?: Error) {
  const calls: string[] = [];
  const sender: RawTcpSender = {
    prepare: (family) => {
      calls.push(`prepare ${family}`);
      return failPrepare ? Promise.reject(failPrepare) : Promise.resolve();
    },
    send: (address, family, port, flags) => {
      calls.push(`send ${address} ${family} ${port} 0x${flags.toString(16)}`);
      return Promise.resolve();
    },
    close: () => calls.push('close'),
  };
  return { sender, calls };
}

const fin: Knock = { port: 7401, protocol: 'tcp', tcpFlags: { set: ['fin'], clear: ['ack'] } };

describe('socket transport', () => {
  it('routes hits with other TCP flags to crafted packets, opened before the first hit', async () => {
    const { sender, calls } = fakeRaw();
    const transport = createSocketTransport(() => sender);
    await transport.prepare?.([fin], 4);
    await transport.hit(fin, '198.18.0.1', 4);
    await transport.hit(
      { ...fin, tcpFlags: { set: ['fin', 'psh', 'urg'], clear: [] } },
      '198.18.0.1',
      4,
    );
    transport.close();
    expect(calls).toEqual([
      'prepare 4',
      'send 198.18.0.1 4 7401 0x1',
      'send 198.18.0.1 4 7401 0x29',
      'close',
    ]);
  });

  it('lets a missing privilege stop the knock in prepare', async () => {
    const { sender } = fakeRaw(new Error('run as root or give node CAP_NET_RAW'));
    const transport = createSocketTransport(() => sender);
    await expect(transport.prepare?.([fin], 6)).rejects.toThrow('CAP_NET_RAW');
  });

  it('keeps plain SYN doors on the kernel connect path', () => {
    expect(needsCraftedPacket({ port: 1, protocol: 'tcp' })).toBe(false);
    expect(
      needsCraftedPacket({ port: 1, protocol: 'tcp', tcpFlags: { set: ['syn'], clear: ['ack'] } }),
    ).toBe(false);
    expect(needsCraftedPacket(fin)).toBe(true);
    expect(needsCraftedPacket({ port: 1, protocol: 'udp' })).toBe(false);
  });
});
