import { describe, expect, it } from 'vitest';
import { problemLine } from '../../../shared/field-problems';
import { parseProfile, parseStoredProfile } from '../../../shared/profile/profile';
import { sequenceSummary } from '../../../shared/profile/open-summary';
import {
  isRotating,
  rotatingFromProvisioning,
  rotatingSequenceSchema,
} from '../../../shared/rotating/rotating-sequence';
import { parseProvisioningUri } from '../../../shared/rotating/uri';

const SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
const base = { id: 'r', name: 'gate', host: 'gate.example.org' };

const problems = (data: unknown) => {
  const parsed = parseProfile(data);
  return parsed.ok ? [] : parsed.problems.map(problemLine);
};

describe('a profile with rotating sequences', () => {
  it('takes a rotating open and a fixed or rotating close, applying the spec defaults', () => {
    const parsed = parseProfile({
      ...base,
      open: { secret: SECRET, label: 'open' },
      close: { secret: SECRET, label: 'close', stepSeconds: 60, protocols: 'mixed' },
    });
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.value.open).toEqual({
      secret: SECRET,
      label: 'open',
      stepSeconds: 30,
      length: 4,
      ports: { low: 10000, high: 29999 },
      protocols: 'tcp',
    });
    expect(isRotating(parsed.value.open)).toBe(true);
    expect(sequenceSummary(parsed.value.close)).toBe(
      'rotating "close" (4 knocks, 60 s steps, ports 10000-29999 mixed)',
    );
    const mixed = parseProfile({
      ...base,
      open: { secret: SECRET, label: 'open' },
      close: [{ port: 9000, protocol: 'udp' }],
    });
    expect(mixed.ok && isRotating(mixed.value.close)).toBe(false);
  });

  it('names the field of each bad value', () => {
    expect(problems({ ...base, open: { secret: 'JBSWY3DPEHPK3PXP', label: 'open' } })).toEqual([
      'open.secret: secret: the secret has 80 bits; it needs at least 160',
    ]);
    expect(problems({ ...base, open: { secret: 'not base32!', label: 'x' } })[0]).toMatch(
      /^open\.secret: secret: /,
    );
    expect(problems({ ...base, open: { label: 'x' } })).toEqual(['open.secret: secret is missing']);
    expect(problems({ ...base, open: { secret: SECRET, label: '' } })).toEqual([
      'open.label: the label is empty',
    ]);
    expect(
      problems({ ...base, open: { secret: SECRET, label: 'o', ports: { low: 80, high: 9000 } } }),
    ).toEqual([
      'open.ports: port range "80-9000" must lie within 1024-65535 (ports below 1024 are well-known service ports)',
    ]);
    expect(problems({ ...base, open: { secret: SECRET, label: 'o', stepSeconds: 5 } })).toEqual([
      'open.stepSeconds: step must be at least 10 seconds',
    ]);
    expect(problems({ ...base, open: { secret: SECRET, label: 'o', extra: 1 } })[0]).toMatch(
      /^open: .*extra/,
    );
    expect(problems({ ...base, open: 7000 })).toEqual([
      'open: a sequence is a list of knocks ([{"port":7000,"protocol":"tcp"}, ...]) or a rotating sequence ({"secret":..., "label":...})',
    ]);
  });

  it('still names a bad hit of a fixed sequence (not a union\'s "Invalid input")', () => {
    expect(
      problems({
        ...base,
        open: [{ port: 7000, protocol: 'tcp', tcpFlags: { set: ['xmas'], clear: [] } }],
      })[0],
    ).toMatch(/^open\[0\]\.tcpFlags\.set\[0\]: TCP flag must be one of/);
  });

  it('refuses a delay that makes the knock longer than a step allows', () => {
    expect(
      problems({ ...base, delayMs: 2000, open: { secret: SECRET, label: 'o', stepSeconds: 10 } }),
    ).toEqual([
      'open: 4 knocks with a delay of 2000 ms take up to 8200 ms, too long for a step of 10 s',
    ]);
    expect(
      parseStoredProfile({ ...base, delayMs: 500, open: { secret: SECRET, label: 'o' } }).ok,
    ).toBe(true);
  });

  it('reads the sequence of a provisioning URI, secret in canonical base32', () => {
    const uri = parseProvisioningUri(
      `sesame://rotating?v=1&secret=${SECRET.toLowerCase()}&label=ssh&step=60&length=5&ports=20000-20999&protocols=udp&host=gate.example.org`,
    );
    expect(uri.ok).toBe(true);
    if (!uri.ok) return;
    const sequence = rotatingFromProvisioning(uri.value);
    expect(sequence).toEqual({
      secret: SECRET,
      label: 'ssh',
      stepSeconds: 60,
      length: 5,
      ports: { low: 20000, high: 20999 },
      protocols: 'udp',
    });
    expect(rotatingSequenceSchema.parse(sequence)).toEqual(sequence);
  });
});
