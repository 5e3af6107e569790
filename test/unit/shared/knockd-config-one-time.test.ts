import { describe, expect, it } from 'vitest';
import {
  findOneTimeLine,
  markOneTimeSequenceUsed,
  nextOneTimeSequence,
  parseKnockdConfig,
  parseOneTimeSequences,
  startsOnOneTimeSequence,
  type KnockdDoor,
} from '../../../shared/knockd/config';

const FILE = '# used before\n\n  #001,3002\nabc:icmp\n70000\nabc\n 3001, 3002:UDP \n4001\n';

describe('parseOneTimeSequences', () => {
  it('uses the first line that parses, skipping blank, `#` and unparsable lines', () => {
    expect(parseOneTimeSequences(FILE, 'd')).toEqual({
      lines: [
        '# used before',
        '',
        '  #001,3002',
        'abc:icmp',
        '70000',
        'abc',
        ' 3001, 3002:UDP ',
        '4001',
      ],
      current: {
        index: 6,
        line: ' 3001, 3002:UDP ',
        sequence: [
          { port: 3001, protocol: 'tcp' },
          { port: 3002, protocol: 'udp' },
        ],
      },
    });
  });

  it('skips lines knockd would read as port 0 (Sesame never knocks port 0)', () => {
    expect(parseOneTimeSequences('abc\n[x]\n5000\n', 'd').current?.index).toBe(2);
  });

  it('reads CRLF files and says when no sequence is left', () => {
    const crlf = '# c\r\n\r\n3001,3002\r\n';
    expect(parseOneTimeSequences(crlf, 'd')).toEqual({
      lines: ['# c', '', '3001,3002'],
      current: {
        index: 2,
        line: '3001,3002',
        sequence: [
          { port: 3001, protocol: 'tcp' },
          { port: 3002, protocol: 'tcp' },
        ],
      },
    });
    expect(parseOneTimeSequences('# all used\n#001\n', 'd').current).toBeUndefined();
    expect(parseOneTimeSequences('', 'd')).toEqual({ lines: [], current: undefined });
  });
});

describe('nextOneTimeSequence', () => {
  it('finds the next usable line after the one just used', () => {
    expect(nextOneTimeSequence(FILE, 'd', 6)).toEqual({
      index: 7,
      line: '4001',
      sequence: [{ port: 4001, protocol: 'tcp' }],
    });
    expect(nextOneTimeSequence(FILE, 'd', 7)).toBeUndefined();
    expect(nextOneTimeSequence(FILE, 'd', -1)?.index).toBe(6);
  });
});

describe('findOneTimeLine', () => {
  it('finds the used line by its text, where it was or where an edit moved it', () => {
    const used = { index: 0, line: '3001,3002' };
    expect(findOneTimeLine('3001,3002\n4001\n', used)).toBe(0);
    expect(findOneTimeLine('5001\n3001,3002\r\n4001\n', used)).toBe(1);
    expect(findOneTimeLine('#001,3002\n4001\n', used)).toBeUndefined();
    expect(findOneTimeLine('', used)).toBeUndefined();
  });
});

describe('markOneTimeSequenceUsed', () => {
  it("overwrites the line's first character with `#`, as knockd does", () => {
    expect(markOneTimeSequenceUsed('3001,3002\n4001\n', 0)).toBe('#001,3002\n4001\n');
    expect(markOneTimeSequenceUsed('3001,3002\n4001\n', 1)).toBe('3001,3002\n#001\n');
    // knockd overwrites the first byte even when it is a space (checked on Debian's knockd).
    expect(markOneTimeSequenceUsed('  3001,3002\n', 0)).toBe('# 3001,3002\n');
  });

  it('keeps every other byte, CRLF line endings and a missing final newline included', () => {
    const text = '# c\r\n\r\n3001,3002\r\n4001';
    expect(markOneTimeSequenceUsed(text, 2)).toBe('# c\r\n\r\n#001,3002\r\n4001');
    expect(markOneTimeSequenceUsed(text, 3)).toBe('# c\r\n\r\n3001,3002\r\n#001');
  });

  it('leaves the text alone for an empty or missing line', () => {
    const text = '3001\r\n\r\n\n4001\n';
    for (const index of [1, 2, 4, 9, -1, 0.5]) {
      expect(markOneTimeSequenceUsed(text, index)).toBe(text);
    }
  });

  it('walks a file line by line: each sequence is used once, then none is left', () => {
    let text = '3001,3002\r\n# note\r\nbad\r\n4001\r\n5001:udp';
    const used: number[][] = [];
    let current = parseOneTimeSequences(text, 'd').current;
    while (current) {
      used.push(current.sequence.map((knock) => knock.port));
      text = markOneTimeSequenceUsed(text, current.index);
      current = nextOneTimeSequence(text, 'd', current.index);
    }
    expect(used).toEqual([[3001, 3002], [4001], [5001]]);
    expect(text).toBe('#001,3002\r\n# note\r\nbad\r\n#001\r\n#001:udp');
    expect(parseOneTimeSequences(text, 'd').current).toBeUndefined();
  });
});

describe('doors on a one-time sequences file', () => {
  function door(text: string): KnockdDoor {
    const result = parseKnockdConfig(text);
    if (!result.ok) throw new Error(result.error);
    return result.value.doors[0] as KnockdDoor;
  }

  it('need no sequence of their own', () => {
    expect(door('[a]\none_time_sequences = /etc/knockd/a.seq\n')).toMatchObject({
      sequence: [],
      oneTimeSequences: '/etc/knockd/a.seq',
    });
  });

  it('start on the file unless a sequence line comes after one_time_sequences', () => {
    expect(startsOnOneTimeSequence(door('[a]\none_time_sequences = /f\n'))).toBe(true);
    expect(startsOnOneTimeSequence(door('[a]\nsequence = 1\none_time_sequences = /f\n'))).toBe(
      true,
    );
    // knockd reads the file at the one_time_sequences line; a later sequence line replaces it.
    expect(startsOnOneTimeSequence(door('[a]\none_time_sequences = /f\nsequence = 1\n'))).toBe(
      false,
    );
    expect(startsOnOneTimeSequence(door('[a]\nsequence = 1\n'))).toBe(false);
  });
});
