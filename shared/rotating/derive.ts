// The rotating-sequence derivation of docs/rotating-sequences.md: secret, label and step index in,
// knock sequence out. Pure: the HMAC-SHA256 function is passed in (shared/ has no crypto of its
// own; electron/node/hmac.ts passes node:crypto's).
import type { Knock } from '../sequence/sequence';
import { utf8Bytes, type RotatingParams } from './params';

/** HMAC-SHA256 (RFC 2104 with SHA-256): key and message in, 32 bytes out. */
export type HmacSha256 = (key: Uint8Array, message: Uint8Array) => Uint8Array;

/** The spec's domain string: the first bytes of every HMAC message. */
export const ROTATING_DOMAIN = 'sesame-rotating-v1';

/** Blocks a derivation may use before it gives up (never reached: each draw fails with p < 0.2). */
const MAX_BLOCKS = 1024;

/** The step index of a time: floor(unix seconds / step). */
export function stepAt(unixSeconds: number, stepSeconds: number): number {
  return Math.floor(unixSeconds / stepSeconds);
}

/**
 * The HMAC message for one block: the domain, 0x00, the label in UTF-8, 0x00, the step index as an
 * unsigned 64-bit big-endian number, the block counter as an unsigned 32-bit big-endian number.
 */
export function blockMessage(label: string, step: number, counter: number): Uint8Array {
  const domain = utf8Bytes(ROTATING_DOMAIN);
  const name = utf8Bytes(label);
  const message = new Uint8Array(domain.length + 1 + name.length + 1 + 8 + 4);
  message.set(domain, 0);
  message.set(name, domain.length + 1);
  const view = new DataView(message.buffer);
  const tail = domain.length + 1 + name.length + 1;
  view.setBigUint64(tail, BigInt(step));
  view.setUint32(tail + 8, counter);
  return message;
}

/** The stream of 32-bit big-endian words: block 0's eight words, then block 1's, and so on. */
function* words(hmac: HmacSha256, secret: Uint8Array, label: string, step: number) {
  for (let counter = 0; counter < MAX_BLOCKS; counter += 1) {
    const block = hmac(secret, blockMessage(label, step, counter));
    const view = new DataView(block.buffer, block.byteOffset, block.byteLength);
    for (let offset = 0; offset + 4 <= block.length; offset += 4) yield view.getUint32(offset);
  }
  throw new Error('rotating sequence: the HMAC stream ran out (is the HMAC function broken?)');
}

/**
 * The sequence of one step: for each knock, words are drawn until one is below the largest
 * multiple of the range size under 2^32 (so every port is equally likely) and gives a port not yet
 * in the sequence; with `mixed`, the next word's lowest bit picks the protocol (0 TCP, 1 UDP).
 * Inputs are trusted (validated where they were read: params.ts).
 */
export function deriveSequence(
  hmac: HmacSha256,
  secret: Uint8Array,
  label: string,
  step: number,
  params: RotatingParams,
): Knock[] {
  const size = params.ports.high - params.ports.low + 1;
  const limit = 2 ** 32 - (2 ** 32 % size);
  const stream = words(hmac, secret, label, step);
  const draw = (): number => stream.next().value as number;
  const knocks: Knock[] = [];
  const used = new Set<number>();
  while (knocks.length < params.length) {
    const word = draw();
    if (word >= limit) continue;
    const port = params.ports.low + (word % size);
    if (used.has(port)) continue;
    used.add(port);
    const protocol =
      params.protocols === 'mixed' ? ((draw() & 1) === 1 ? 'udp' : 'tcp') : params.protocols;
    knocks.push({ port, protocol });
  }
  return knocks;
}
