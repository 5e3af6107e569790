import { createHmac } from 'node:crypto';
import type { HmacSha256 } from '../../shared/rotating/derive';

/** HMAC-SHA256 from node:crypto (OpenSSL), handed to shared/rotating's pure derivation. */
export const hmacSha256: HmacSha256 = (key, message) =>
  new Uint8Array(createHmac('sha256', key).update(message).digest());
