import { describe, expect, it } from 'vitest';
import { parseProfile } from '../../../shared/profile/profile';
import { importFwknoprc, looksLikeFwknoprc } from '../../../shared/spa/fwknoprc-import';

const KEY = Buffer.alloc(32, 3).toString('base64');
const HMAC = Buffer.alloc(64, 4).toString('base64');

const RC = `# .fwknoprc
[default]
DIGEST_TYPE         sha512
HMAC_DIGEST_TYPE    SHA384
FW_TIMEOUT          30

[lab]
SPA_SERVER          lab.example.org
ACCESS              tcp/22
ALLOW_IP            198.51.100.7
KEY_BASE64          ${KEY}
HMAC_KEY_BASE64     ${HMAC}
USE_HMAC            Y

[web]
SPA_SERVER          192.0.2.80
ACCESS              tcp/8443,udp/53
ALLOW_IP            source
KEY                 open sesame
HMAC_KEY            hmac pass
SPA_SERVER_PORT     40001
SPOOF_USER          deploy
FW_TIMEOUT          90
`;

function imported(text: string) {
  const result = importFwknoprc(text);
  if (!result.ok) throw new Error(result.error);
  return result;
}

describe('importFwknoprc', () => {
  it('turns each named stanza into an SPA profile, starting from [default]', () => {
    const { profiles, notes } = imported(RC);
    expect(profiles).toEqual([
      {
        name: 'lab',
        host: 'lab.example.org',
        servicePort: 22,
        ssh: { port: 22 },
        spa: {
          port: 62201,
          access: [{ protocol: 'tcp', port: 22 }],
          allowIp: '198.51.100.7',
          key: { encoding: 'base64', value: KEY },
          hmacKey: HMAC,
          hmacDigest: 'sha384',
          digest: 'sha512',
          fwTimeout: 30,
        },
      },
      {
        name: 'web',
        host: '192.0.2.80',
        servicePort: 8443,
        ssh: { port: 8443 },
        spa: {
          port: 40001,
          access: [
            { protocol: 'tcp', port: 8443 },
            { protocol: 'udp', port: 53 },
          ],
          key: { encoding: 'passphrase', value: 'open sesame' },
          hmacKey: Buffer.from('hmac pass').toString('base64'),
          hmacDigest: 'sha384',
          digest: 'sha512',
          fwTimeout: 90,
          user: 'deploy',
        },
      },
    ]);
    expect(notes).toEqual([]);
    for (const p of profiles) expect(parseProfile({ ...p, id: 'x' }).ok).toBe(true);
  });

  it('notes a stanza without ALLOW_IP (the source is let in) and directives it leaves out', () => {
    const { profiles, notes } = imported(
      `[a]\nSPA_SERVER h\nACCESS tcp/22\nKEY k\nRAND_PORT Y\nFROBNICATE 1\n`,
    );
    expect(profiles[0]?.spa?.allowIp).toBeUndefined();
    expect(notes).toEqual([
      'line 6: FROBNICATE is not a .fwknoprc directive Sesame knows: ignored',
      '[a] line 5: RAND_PORT is left out (Sesame does not use it)',
      '[a] has no ALLOW_IP: fwknopd lets in the address the packet comes from (fwknop -s)',
    ]);
  });

  it('skips what Sesame does not send, naming the stanza, the line and the scope', () => {
    const good = `[ok]\nSPA_SERVER h\nACCESS tcp/22\nALLOW_IP source\nKEY k\n`;
    const text = [
      good,
      '[gpg]\nSPA_SERVER h\nACCESS tcp/22\nUSE_GPG Y\nGPG_RECIPIENT abc\n',
      '[nat]\nSPA_SERVER h\nACCESS tcp/22\nKEY k\nNAT_ACCESS 192.168.1.55,88\n',
      '[resolve]\nSPA_SERVER h\nACCESS tcp/22\nKEY k\nALLOW_IP resolve\n',
      '[nokey]\nSPA_SERVER h\nACCESS tcp/22\n',
      '[hmac]\nSPA_SERVER h\nACCESS tcp/22\nKEY k\nUSE_HMAC Y\n',
      '[badkey]\nSPA_SERVER h\nACCESS tcp/22\nKEY_BASE64 !!!\n',
      '[tcp]\nSPA_SERVER h\nACCESS tcp/22\nKEY k\nSPA_SERVER_PROTO tcp\n',
      '[noserver]\nACCESS tcp/22\nKEY k\n',
      '[badaccess]\nSPA_SERVER h\nACCESS ssh\nKEY k\n',
    ].join('');
    const { profiles, notes } = imported(text);
    expect(profiles.map((p) => p.name)).toEqual(['ok']);
    const scope =
      'Sesame sends Rijndael+HMAC access requests only: GPG, NAT access and server commands are not supported';
    expect(notes).toEqual(
      [
        `[gpg] (line 6) skipped: line 9: USE_GPG: GPG is not supported. ${scope}`,
        `[nat] (line 11) skipped: line 15: NAT_ACCESS: NAT access is not supported. ${scope}`,
        '[resolve] (line 16) skipped: line 20: ALLOW_IP: asking a web service for the address (fwknop -R) is not supported; give the address or "source"',
        '[nokey] (line 21) skipped: no KEY or KEY_BASE64 (fwknop would ask for it; Sesame needs it in the file)',
        '[hmac] (line 24) skipped: line 28: USE_HMAC: no HMAC_KEY or HMAC_KEY_BASE64 (fwknop would ask for it; Sesame needs it in the file)',
        '[badkey] (line 29) skipped: line 32: KEY_BASE64: the key must be base64 of 1 to 32 bytes',
        '[tcp] (line 33) skipped: line 37: SPA_SERVER_PROTO: only udp is supported (found tcp)',
        '[noserver] (line 38) skipped: no SPA_SERVER (the fwknopd host)',
        '[badaccess] (line 41) skipped: line 43: ACCESS: access "ssh" is not PROTO/PORT (such as tcp/22)',
      ].sort((a, b) => (a.startsWith('[gpg] line') ? 1 : b.startsWith('[gpg] line') ? -1 : 0)),
    );
  });

  it('fails, saying why, when no stanza can be imported', () => {
    expect(importFwknoprc('[default]\n#SPA_SERVER x\n')).toEqual({
      ok: false,
      error: 'no stanza to import (a [name] stanza with SPA_SERVER and ACCESS)',
    });
    expect(importFwknoprc('[a]\nSPA_SERVER h\nACCESS tcp/22\nUSE_GPG Y\n')).toMatchObject({
      ok: false,
      error: expect.stringContaining(
        'no stanza could be imported:\n[a] (line 1) skipped:',
      ) as string,
    });
    expect(importFwknoprc('x'.repeat(70_000))).toEqual({
      ok: false,
      error: 'the .fwknoprc is larger than 64 KB',
    });
  });

  it('imports [default] alone when it names a server and there is no other stanza', () => {
    const { profiles } = imported(
      '[default]\nSPA_SERVER h\nACCESS tcp/22\nKEY k\nALLOW_IP source\n',
    );
    expect(profiles.map((p) => p.name)).toEqual(['default']);
  });

  it('reads CRLF files and lowercase directives', () => {
    const { profiles } = imported(
      '[a]\r\nspa_server h\r\naccess tcp/22\r\nkey k\r\nallow_ip source\r\n',
    );
    expect(profiles[0]).toMatchObject({ host: 'h', spa: { key: { value: 'k' } } });
  });
});

describe('looksLikeFwknoprc', () => {
  it('knows a .fwknoprc from JSON and a knockd.conf', () => {
    expect(looksLikeFwknoprc(RC)).toBe(true);
    expect(looksLikeFwknoprc('{"version":2,"profiles":[]}')).toBe(false);
    expect(looksLikeFwknoprc('[openSSH]\n  sequence = 7000,8000\n  command = x\n')).toBe(false);
  });
});
