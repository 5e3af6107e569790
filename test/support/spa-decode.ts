// The test side of SPA: decrypts and checks fwknop's SPA data, written from the same documented
// format as the builder but kept apart from it, so a packet from the real fwknop client checks both
// this decoder and, through it, what Sesame builds.
import { createDecipheriv, createHash, createHmac } from 'node:crypto';

const NODE_DIGEST: Record<string, string> = {
  md5: 'md5',
  sha1: 'sha1',
  sha256: 'sha256',
  sha384: 'sha384',
  sha512: 'sha512',
  sha3_256: 'sha3-256',
  sha3_512: 'sha3-512',
};

/** Length of each HMAC in unpadded base64 (what fwknopd cuts off the end of the data). */
const HMAC_BASE64_LENGTH: Record<string, number> = {
  md5: 22,
  sha1: 27,
  sha256: 43,
  sha384: 64,
  sha512: 86,
  sha3_256: 43,
  sha3_512: 86,
};

const unpadded = (b: Buffer) => b.toString('base64').replace(/=+$/, '');

/** The keys to decode with: the Rijndael key's bytes and, if the data has one, the HMAC's. */
export interface DecodeKeys {
  key: Buffer;
  hmacKey?: Buffer;
  hmacDigest?: string;
}

/** A decoded packet: its fields, the salt, and whether the digests agree. */
export interface DecodedSpa {
  randomValue: string;
  user: string;
  timestamp: number;
  version: string;
  messageType: number;
  message: string;
  /** Fields after the message (the client timeout for type 3). */
  rest: string[];
  encoded: string;
  digest: string;
  salt: Buffer;
  hmac?: string;
  hmacOk?: boolean;
}

const b64text = (text: string) => Buffer.from(text, 'base64').toString('utf8');

/** Decrypts SPA data as fwknopd would: HMAC off the end, `U2FsdGVkX1` back on, EVP_BytesToKey. */
export function decodeSpa(data: string, keys: DecodeKeys): DecodedSpa {
  const digestName = keys.hmacDigest ?? 'sha256';
  const macLength = keys.hmacKey ? (HMAC_BASE64_LENGTH[digestName] ?? 0) : 0;
  const body = data.slice(0, data.length - macLength);
  const hmac = macLength ? data.slice(data.length - macLength) : undefined;
  const withPrefix = `U2FsdGVkX1${body}`;
  const hmacOk =
    keys.hmacKey && hmac !== undefined
      ? unpadded(
          createHmac(NODE_DIGEST[digestName] ?? digestName, keys.hmacKey)
            .update(withPrefix)
            .digest(),
        ) === hmac
      : undefined;
  const raw = Buffer.from(withPrefix, 'base64');
  if (raw.subarray(0, 8).toString() !== 'Salted__') throw new Error('no Salted__ header');
  const salt = raw.subarray(8, 16);
  const blocks: Buffer[] = [];
  let previous = Buffer.alloc(0);
  for (let i = 0; i < 3; i += 1) {
    previous = createHash('md5')
      .update(Buffer.concat([previous, keys.key, salt]))
      .digest();
    blocks.push(previous);
  }
  const material = Buffer.concat(blocks);
  const decipher = createDecipheriv('aes-256-cbc', material.subarray(0, 32), material.subarray(32));
  const plain = Buffer.concat([decipher.update(raw.subarray(16)), decipher.final()]).toString();
  const cut = plain.lastIndexOf(':');
  const encoded = plain.slice(0, cut);
  const [randomValue = '', user = '', time = '', version = '', type = '', message = '', ...rest] =
    encoded.split(':');
  return {
    randomValue,
    user: b64text(user),
    timestamp: Number(time),
    version,
    messageType: Number(type),
    message: b64text(message),
    rest,
    encoded,
    digest: plain.slice(cut + 1),
    salt,
    ...(hmac === undefined ? {} : { hmac }),
    ...(hmacOk === undefined ? {} : { hmacOk }),
  };
}

/** The digest of the encoded fields as fwknop computes it (unpadded base64), to compare. */
export function spaDigestOf(encoded: string, digest: string): string {
  return unpadded(
    createHash(NODE_DIGEST[digest] ?? digest)
      .update(encoded)
      .digest(),
  );
}
