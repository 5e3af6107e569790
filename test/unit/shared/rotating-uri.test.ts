import { describe, expect, it } from 'vitest';
import { formatProvisioningUri, parseProvisioningUri } from '../../../shared/rotating/uri';
import { DEFAULT_ROTATING_PARAMS } from '../../../shared/rotating/params';

const secret = Uint8Array.from({ length: 20 }, (_, i) => i);

describe('provisioning URI', () => {
  it('writes every parameter and reads it back', () => {
    const provisioning = {
      secret,
      label: 'ssh öffnen',
      params: {
        stepSeconds: 60,
        length: 6,
        ports: { low: 20000, high: 24999 },
        protocols: 'mixed' as const,
      },
      host: 'gate.example.org',
    };
    const uri = formatProvisioningUri(provisioning);
    expect(uri).toBe(
      'sesame://rotating?v=1&secret=AAAQEAYEAUDAOCAJBIFQYDIOB4IBCEQT&label=ssh%20%C3%B6ffnen&step=60&length=6&ports=20000-24999&protocols=mixed&host=gate.example.org',
    );
    expect(parseProvisioningUri(uri)).toEqual({ ok: true, value: provisioning });
  });

  it('fills left-out parameters with the defaults; the host is optional', () => {
    const parsed = parseProvisioningUri(
      'sesame://rotating?v=1&secret=aaaqeayeaudaocajbifqydiob4ibceqt&label=open',
    );
    expect(parsed).toEqual({
      ok: true,
      value: { secret, label: 'open', params: DEFAULT_ROTATING_PARAMS, host: undefined },
    });
  });

  it.each([
    ['https://rotating?v=1', /starts with sesame:\/\/rotating\?/],
    [
      'sesame://rotating?secret=AAAQEAYEAUDAOCAJBIFQYDIOB4IBCEQT&label=a',
      /^v: the version is missing/,
    ],
    ['sesame://rotating?v=2&secret=AAAQEAYEAUDAOCAJBIFQYDIOB4IBCEQT&label=a', /^v: version "2"/],
    ['sesame://rotating?v=1&label=a', /^secret: missing/],
    ['sesame://rotating?v=1&secret=AAAQEAYE&label=a', /^secret: the secret has 40 bits/],
    ['sesame://rotating?v=1&secret=AAAQEAYEAUDAOCAJBIFQYDIOB4IBCEQ1&label=a', /^secret: "1"/],
    ['sesame://rotating?v=1&secret=AAAQEAYEAUDAOCAJBIFQYDIOB4IBCEQT', /^label: missing/],
    ['sesame://rotating?v=1&secret=AAAQEAYEAUDAOCAJBIFQYDIOB4IBCEQT&label=a&step=5', /^step: /],
    [
      'sesame://rotating?v=1&secret=AAAQEAYEAUDAOCAJBIFQYDIOB4IBCEQT&label=a&ports=80-90',
      /^ports: /,
    ],
    [
      'sesame://rotating?v=1&secret=AAAQEAYEAUDAOCAJBIFQYDIOB4IBCEQT&label=a&host=-oProxy',
      /^host: /,
    ],
    [
      'sesame://rotating?v=1&secret=AAAQEAYEAUDAOCAJBIFQYDIOB4IBCEQT&label=a&color=red',
      /unknown field "color"/,
    ],
    ['sesame://rotating?v=1&v=1', /given twice/],
    [
      'sesame://rotating?v=1&secret=AAAQEAYEAUDAOCAJBIFQYDIOB4IBCEQT&label=%E0%A4%A',
      /percent-encoding/,
    ],
  ])('refuses %s', (uri, error) => {
    const parsed = parseProvisioningUri(uri);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error).toMatch(error);
  });
});
