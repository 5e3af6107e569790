import { describe, expect, it } from 'vitest';
import { parseKnockdConfig, parseKnockdSequence } from '../../../shared/knockd/config';
import type { Knock } from '../../../shared/sequence/sequence';

// Sesame's deliberate differences: files knockd takes but misreads are refused with a clear error.

function sequenceOf(value: string): Knock[] {
  const result = parseKnockdConfig(`[a]\nsequence = ${value}\n`);
  if (!result.ok) throw new Error(result.error);
  return result.value.doors[0]?.sequence ?? [];
}

function failure(text: string): { error: string; line: number } {
  const result = parseKnockdConfig(text);
  if (result.ok) throw new Error('expected an error');
  return { error: result.error, line: result.line };
}

function sequenceError(value: string): string {
  return failure(`[a]\nsequence = ${value}\n`).error;
}

describe('knock sequences', () => {
  it('accepts every spelling of a real port that knockd accepts', () => {
    expect(sequenceOf(' 7000 , 8000 :udp, 9000: UDP ,1000:Tcp')).toEqual([
      { port: 7000, protocol: 'tcp' },
      { port: 8000, protocol: 'udp' },
      { port: 9000, protocol: 'udp' },
      { port: 1000, protocol: 'tcp' },
    ]);
    expect(sequenceOf('+5,007,65535,1:\tudp\t')).toEqual([
      { port: 5, protocol: 'tcp' },
      { port: 7, protocol: 'tcp' },
      { port: 65535, protocol: 'tcp' },
      { port: 1, protocol: 'udp' },
    ]);
  });

  it('refuses ports knockd would misread, naming the section and the element', () => {
    const notAPort = (element: string, index: number) =>
      `config: section a: element ${index} "${element}" of the knock sequence is not a port number from 1 to 65535`;
    expect(sequenceError('7000,abc')).toBe(notAPort('abc', 2)); // knockd: port 0
    expect(sequenceError('0')).toBe(notAPort('0', 1));
    expect(sequenceError('-1')).toBe(notAPort('-1', 1)); // knockd: port 65535
    expect(sequenceError('-70000')).toBe(notAPort('-70000', 1)); // knockd: port 61072
    expect(sequenceError('4294967297')).toBe(notAPort('4294967297', 1)); // knockd: port 1
    expect(sequenceError('9999999999999999999999')).toBe(notAPort('9999999999999999999999', 1));
    expect(sequenceError('70 00')).toBe(notAPort('70 00', 1)); // knockd: port 70
    expect(sequenceError('7000x')).toBe(notAPort('7000x', 1));
    expect(sequenceError('1e3')).toBe(notAPort('1e3', 1));
    expect(sequenceError('7000,8000 # ssh')).toBe(notAPort('8000 # ssh', 2));
  });

  it('refuses empty elements and an empty sequence (knockd knocks port 0)', () => {
    expect(sequenceError('1,,2')).toBe(
      'config: section a: element 2 "" of the knock sequence has no port (knockd would knock port 0)',
    );
    expect(sequenceError('1,2,')).toContain('element 3 "" of the knock sequence has no port');
    expect(sequenceError(':udp')).toContain('element 1 ":udp" of the knock sequence has no port');
    expect(failure('[a]\nsequence =\n')).toEqual({
      error: 'config: section a: the knock sequence is empty',
      line: 1,
    });
  });

  it('refuses a second protocol (knockd ignores everything after the second colon)', () => {
    expect(sequenceError('1:tcp:udp')).toBe(
      'config: section a: element 1 "1:tcp:udp" of the knock sequence has more than one protocol',
    );
  });

  it('still gives knockd errors first: a bad protocol anywhere beats an earlier bad port', () => {
    expect(sequenceError('abc,1:icmp')).toBe(
      'config: section a: unknown protocol in knock sequence',
    );
    expect(sequenceError('abc:icmp')).toBe('config: section a: unknown protocol in knock sequence');
  });
});

describe('parseKnockdSequence', () => {
  it("parses knockd's sequence syntax", () => {
    expect(parseKnockdSequence('3001, 3002:udp', 'd')).toEqual({
      ok: true,
      value: [
        { port: 3001, protocol: 'tcp' },
        { port: 3002, protocol: 'udp' },
      ],
    });
  });

  it("gives knockd's texts, and Sesame's for what knockd misreads", () => {
    expect(parseKnockdSequence('70000', 'd')).toEqual({
      ok: false,
      error: 'config: section d: port 70000 is invalid',
    });
    expect(parseKnockdSequence('1:icmp', 'd')).toEqual({
      ok: false,
      error: 'config: section d: unknown protocol in knock sequence',
    });
    expect(parseKnockdSequence('', 'd')).toEqual({
      ok: false,
      error: 'config: section d: the knock sequence is empty',
    });
    const abc = parseKnockdSequence('abc', 'd');
    expect(abc.ok ? '' : abc.error).toContain('"abc" of the knock sequence is not a port');
  });
});

