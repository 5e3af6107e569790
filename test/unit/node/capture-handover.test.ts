import { describe, expect, it } from 'vitest';
import { CaptureHandover, HANDOVER_LEDGER_MS } from '../../../electron/node/capture-handover';
import type { DecodedPacket } from '../../../shared/matcher/packet-decode';

const syn = (port: number, source = '198.18.0.2'): DecodedPacket => ({
  family: 4,
  source,
  destination: '198.18.0.1',
  protocol: 'tcp',
  port,
  tcpFlags: 0x02,
});

function handover() {
  const seen: number[] = [];
  const h = new CaptureHandover((packet) => seen.push(packet.port));
  return { h, seen };
}

describe('CaptureHandover', () => {
  it("passes the current capture's packets and drops those of any other", () => {
    const { h, seen } = handover();
    const a = h.attach();
    const b = h.attach();
    h.use(a.id);
    a.onPacket(syn(1), 0);
    b.onPacket(syn(2), 0);
    expect(seen).toEqual([1]);
  });

  it('during a swap: the old capture passes, the new one waits, and each packet passes once', () => {
    const { h, seen } = handover();
    const old = h.attach();
    h.use(old.id);
    const next = h.attach();
    const swap = h.begin(next.id);
    old.onPacket(syn(10), 1); // only in the old capture's buffer
    old.onPacket(syn(11), 2); // reached both
    next.onPacket(syn(11), 2);
    next.onPacket(syn(12), 3); // only in the new one
    expect(seen).toEqual([10, 11]);
    h.finish(swap, 4);
    expect(seen).toEqual([10, 11, 12]);
    next.onPacket(syn(11, '198.18.0.3'), 5); // another source: another packet
    expect(seen).toEqual([10, 11, 12, 11]);
    old.onPacket(syn(13), 6); // the old capture is closed
    expect(seen).toEqual([10, 11, 12, 11]);
  });

  it('drops a copy the new capture delivers after the swap, and forgets the old packets soon after', () => {
    const { h, seen } = handover();
    const old = h.attach();
    h.use(old.id);
    const next = h.attach();
    const swap = h.begin(next.id);
    old.onPacket(syn(20), 1);
    old.onPacket(syn(21), 1);
    h.finish(swap, 2);
    next.onPacket(syn(20), 3); // its copy read only now: dropped
    expect(seen).toEqual([20, 21]);
    next.onPacket(syn(21), 2 + HANDOVER_LEDGER_MS + 1); // later: a new packet
    expect(seen).toEqual([20, 21, 21]);
  });

  it('a reload (use) ends a swap: a stale finish changes nothing', () => {
    const { h, seen } = handover();
    const old = h.attach();
    h.use(old.id);
    const next = h.attach();
    const swap = h.begin(next.id);
    next.onPacket(syn(30), 1);
    const reloaded = h.attach();
    h.use(reloaded.id);
    h.finish(swap, 2);
    reloaded.onPacket(syn(31), 3);
    expect(seen).toEqual([31]);
  });
});
