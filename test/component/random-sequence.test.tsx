// The random sequence generator is pure; it lives with the component tests because the component
// project is the one that type-checks renderer code (its name ends in .tsx for that project's glob).
import { describe, expect, it, vi } from 'vitest';
import {
  COMMON_PORTS,
  cryptoSource,
  isUsablePort,
  randomPorts,
  type RandomSource,
} from '../../renderer/src/model/random-sequence';

/** A source that hands out these values in order, then repeats the last one. */
function scripted(values: number[]): RandomSource {
  let next = 0;
  return (buffer) => {
    for (let i = 0; i < buffer.length; i += 1) {
      buffer[i] = values[Math.min(next, values.length - 1)] ?? 0;
      next += 1;
    }
    return buffer;
  };
}

describe('randomPorts', () => {
  it('draws distinct ports in 1024-65535 that are not common service ports', () => {
    for (let round = 0; round < 200; round += 1) {
      const ports = randomPorts({ count: 32 });
      expect(ports).toHaveLength(32);
      expect(new Set(ports).size).toBe(32);
      for (const port of ports) {
        expect(Number.isInteger(port)).toBe(true);
        expect(port).toBeGreaterThanOrEqual(1024);
        expect(port).toBeLessThanOrEqual(65535);
        expect(COMMON_PORTS.has(port)).toBe(false);
      }
    }
  });

  it('is unpredictable: two draws differ', () => {
    expect(randomPorts({ count: 4 })).not.toEqual(randomPorts({ count: 4 }));
  });

  it('uses crypto.getRandomValues by default', () => {
    const spy = vi.spyOn(globalThis.crypto, 'getRandomValues');
    try {
      randomPorts({ count: 3 });
      expect(spy).toHaveBeenCalled();
      expect(spy.mock.calls[0]?.[0]).toBeInstanceOf(Uint16Array);
    } finally {
      spy.mockRestore();
    }
  });

  it('throws away well-known, common, repeated and avoided values instead of folding them', () => {
    const source = scripted([0, 22, 443, 1023, 3306, 8080, 40000, 40000, 50000, 1024, 61000]);
    expect(randomPorts({ count: 3, avoid: [50000], random: source })).toEqual([40000, 1024, 61000]);
  });

  it('maps a value to itself, so every usable port is equally likely', () => {
    // With no modulo, each 16-bit value is its own port: the accepted set is exactly the usable
    // ports, and each has one preimage.
    for (const value of [1024, 1025, 4242, 65535]) {
      expect(randomPorts({ count: 1, random: scripted([value]) })).toEqual([value]);
    }
    const usable = Array.from({ length: 65536 }, (_, v) => v).filter(isUsablePort);
    expect(usable).toHaveLength(65536 - 1024 - COMMON_PORTS.size);
  });

  it('spreads draws evenly over the range (no low-port bias)', () => {
    const ports = Array.from({ length: 200 }, () => randomPorts({ count: 32 })).flat();
    const low = ports.filter((p) => p < 1024 + (65536 - 1024) / 2).length;
    // 6400 draws: the lower half should hold about half of them (well within 5 sigma of 50%).
    expect(low / ports.length).toBeGreaterThan(0.45);
    expect(low / ports.length).toBeLessThan(0.55);
  });

  it('refuses counts outside 1-32', () => {
    expect(() => randomPorts({ count: 0 })).toThrow('count must be 1-32, got 0');
    expect(() => randomPorts({ count: 33 })).toThrow('count must be 1-32, got 33');
    expect(() => randomPorts({ count: 2.5 })).toThrow(RangeError);
  });

  it('gives up on a source that never yields a usable port instead of hanging', () => {
    expect(() => randomPorts({ count: 2, random: scripted([80]) })).toThrow(
      /gave only 0 of 2 usable ports; the random source looks broken/,
    );
  });

  it('cryptoSource fills the buffer it is given', () => {
    const buffer = new Uint16Array(64);
    expect(cryptoSource(buffer)).toBe(buffer);
    expect(buffer.some((v) => v !== 0)).toBe(true);
  });
});