describe('timeouts', () => {
  it('takes whole seconds, including 0 and the spellings atoi reads the same', () => {
    const config = parseKnockdConfig('[a]\nsequence = 1\nseq_timeout = 0\ncmd_timeout = +30\n');
    expect(config.ok && config.value.doors[0]).toMatchObject({ seqTimeout: 0, cmdTimeout: 30 });
    const max = parseKnockdConfig('[a]\nsequence = 1\ncmd_timeout = 2147483647\n');
    expect(max.ok && max.value.doors[0]?.cmdTimeout).toBe(2147483647);
  });

  it('refuses what atoi would misread, with the line and the key as written', () => {
    const refused = (key: string, value: string, reads: number) => ({
      error: `config: line 3: ${key} "${value}" is not a whole number of seconds (0 to 2147483647; knockd would read ${reads})`,
      line: 3,
    });
    const config = (key: string, value: string) => `[a]\nsequence = 1\n${key} = ${value}\n`;
    expect(failure(config('seq_timeout', '5s'))).toEqual(refused('seq_timeout', '5s', 5));
    expect(failure(config('Timeout', 'abc'))).toEqual(refused('timeout', 'abc', 0));
    expect(failure(config('cmd_timeout', '-1'))).toEqual(refused('cmd_timeout', '-1', -1));
    expect(failure(config('cmd_timeout', '2.5'))).toEqual(refused('cmd_timeout', '2.5', 2));
    expect(failure(config('cmd_timeout', ''))).toEqual(refused('cmd_timeout', '', 0));
    expect(failure(config('cmd_timeout', '2147483648'))).toEqual(
      refused('cmd_timeout', '2147483648', -2147483648),
    );
  });
});

describe("knockd's 4096-byte line reads", () => {
  const command = (length: number, after = '') =>
    `[a]\nsequence = 1\ncommand=${'x'.repeat(length)}${after}\nbogus\n`;

  it('reads a line of up to 4095 bytes whole; 4095 bytes cost knockd an extra line number', () => {
    // `command=` is 8 bytes: 4086 + 8 = 4094 bytes, one read; 4095 bytes, then `\n` as a second read.
    expect(failure(command(4086)).error).toBe('config: line 4: syntax error');
    expect(failure(command(4087)).error).toBe('config: line 5: syntax error');
    const ok = parseKnockdConfig(`[a]\nsequence = 1\ncommand=${'x'.repeat(4087)}\n`);
    expect(ok.ok && ok.value.doors[0]?.startCommand).toHaveLength(4087);
  });

  it('counts bytes, not characters', () => {
    expect(failure(command(2, 'é'.repeat(2042))).error).toBe('config: line 4: syntax error');
    expect(failure(command(1, 'é'.repeat(2043))).error).toBe('config: line 5: syntax error');
  });

  it("gives knockd's error when the rest of a long line is a bad line", () => {
    expect(failure(command(4088)).error).toBe('config: line 4: syntax error');
  });

  it('refuses a long line knockd would silently cut in two', () => {
    const text = `[a]\nsequence = 1\ncommand=${'x'.repeat(4087)}# rest\n`;
    expect(failure(text)).toEqual({
      error: 'config: line 3: line is longer than 4095 bytes (knockd would cut it)',
      line: 3,
    });
  });

  it('accepts a long line whose rest is only whitespace (knockd loses nothing)', () => {
    const ok = parseKnockdConfig(`[a]\nsequence = 1\ncommand=${'x'.repeat(4087)}      \n`);
    expect(ok.ok && ok.value.doors[0]?.startCommand).toHaveLength(4087);
  });
});

describe('section names', () => {
  it('accepts names of up to 127 bytes and refuses longer ones (knockd cuts them)', () => {
    const name = 'n'.repeat(127);
    const ok = parseKnockdConfig(`[${name}]\nsequence = 1\n`);
    expect(ok.ok && ok.value.doors[0]?.name).toBe(name);
    expect(failure(`# c\n[${name}x]\nsequence = 1\n`)).toEqual({
      error: `config: line 2: section name "${name}x" is longer than 127 bytes (knockd would cut it to "${name}")`,
      line: 2,
    });
  });

  it("uses knockd's cut name in knockd's own errors", () => {
    const name = 'n'.repeat(127);
    expect(failure(`[${name}xyz]\n`).error).toBe(
      `error: section '${name}' has an empty knock sequence`,
    );
  });
});

describe('NUL bytes', () => {
  it('refuses a line with a NUL byte, naming the line (knockd would read only the text before it)', () => {
    const text = '[a]\nsequence = 1\ncommand = /bin/echo open\0; reboot\n';
    expect(failure(text)).toEqual({
      error: 'config: line 3: line holds a NUL byte (knockd would read only the text before it)',
      line: 3,
    });
  });

  it("gives knockd's error for what knockd reads before the NUL", () => {
    expect(failure('[a]\nsequence = 1\nbogus\0 = 1\n').error).toBe('config: line 3: syntax error');
    expect(failure('[a]\nsequence = 1\n#\0bogus\n').error).toContain('config: line 3: line holds');
  });
});
