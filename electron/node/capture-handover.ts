import type { DecodedPacket } from '../../shared/matcher/packet-decode';

/** Where the server's packets go (KnockServer.handlePacket). */
export type PacketSink = (packet: DecodedPacket, time: number) => void;

/** How long after a swap a packet the old capture delivered is still looked for in the new one. */
export const HANDOVER_LEDGER_MS = 200;

function packetKey(packet: DecodedPacket): string {
  return `${packet.protocol} ${packet.source} ${packet.destination} ${packet.port} ${packet.tcpFlags}`;
}

/**
 * Routes the packets of the server's captures, each packet once, while a step boundary swaps one
 * capture for another (libpcap cannot change the filter of an open capture). Opening the new
 * capture takes tens of milliseconds, and what arrives meanwhile is only in the old one's buffer:
 * so the old capture stays open until it has read its buffer (one event-loop turn), its packets
 * passing and being noted; the new one's packets wait until the old one is closed, and those the
 * old one already delivered (a packet arriving once both are open reaches both) are dropped, once
 * each. A repeated packet would otherwise break a knock, and a lost one lose it.
 */
export class CaptureHandover {
  #nextId = 0;
  #current = 0;
  #retiring: number | undefined;
  #swap = 0;
  #held: [DecodedPacket, number][] = [];
  readonly #ledger = new Map<string, number>();
  #ledgerUntil = -Infinity;

  constructor(private readonly sink: PacketSink) {}

  /** A fresh capture id and the onPacket to open that capture with. */
  attach(): { id: number; onPacket: PacketSink } {
    const id = (this.#nextId += 1);
    return { id, onPacket: (packet, time) => this.#packet(id, packet, time) };
  }

  /** Makes `id` the only capture whose packets pass (a start or a reload); any swap is forgotten. */
  use(id: number): void {
    this.#current = id;
    this.#retiring = undefined;
    this.#swap += 1;
    this.#held = [];
    this.#ledger.clear();
  }

  /** A swap begins: `id` (just opened) takes over; the current capture retires. Returns the swap. */
  begin(id: number): number {
    this.#retiring = this.#current;
    this.#current = id;
    this.#ledger.clear();
    this.#swap += 1;
    return this.#swap;
  }

  /** The retiring capture is closed: the new one's held packets pass, minus those delivered. */
  finish(swap: number, now: number): void {
    if (swap !== this.#swap || this.#retiring === undefined) return;
    this.#retiring = undefined;
    this.#ledgerUntil = now + HANDOVER_LEDGER_MS;
    const held = this.#held;
    this.#held = [];
    for (const [packet, time] of held) this.#fromCurrent(packet, time);
  }

  #packet(id: number, packet: DecodedPacket, time: number): void {
    if (id === this.#retiring) {
      const key = packetKey(packet);
      this.#ledger.set(key, (this.#ledger.get(key) ?? 0) + 1);
      this.sink(packet, time);
    } else if (id === this.#current) {
      if (this.#retiring === undefined) this.#fromCurrent(packet, time);
      else this.#held.push([packet, time]);
    }
    // A capture that is neither (closed, or replaced by a reload): its packet is dropped.
  }

  #fromCurrent(packet: DecodedPacket, time: number): void {
    if (this.#ledger.size > 0) {
      if (time > this.#ledgerUntil) {
        this.#ledger.clear();
      } else {
        const key = packetKey(packet);
        const seen = this.#ledger.get(key) ?? 0;
        if (seen > 0) {
          if (seen === 1) this.#ledger.delete(key);
          else this.#ledger.set(key, seen - 1);
          return;
        }
      }
    }
    this.sink(packet, time);
  }
}
