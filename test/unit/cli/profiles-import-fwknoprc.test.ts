import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { root, sesame, stored, useTempConfig } from './profiles-helpers';

useTempConfig();

const KEY = Buffer.alloc(32, 8).toString('base64');
const HMAC = Buffer.alloc(32, 9).toString('base64');

function writeRc(text: string) {
  const path = join(root, '.fwknoprc');
  writeFileSync(path, text);
  return path;
}

describe('sesame profiles import ~/.fwknoprc', () => {
  it('turns its stanzas into profiles that open with SPA, keys hidden in show', async () => {
    const rc = writeRc(
      [
        '[default]',
        'HMAC_DIGEST_TYPE sha512',
        '',
        '[lab]',
        'SPA_SERVER 192.0.2.10',
        'ACCESS tcp/22',
        'ALLOW_IP source',
        `KEY_BASE64 ${KEY}`,
        `HMAC_KEY_BASE64 ${HMAC}`,
        'NO_SAVE_ARGS Y',
        '',
        '[gpg]',
        'SPA_SERVER 192.0.2.11',
        'ACCESS tcp/22',
        'USE_GPG Y',
        '',
      ].join('\n'),
    );
    const imported = await sesame('import', rc);
    expect(imported.err).toBe('');
    expect(imported.code).toBe(0);
    expect(imported.out).toBe(
      [
        `imported 1 profiles from ${rc}`,
        '  note: [gpg] (line 12) skipped: line 15: USE_GPG: GPG is not supported. Sesame sends Rijndael+HMAC access requests only: GPG, NAT access and server commands are not supported',
        '  note: [lab] line 10: NO_SAVE_ARGS is left out (Sesame does not use it)',
        '',
      ].join('\n'),
    );
    const list = await sesame('list');
    expect(list.out).toContain('lab   192.0.2.10  SPA tcp/22 (fwknopd udp/62201)  -');
    const show = await sesame('show', 'lab');
    expect(show.out).toContain('spa key:        base64 key (hidden)');
    expect(show.out).toContain('spa hmac:       sha512 (key hidden)');
    expect(show.out).not.toContain(KEY);
    expect(show.out).not.toContain(HMAC);
    expect(JSON.parse(stored() ?? '{}')).toMatchObject({
      profiles: [{ name: 'lab', spa: { key: { encoding: 'base64', value: KEY }, hmacKey: HMAC } }],
    });
  });

  it('imports nothing when no stanza can be used, saying why, exit 1', async () => {
    const rc = writeRc('[gate]\nSPA_SERVER h\nACCESS tcp/22\nNAT_ACCESS 10.0.0.5,22\nKEY k\n');
    const result = await sesame('import', rc);
    expect(result.code).toBe(1);
    expect(result.err).toContain(`nothing imported: ${rc}: no stanza could be imported:\n`);
    expect(result.err).toContain(
      '[gate] (line 1) skipped: line 4: NAT_ACCESS: NAT access is not supported',
    );
    expect(stored()).toBeUndefined();
  });

  it('edit --open turns an SPA profile into one that knocks', async () => {
    const rc = writeRc(`[lab]\nSPA_SERVER h\nACCESS tcp/22\nALLOW_IP source\nKEY k\n`);
    expect((await sesame('import', rc)).code).toBe(0);
    expect((await sesame('show', 'lab')).out).toContain('spa user:       your login name');
    const edited = await sesame('edit', 'lab', '--open', '7000,8000:udp');
    expect(edited.err).toBe('');
    expect(edited.code).toBe(0);
    const show = (await sesame('show', 'lab')).out;
    expect(show).toContain('open:           7000,8000:udp');
    expect(show).not.toContain('spa');
  });

  it('refuses a stanza name already saved unless --replace', async () => {
    const rc = writeRc(`[lab]\nSPA_SERVER h\nACCESS tcp/22\nALLOW_IP source\nKEY k\n`);
    expect((await sesame('import', rc)).code).toBe(0);
    const again = await sesame('import', rc);
    expect(again.code).toBe(1);
    expect(again.err).toContain('(--replace replaces them)');
    expect((await sesame('import', rc, '--replace')).code).toBe(0);
  });
});
