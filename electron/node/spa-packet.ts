// Builds fwknop's Single Packet Authorization data (Rijndael + HMAC, FKO protocol 3.0.0) with
// node:crypto, from libfko's documented format as docs/spa.md describes it (no fwknop code).
import { createCipheriv, createHash, createHmac, randomBytes } from 'node:crypto';
import { spaAccessMessage, type SpaDigest, type SpaRequest } from '../../shared/spa/spa-request';

/** The FKO protocol version fwknop 2.6.10 writes and fwknopd checks. */
export const SPA_PROTOCOL_VERSION = '3.0.0';

/** fwknop's message types that Sesame sends: an access request, with or without a timeout. */
export const SPA_ACCESS_MSG = 1;
export const SPA_CLIENT_TIMEOUT_ACCESS_MSG = 3;

/** OpenSSL's salted header, and its base64 (always the first 10 characters): fwknop drops them. */
const SALTED = Buffer.from('Salted__');
const SALTED_BASE64 = 'U2FsdGVkX1';

/** Node's name for each of fwknop's digests. */
const NODE_DIGEST: Record<SpaDigest, string> = {
  md5: 'md5',
  sha1: 'sha1',
  sha256: 'sha256',
  sha384: 'sha384',
  sha512: 'sha512',
  sha3_256: 'sha3-256',
  sha3_512: 'sha3-512',
};

/** The packet's inputs besides the request: who sends it, when, and the random bytes. */
export interface SpaContext {
  /** The user name the packet carries (fwknopd logs it; REQUIRE_USERNAME may check it). */
  user: string;
  /** Seconds since the epoch (fwknopd refuses a packet older than its window, 120 s by default). */
  timestamp: number;
  /** Random bytes: 8 for the random value's digits, then 8 for the salt. Tests pass fixed ones. */
  random: (size: number) => Buffer;
}

/** The real context: the user name, the clock and crypto's random bytes. */
export function spaContext(user: string): SpaContext {
  return { user, timestamp: Math.floor(Date.now() / 1000), random: randomBytes };
}

/** The fields of a packet, as `fwknop --test -v` lists them, and the data that goes on the wire. */
export interface SpaPacket {
  randomValue: string;
  user: string;
  timestamp: number;
  messageType: number;
  message: string;
  clientTimeout?: number;
  /** The colon-joined fields before the digest. */
  encoded: string;
  digest: string;
  hmac?: string;
  /** The UDP payload: the base64 ciphertext without its `U2FsdGVkX1` prefix, then the HMAC. */
  data: string;
}

/** Base64 without the `=` padding: how fwknop writes every base64 field. */
export function base64NoPad(bytes: Buffer | string): string {
  return Buffer.from(bytes).toString('base64').replace(/=+$/, '');
}

/** The key bytes: base64 decoded, or the passphrase as UTF-8. */
function keyBytes(key: SpaRequest['key']): Buffer {
  return key.encoding === 'base64'
    ? Buffer.from(key.value, 'base64')
    : Buffer.from(key.value, 'utf8');
}

/** OpenSSL's EVP_BytesToKey with MD5 and one round: the AES-256 key and the CBC IV from key+salt. */
export function saltedKeyAndIv(key: Buffer, salt: Buffer): { key: Buffer; iv: Buffer } {
  const blocks: Buffer[] = [];
  let previous = Buffer.alloc(0);
  while (blocks.length < 3) {
    previous = createHash('md5')
      .update(Buffer.concat([previous, key, salt]))
      .digest();
    blocks.push(previous);
  }
  const material = Buffer.concat(blocks);
  return { key: material.subarray(0, 32), iv: material.subarray(32, 48) };
}

/** 16 decimal digits from 8 random bytes (fwknop's random value is 16 characters). */
function randomDigits(bytes: Buffer): string {
  const value = bytes.readBigUInt64BE(0) % 10n ** 16n;
  return value.toString().padStart(16, '0');
}

/** Builds the SPA data for a validated request. Pure but for `context` (clock and randomness). */
export function buildSpaPacket(request: SpaRequest, context: SpaContext): SpaPacket {
  const randomValue = randomDigits(context.random(8));
  const message = spaAccessMessage(request);
  const messageType =
    request.fwTimeout === undefined ? SPA_ACCESS_MSG : SPA_CLIENT_TIMEOUT_ACCESS_MSG;
  const fields = [
    randomValue,
    base64NoPad(context.user),
    String(context.timestamp),
    SPA_PROTOCOL_VERSION,
    String(messageType),
    base64NoPad(message),
  ];
  if (request.fwTimeout !== undefined) fields.push(String(request.fwTimeout));
  const encoded = fields.join(':');
  const digest = base64NoPad(createHash(NODE_DIGEST[request.digest]).update(encoded).digest());
  const salt = context.random(8);
  const { key, iv } = saltedKeyAndIv(keyBytes(request.key), salt);
  const cipher = createCipheriv('aes-256-cbc', key, iv);
  const sealed = Buffer.concat([
    SALTED,
    salt,
    cipher.update(`${encoded}:${digest}`, 'utf8'),
    cipher.final(),
  ]);
  const ciphertext = base64NoPad(sealed);
  const hmac =
    request.hmacKey === undefined
      ? undefined
      : base64NoPad(
          createHmac(NODE_DIGEST[request.hmacDigest], Buffer.from(request.hmacKey, 'base64'))
            .update(ciphertext)
            .digest(),
        );
  return {
    randomValue,
    user: context.user,
    timestamp: context.timestamp,
    messageType,
    message,
    ...(request.fwTimeout === undefined ? {} : { clientTimeout: request.fwTimeout }),
    encoded,
    digest,
    ...(hmac === undefined ? {} : { hmac }),
    data: ciphertext.slice(SALTED_BASE64.length) + (hmac ?? ''),
  };
}

/** The lines `sesame spa --test` prints, in the order and words of `fwknop --test -v`. */
export function describeSpaPacket(packet: SpaPacket, request: SpaRequest): string[] {
  return [
    `   Random Value: ${packet.randomValue}`,
    `       Username: ${packet.user}`,
    `      Timestamp: ${String(packet.timestamp)}`,
    `    FKO Version: ${SPA_PROTOCOL_VERSION}`,
    `   Message Type: ${String(packet.messageType)} (${packet.messageType === SPA_ACCESS_MSG ? 'Access msg' : 'Client timeout access msg'})`,
    ` Message String: ${packet.message}`,
    ` Client Timeout: ${String(packet.clientTimeout ?? 0)}`,
    `    Digest Type: ${request.digest.toUpperCase()}`,
    `      HMAC Type: ${request.hmacKey === undefined ? 'none' : request.hmacDigest.toUpperCase()}`,
    `Encryption Type: Rijndael (CBC)`,
    `   Encoded Data: ${packet.encoded}`,
    `SPA Data Digest: ${packet.digest}`,
    `           HMAC: ${packet.hmac ?? '<none>'}`,
    ` Final SPA Data: ${packet.data}`,
  ];
}
