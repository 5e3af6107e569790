/**
 * Random knock sequences for the editor's "Generate" button. A knock sequence is a password, so the
 * ports come from the platform's CSPRNG (`crypto.getRandomValues`) and are drawn uniformly: each
 * 16-bit draw below 1024 or otherwise unusable is thrown away and drawn again (rejection sampling),
 * never folded with a modulo, so no port is likelier than another.
 */

/** Fills a buffer with random values; `crypto.getRandomValues` in browsers and jsdom. */
export type RandomSource = (buffer: Uint16Array<ArrayBuffer>) => Uint16Array<ArrayBuffer>;

/** The lowest port a generated sequence may use: 0-1023 are well known (and need root to serve). */
export const FIRST_UNPRIVILEGED_PORT = 1024;

/**
 * Registered ports that busy servers often listen on, so a knock there could hit a real service or
 * be noisy in its logs (databases, remote desktops, proxies, VPNs, common web alternates).
 */
export const COMMON_PORTS: ReadonlySet<number> = new Set([
  1080, 1194, 1433, 1521, 1701, 1723, 1883, 2049, 2375, 2376, 3000, 3128, 3306, 3389, 4369, 5000,
  5060, 5061, 5222, 5353, 5432, 5601, 5672, 5900, 5901, 6379, 6443, 6667, 8000, 8008, 8080, 8081,
  8443, 8883, 8888, 9000, 9042, 9090, 9092, 9100, 9200, 9300, 9418, 11211, 25565, 27017, 51820,
]);

/** Most hits knockd accepts in one sequence. */
export const MAX_SEQUENCE_LENGTH = 32;

/** What to draw: how many ports, and ports to leave out (the service port, the other sequence). */
export interface RandomPortsOptions {
  count: number;
  avoid?: Iterable<number>;
  random?: RandomSource;
}

const BATCH = 64;
/** Draws allowed per wanted port before concluding the random source is broken (stuck values). */
const DRAWS_PER_PORT = 1000;

/** The browser's CSPRNG as a RandomSource. */
export function cryptoSource(buffer: Uint16Array<ArrayBuffer>): Uint16Array<ArrayBuffer> {
  return globalThis.crypto.getRandomValues(buffer);
}

/** True when a port may appear in a generated sequence. */
export function isUsablePort(port: number): boolean {
  return (
    Number.isInteger(port) &&
    port >= FIRST_UNPRIVILEGED_PORT &&
    port <= 65535 &&
    !COMMON_PORTS.has(port)
  );
}

/**
 * Draws `count` distinct, unpredictable ports from 1024-65535, skipping common service ports and
 * `avoid`. Throws on a count outside 1-32 (a caller bug) and when the source keeps returning
 * unusable values (a broken source must not hang the window).
 */
export function randomPorts({
  count,
  avoid = [],
  random = cryptoSource,
}: RandomPortsOptions): number[] {
  if (!Number.isInteger(count) || count < 1 || count > MAX_SEQUENCE_LENGTH) {
    throw new RangeError(`randomPorts: count must be 1-${MAX_SEQUENCE_LENGTH}, got ${count}`);
  }
  const excluded = new Set(avoid);
  const ports: number[] = [];
  const chosen = new Set<number>();
  let draws = 0;
  while (ports.length < count) {
    const buffer = random(new Uint16Array(BATCH));
    for (const value of buffer) {
      draws += 1;
      if (!isUsablePort(value) || chosen.has(value) || excluded.has(value)) continue;
      chosen.add(value);
      ports.push(value);
      if (ports.length === count) return ports;
    }
    if (draws >= count * DRAWS_PER_PORT) {
      throw new Error(
        `randomPorts: ${draws} random values gave only ${ports.length} of ${count} usable ports; the random source looks broken`,
      );
    }
  }
  return ports;
}
