import { describe, expect, it } from 'vitest';
import { resolveHost, type Lookup } from '../../../electron/node/resolve';

const lookups: [string, number][] = [];
const fakeLookup: Lookup = (host, family) => {
  lookups.push([host, family]);
  if (host === 'dual.test')
    return Promise.resolve(
      family === 4 ? { address: '192.0.2.7', family: 4 } : { address: '2001:db8::7', family: 6 },
    );
  return Promise.reject(Object.assign(new Error('not found'), { code: 'ENOTFOUND' }));
};

describe('resolveHost', () => {
  it('keeps IP literals without a lookup, brackets removed', async () => {
    expect(await resolveHost('[2001:db8::1]', 'auto', fakeLookup)).toEqual({
      ok: true,
      value: { address: '2001:db8::1', family: 6 },
    });
    expect(await resolveHost('192.0.2.1', 'ipv4', fakeLookup)).toEqual({
      ok: true,
      value: { address: '192.0.2.1', family: 4 },
    });
    expect(lookups).toEqual([]);
  });

  it('refuses a literal of the other family', async () => {
    expect(await resolveHost('192.0.2.1', 'ipv6', fakeLookup)).toEqual({
      ok: false,
      error: '192.0.2.1 is an IPv4 address, but IPv6 was asked for',
    });
  });

  it('asks for the requested family', async () => {
    expect(await resolveHost('dual.test', 'ipv6', fakeLookup)).toEqual({
      ok: true,
      value: { address: '2001:db8::7', family: 6 },
    });
    expect(lookups.at(-1)).toEqual(['dual.test', 6]);
  });

  it('names the host it could not resolve', async () => {
    expect(await resolveHost('nowhere.test', 'auto', fakeLookup)).toEqual({
      ok: false,
      error: 'cannot resolve host nowhere.test: ENOTFOUND',
    });
  });

  it('resolves localhost with the system resolver', async () => {
    const result = await resolveHost('localhost', 'ipv4');
    expect(result).toEqual({ ok: true, value: { address: '127.0.0.1', family: 4 } });
  });
});
