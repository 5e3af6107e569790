import { describe, expect, it } from 'vitest';
import { runCli } from '../../../electron/cli/main';
import { parseSpaArgs, spaCommand } from '../../../electron/cli/spa';
import type { DatagramSend } from '../../../electron/node/spa-sender';
import { decodeSpa } from '../../support/spa-decode';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t) }, out, err };
}

const KEY = Buffer.alloc(32, 1).toString('base64');
const HMAC_KEY = Buffer.alloc(32, 2).toString('base64');
const base = ['-A', 'tcp/22', '-a', '192.0.2.7', '-D', '192.0.2.1'];
const keys = ['--key-base64-rijndael', KEY, '--key-base64-hmac', HMAC_KEY];

async function usageError(args: string[]): Promise<string> {
  const c = capture();
  expect(await runCli(['spa', ...args], c.io)).toBe(1);
  expect(c.out).toEqual([]);
  return c.err.join('');
}

describe('sesame spa', () => {
  it('reads fwknop options into a request: defaults, HMAC implied by its key', () => {
    const command = parseSpaArgs([...base, ...keys]);
    expect(command).toMatchObject({
      host: '192.0.2.1',
      test: false,
      request: {
        port: 62201,
        access: [{ protocol: 'tcp', port: 22 }],
        allowIp: '192.0.2.7',
        key: { encoding: 'base64', value: KEY },
        hmacKey: HMAC_KEY,
        hmacDigest: 'sha256',
        digest: 'sha256',
      },
    });
  });

  it('reads -s, a passphrase, -p, digests and -f', () => {
    const command = parseSpaArgs([
      '-A',
      'tcp/22,udp/53',
      '-s',
      '-D',
      'host.example',
      '--key-rijndael',
      'open sesame',
      '-p',
      '40000',
      '--hmac-digest-type',
      'SHA512',
      '--key-base64-hmac',
      HMAC_KEY,
      '-m',
      'sha384',
      '-f',
      '60',
      '--use-hmac',
    ]);
    expect(command).toMatchObject({
      request: {
        port: 40000,
        access: [
          { protocol: 'tcp', port: 22 },
          { protocol: 'udp', port: 53 },
        ],
        key: { encoding: 'passphrase', value: 'open sesame' },
        hmacDigest: 'sha512',
        digest: 'sha384',
        fwTimeout: 60,
      },
    });
    expect(command !== 'help' && command.request.allowIp).toBeUndefined();
  });

  it('names what is wrong, exit 1', async () => {
    expect(await usageError(keys)).toContain('spa: -D HOST is required');
    expect(await usageError(['-a', '1.2.3.4', '-D', 'h', ...keys])).toContain(
      'spa: -A is required',
    );
    expect(await usageError(['-A', 'tcp22', '-s', '-D', 'h', ...keys])).toContain(
      'access "tcp22" is not PROTO/PORT',
    );
    expect(await usageError(['-A', 'icmp/22', '-s', '-D', 'h', ...keys])).toContain(
      'unknown protocol "icmp"',
    );
    expect(await usageError(['-A', 'tcp/22', '-D', 'h', ...keys])).toContain('give -a IP');
    expect(await usageError([...base, '-s', ...keys])).toContain(
      '-a and -s cannot be used together',
    );
    expect(await usageError(base)).toContain('a key is required');
    expect(await usageError([...base, '--key-rijndael', 'x', '--use-hmac'])).toContain(
      '--use-hmac needs the HMAC key',
    );
    expect(await usageError([...base, '--key-base64-rijndael', 'not base64!'])).toContain(
      'spa: --key-base64-rijndael: the key must be base64 of 1 to 32 bytes',
    );
    const long = Buffer.alloc(33).toString('base64');
    expect(await usageError([...base, '--key-base64-rijndael', long])).toContain(
      'the key must be base64 of 1 to 32 bytes',
    );
    expect(await usageError([...base, '--key-rijndael', 'a'.repeat(33)])).toContain(
      'spa: --key-rijndael: the passphrase is longer than 32 bytes',
    );
    expect(
      await usageError([
        ...base,
        ...keys.slice(0, 2),
        '--key-base64-hmac',
        Buffer.alloc(129).toString('base64'),
      ]),
    ).toContain('spa: --key-base64-hmac: the HMAC key must be base64 of 1 to 128 bytes');
    expect(await usageError([...base, ...keys, '--hmac-digest-type', 'crc32'])).toContain(
      'spa: --hmac-digest-type: unknown digest "crc32"',
    );
    expect(await usageError(['-A', 'tcp/22', '-a', '::1', '-D', 'h', ...keys])).toContain(
      'spa: --allow-ip: allow address must be an IPv4 address',
    );
    expect(await usageError([...base, ...keys, '-p', '0'])).toContain('spa: --server-port:');
    expect(await usageError([...base, ...keys, '-f', '1m'])).toContain('--fw-timeout "1m"');
  });

  it('takes the HMAC key as text with --key-hmac (its bytes), and -P udp only', async () => {
    const command = parseSpaArgs([
      ...base,
      ...keys.slice(0, 2),
      '--key-hmac',
      'hmac pass',
      '-P',
      'udp',
    ]);
    expect(command !== 'help' && command.request.hmacKey).toBe(
      Buffer.from('hmac pass').toString('base64'),
    );
    expect(await usageError([...base, ...keys, '-P', 'tcp'])).toContain(
      'spa: --server-proto tcp: only udp is supported',
    );
    expect(await usageError([...base, ...keys, '--key-hmac', 'x'])).toContain(
      '--key-base64-hmac and --key-hmac cannot be used together',
    );
    expect(
      await usageError([...base, ...keys.slice(0, 2), '--key-hmac', 'x'.repeat(129)]),
    ).toContain('spa: --key-hmac: the HMAC key must be base64 of 1 to 128 bytes');
  });

  it('refuses GPG, NAT access and server commands, naming the scope', async () => {
    for (const option of ['--gpg-recipient-key', '-N', '--nat-access', '--server-cmd', '-C']) {
      const message = await usageError([...base, ...keys, option, 'x']);
      expect(message).toContain(`spa: ${option}`);
      expect(message).toContain('GPG, NAT access and server commands are not supported');
    }
  });

  it('--test prints the packet and sends nothing', async () => {
    const sent: Buffer[] = [];
    const send: DatagramSend = (data) => {
      sent.push(data);
      return Promise.resolve();
    };
    const c = capture();
    expect(await spaCommand(send)([...base, ...keys, '--test', '-U', 'carol'], c.io)).toBe(0);
    const out = c.out.join('');
    expect(out).toContain('Message String: 192.0.2.7,tcp/22');
    expect(out).toContain('Username: carol');
    expect(out).toContain('was not sent');
    expect(sent).toEqual([]);
    const data = /Final SPA Data: (\S+)/.exec(out)?.[1] ?? '';
    const decoded = decodeSpa(data, {
      key: Buffer.from(KEY, 'base64'),
      hmacKey: Buffer.from(HMAC_KEY, 'base64'),
    });
    expect(decoded).toMatchObject({ user: 'carol', message: '192.0.2.7,tcp/22', hmacOk: true });
  });

  it('sends one packet to the server, quietly unless -v', async () => {
    const sent: { data: string; port: number; address: string }[] = [];
    const send: DatagramSend = (data, port, address) => {
      sent.push({ data: data.toString(), port, address });
      return Promise.resolve();
    };
    const c = capture();
    expect(await spaCommand(send)([...base, ...keys], c.io)).toBe(0);
    expect(c.out).toEqual([]);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ port: 62201, address: '192.0.2.1' });
  });

  it('says so when the packet could not be sent, exit 1', async () => {
    const c = capture();
    const send: DatagramSend = () => Promise.reject(new Error('ENETUNREACH'));
    expect(await spaCommand(send)([...base, ...keys], c.io)).toBe(1);
    expect(c.err.join('')).toContain('was not sent: ENETUNREACH');
  });
});
