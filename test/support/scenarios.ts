// The packet scenarios of the differential suite (docs: knockd-semantics.md, section 7), what the
// real knockd logs for each, and where `sesame server` deliberately logs something else.
import { TCP_FLAG_BITS, type TcpFlagName } from '../../shared/sequence/tcp-flags';
import type { PlayedHit } from './packet-player';

/** Who sends a packet: the client's IPv4 address, its IPv6 address, or a second IPv4 address. */
export type Source = 'A' | 'A6' | 'B';

/**
 * What a server did, normalised: per source its `S: D: ...` lines in order (the `S: ` cut off), the
 * door command lines (`commands`), the other log lines (`server`), and what the commands printed
 * (`ran`). Addresses read A, A6, B (and T for a door's target); the interface reads IF.
 */
export interface Outcome {
  A?: string[];
  A6?: string[];
  B?: string[];
  commands?: string[];
  server?: string[];
  ran?: string[];
  /** The one-time sequences file after the run, line by line. */
  file?: string[];
  /** How the server ended on its own during the scenario (`signal SIGABRT`), if it did. */
  exited?: string;
}

/**
 * One step of a scenario: `syn 7000` (a kernel connect's SYN), `udp 8000`, `ack 8000` or
 * `syn,ack 2000` (crafted flags), each optionally `@A6`/`@B` (source) and `->T` or `->S2` (to the
 * door's target, or the server's second address, instead of its first); `wait 6000` (ms);
 * `snapshot` (record both logs now).
 */
export type Step = string;

/** A row of the table: config, packets, what knockd does and, for deliberate differences, Sesame. */
export interface Scenario {
  row: string;
  title: string;
  config: string;
  steps: Step[];
  knockd: Outcome;
  /** Only where Sesame differs on purpose (knockd-semantics.md section 3): what it does instead. */
  sesame?: Outcome;
  /** The outcomes at the `snapshot` step, when the scenario has one. */
  snapshot?: { knockd: Outcome; sesame?: Outcome };
  /** Extra command-line options for both servers (`-4`). */
  args?: string[];
  /** A log line to wait for before the server is stopped (slow commands). */
  waitFor?: RegExp;
  /** Contents of a one-time sequences file, fresh for each run; `%ONE_TIME%` in config is its path. */
  oneTimeFile?: string;
}

/** Addresses a scenario's names stand for, on the bed. */
export interface Addresses {
  A: string;
  A6: string;
  B: string;
  serverV4: string;
  serverV6: string;
  /** A door's `target`: not an address of the server, reached through a static neighbour entry. */
  T: string;
  /** A second address of the server's interface. */
  S2: string;
  ifname: string;
}

/** The second client address (row 8's host B), the target of row 14, a second server address. */
export const SECOND_CLIENT_V4 = '198.18.0.3';
export const TARGET_V4 = '10.0.0.50';
export const SECOND_SERVER_V4 = '198.18.0.5';

/** The lines every run starts and ends with. */
export const STARTUP = 'starting up, listening on IF';
export const SHUTDOWN = 'shutting down';

/** A door section in knockd.conf syntax, directives indented. */
export function door(name: string, directives: Record<string, string>): string {
  const lines = Object.entries(directives).map(([key, value]) => `  ${key} = ${value}\n`);
  return `[${name}]\n${lines.join('')}`;
}

/** The table's base config C1 (our command prints a marker so `ran` shows it really ran). */
export function c1(extra: Record<string, string> = {}): string {
  return door('o', {
    sequence: '7000,8000,9000',
    seq_timeout: '5',
    tcpflags: 'syn',
    command: '/bin/echo door-open %IP%',
    ...extra,
  });
}

/** `D: Stage 1` ... `D: Stage n`. */
export function stages(name: string, n: number): string[] {
  return Array.from({ length: n }, (_, i) => `${name}: Stage ${i + 1}`);
}

/** Every stage of an n-port door, then its OPEN SESAME. */
export function opens(name: string, n: number): string[] {
  return [...stages(name, n), `${name}: OPEN SESAME`];
}

/** The log line of a door command. */
export const running = (name: string, command: string): string =>
  `${name}: running command: ${command}`;

const STEP = /^([a-z,]+) (\d+)(?: @(A6|B))?(?: ->(T|S2))?$/;

function isFlagName(text: string): text is TcpFlagName {
  return Object.hasOwn(TCP_FLAG_BITS, text);
}

/** Where a packet step goes: `->T`, `->S2`, or the server's address of the source's family. */
function destinationOf(to: string | undefined, source: string | undefined, at: Addresses): string {
  if (to === 'T') return at.T;
  if (to === 'S2') return at.S2;
  return source === 'A6' ? at.serverV6 : at.serverV4;
}

/** A packet step as the player's hit, with the bed's addresses. */
export function parseHit(step: Step, at: Addresses): PlayedHit {
  const match = STEP.exec(step);
  if (!match) throw new Error(`bad scenario step "${step}"`);
  const [, kind = '', portText = '', source, destination] = match;
  const port = Number(portText);
  const to = destinationOf(destination, source, at);
  const from = source === 'B' ? { from: at.B } : {};
  if (kind === 'udp') return { to, port, kind: 'udp', ...from };
  if (kind === 'syn') return { to, port, kind: 'syn', ...from };
  const flags = kind.split(',');
  if (!flags.every(isFlagName)) throw new Error(`bad flags in scenario step "${step}"`);
  return { to, port, kind: 'raw', flags: { set: flags, clear: [] }, ...from };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Replaces the bed's addresses and interface by their names, whole tokens only. */
function nameAddresses(text: string, at: Addresses): string {
  const names: [string, string][] = [
    [at.A6, 'A6'],
    [at.A, 'A'],
    [at.B, 'B'],
    [at.T, 'T'],
    [at.S2, 'S2'],
    [at.ifname, 'IF'],
  ];
  let out = text;
  for (const [value, name] of names) {
    out = out.replace(
      new RegExp(`(?<![\\w.:])${escapeRegExp(value)}(?![\\w.]|:[\\w:])`, 'g'),
      name,
    );
  }
  return out;
}

const STAMP = /^\[\d{4}-\d\d-\d\d \d\d:\d\d\] /;
const COMMAND_LINE = /^[^:]+: (running command: |command returned non-zero status code )/;
const SOURCES: readonly Source[] = ['A', 'A6', 'B'];

function push(outcome: Outcome, key: Exclude<keyof Outcome, 'exited'>, line: string): void {
  (outcome[key] ??= []).push(line);
}

/**
 * Normalises a log file and the server's stdout: stamps stripped, addresses named, lines sorted into
 * the Outcome's lists in their order; `ran` keeps the stdout lines our commands printed (`door-...`).
 * Blank lines are skipped: knockd writes one after each `running command` and `sequence timeout`
 * line (their format strings end in a newline of their own); Sesame does not.
 */
export function normalise(log: string, stdout: string, at: Addresses): Outcome {
  const outcome: Outcome = {};
  for (const raw of log.split('\n')) {
    if (raw.trim() === '') continue;
    const line = nameAddresses(raw.replace(STAMP, ''), at);
    const source = SOURCES.find((name) => line.startsWith(`${name}: `));
    // Command lines first: they start with the door's name, which may read like a source (`A`).
    if (COMMAND_LINE.test(line)) push(outcome, 'commands', line);
    else if (source !== undefined) push(outcome, source, line.slice(source.length + 2));
    else push(outcome, 'server', line);
  }
  for (const raw of stdout.split('\n')) {
    if (raw.startsWith('door-')) push(outcome, 'ran', nameAddresses(raw, at));
  }
  return canonical(outcome);
}

const doorOf = (line: string): string => line.slice(0, line.indexOf(':'));

/**
 * knockd runs each open's commands in a child process of its own, which also logs their lines, so
 * the order of command lines is fixed within a door but not across doors: they are grouped by door
 * (a stable sort), and what the commands printed is compared as a sorted list.
 */
export function canonical(outcome: Outcome): Outcome {
  const result = { ...outcome };
  if (outcome.commands) {
    result.commands = [...outcome.commands].sort((a, b) => doorOf(a).localeCompare(doorOf(b)));
  }
  if (outcome.ran) result.ran = [...outcome.ran].sort();
  return result;
}

/** An expected outcome with the start-up and shut-down lines every run logs, in canonical order. */
export function withLifecycle(outcome: Outcome): Outcome {
  return canonical({ ...outcome, server: outcome.server ?? [STARTUP, SHUTDOWN] });
}

const ECHO_OPEN = '/bin/echo door-open';
const ONE_TIME_EXHAUSTED =
  'no more sequences left in the one time sequences file for door once --> disabling the door';

/** Rows 1-20 of knockd-semantics.md section 7 (row 21, config errors, has its own test). */
export const SCENARIOS: readonly Scenario[] = [
  {
    row: '1',
    title: 'a plain knock opens',
    config: c1(),
    steps: ['syn 7000', 'syn 8000', 'syn 9000'],
    knockd: { A: opens('o', 3), commands: [running('o', `${ECHO_OPEN} A`)], ran: ['door-open A'] },
  },
  {
    row: '1b',
    title: 'the same knock twice opens twice, and every %IP% is filled',
    config: c1({ command: '/bin/echo door-open %IP% %IP%' }),
    steps: ['syn 7000', 'syn 8000', 'syn 9000', 'syn 7000', 'syn 8000', 'syn 9000'],
    knockd: {
      A: [...opens('o', 3), ...opens('o', 3)],
      commands: [running('o', `${ECHO_OPEN} A A`), running('o', `${ECHO_OPEN} A A`)],
      ran: ['door-open A A', 'door-open A A'],
    },
  },
  {
    row: '1c',
    title: 'knocks to two addresses of the interface combine',
    config: c1(),
    steps: ['syn 7000', 'syn 8000 ->S2', 'syn 9000'],
    knockd: { A: opens('o', 3), commands: [running('o', `${ECHO_OPEN} A`)], ran: ['door-open A'] },
  },
  {
    row: '2',
    title: 'an ACK-only packet to a door port fails tcpflags = syn and is ignored',
    config: c1(),
    steps: ['syn 7000', 'ack 8000', 'syn 8000', 'syn 9000'],
    knockd: { A: opens('o', 3), commands: [running('o', `${ECHO_OPEN} A`)], ran: ['door-open A'] },
  },
  {
    row: '2b',
    title:
      'a packet with the wrong flags for this door is ignored, even when another door passes it',
    config:
      c1() + door('f', { sequence: '8000', tcpflags: 'ack', command: '/bin/echo door-f %IP%' }),
    steps: ['syn 7000', 'ack 8000', 'syn 8000', 'syn 9000'],
    knockd: { A: opens('o', 3), commands: [running('o', `${ECHO_OPEN} A`)], ran: ['door-open A'] },
  },
  {
    row: '3',
    title: 'UDP to a TCP-only port and SYN to an unlisted port are filtered out',
    config: c1(),
    steps: ['syn 7000', 'udp 8000', 'syn 22', 'syn 8000', 'syn 9000'],
    knockd: { A: opens('o', 3), commands: [running('o', `${ECHO_OPEN} A`)], ran: ['door-open A'] },
  },
  {
    row: '3b',
    title: 'UDP to a TCP door port invalidates when some door listens for UDP there',
    config: c1() + door('u', { sequence: '8000:udp', command: '/bin/echo door-u %IP%' }),
    steps: ['syn 7000', 'udp 8000', 'syn 8000', 'syn 9000'],
    knockd: { A: stages('o', 1) },
  },
  {
    row: '4',
    title: 'a wrong port invalidates; the rest does not restart',
    config: c1(),
    steps: ['syn 7000', 'syn 9000', 'syn 8000', 'syn 9000'],
    knockd: { A: stages('o', 1) },
  },
  {
    row: '5',
    title: 'a repeated port invalidates',
    config: c1(),
    steps: ['syn 7000', 'syn 7000', 'syn 8000', 'syn 9000'],
    knockd: { A: stages('o', 1) },
  },
  {
    row: '6',
    title: 'after the invalidating packet, a new attempt starts',
    config: c1(),
    steps: ['syn 7000', 'syn 9000', 'syn 7000', 'syn 8000', 'syn 9000'],
    knockd: {
      A: [...stages('o', 1), ...opens('o', 3)],
      commands: [running('o', `${ECHO_OPEN} A`)],
      ran: ['door-open A'],
    },
  },
  {
    row: '7',
    title: 'the second knock 6 s after the first (seq_timeout 5) times out',
    config: c1(),
    steps: ['syn 7000', 'wait 6000', 'snapshot', 'syn 8000'],
    // knockd expires lazily, on the next packet; Sesame logs the timeout when it is due.
    snapshot: {
      knockd: { A: stages('o', 1) },
      sesame: { A: [...stages('o', 1), 'o: sequence timeout (stage 1)'] },
    },
    knockd: { A: [...stages('o', 1), 'o: sequence timeout (stage 1)'] },
  },
  {
    row: '8',
    title: 'two sources: A opens, B (first port wrong) never starts',
    config: c1(),
    steps: ['syn 7000', 'syn 8000 @B', 'syn 9000 @B', 'syn 8000', 'syn 9000'],
    knockd: { A: opens('o', 3), commands: [running('o', `${ECHO_OPEN} A`)], ran: ['door-open A'] },
  },
  {
    row: '8b',
    title: "removing one source's invalidated attempt loses another source's progress",
    config: c1(),
    steps: ['syn 7000', 'syn 7000 @B', 'syn 9000', 'syn 8000 @B', 'syn 9000 @B'],
    // knockd: removing A's attempt (the oldest) empties the list (line 1777), losing B's stage 1.
    knockd: { A: stages('o', 1), B: stages('o', 1) },
    sesame: {
      A: stages('o', 1),
      B: opens('o', 3),
      commands: [running('o', `${ECHO_OPEN} B`)],
      ran: ['door-open B'],
    },
  },
  {
    row: '9',
    title: 'a short and a long door sharing a prefix',
    config:
      door('short', { sequence: '1000,2000', command: '/bin/echo door-short %IP%' }) +
      door('long', { sequence: '1000,2000,3000', command: '/bin/echo door-long %IP%' }),
    steps: ['syn 1000', 'syn 2000', 'syn 3000'],
    // knockd: removing the finished `short` attempt empties the list (line 1777), losing `long`.
    knockd: {
      A: [
        'short: Stage 1',
        'long: Stage 1',
        'short: Stage 2',
        'short: OPEN SESAME',
        'long: Stage 2',
      ],
      commands: [running('short', '/bin/echo door-short A')],
      ran: ['door-short A'],
    },
    sesame: {
      A: [
        'short: Stage 1',
        'long: Stage 1',
        'short: Stage 2',
        'short: OPEN SESAME',
        'long: Stage 2',
        'long: Stage 3',
        'long: OPEN SESAME',
      ],
      commands: [
        running('short', '/bin/echo door-short A'),
        running('long', '/bin/echo door-long A'),
      ],
      ran: ['door-short A', 'door-long A'],
    },
  },
  {
    row: '10',
    title: 'a one-port door and a two-port door starting with the same port',
    config:
      door('a', { sequence: '1000', command: '/bin/echo door-a %IP%' }) +
      door('b', { sequence: '1000,2000', command: '/bin/echo door-b %IP%' }),
    steps: ['syn 1000', 'syn 2000'],
    // knockd: the same line-1777 bug drops `b` when the finished `a` attempt is removed.
    knockd: {
      A: ['a: Stage 1', 'a: OPEN SESAME', 'b: Stage 1'],
      commands: [running('a', '/bin/echo door-a A')],
      ran: ['door-a A'],
    },
    sesame: {
      A: ['a: Stage 1', 'a: OPEN SESAME', 'b: Stage 1', 'b: Stage 2', 'b: OPEN SESAME'],
      commands: [running('a', '/bin/echo door-a A'), running('b', '/bin/echo door-b A')],
      ran: ['door-a A', 'door-b A'],
    },
  },
  {
    row: '10b',
    title: "removing one door's invalidated attempt loses another door's progress",
    config:
      door('x', { sequence: '1000,2000,4000', command: '/bin/echo door-x %IP%' }) +
      door('y', { sequence: '1000,3000,4000', command: '/bin/echo door-y %IP%' }),
    steps: ['syn 1000', 'syn 3000', 'syn 4000'],
    // knockd: the same line-1777 bug: removing the invalidated `x` attempt drops `y` at Stage 2.
    knockd: { A: ['x: Stage 1', 'y: Stage 1', 'y: Stage 2'] },
    sesame: {
      A: ['x: Stage 1', 'y: Stage 1', 'y: Stage 2', 'y: Stage 3', 'y: OPEN SESAME'],
      commands: [running('y', '/bin/echo door-y A')],
      ran: ['door-y A'],
    },
  },
  {
    row: '10c',
    title: 'a packet that advances one door does not start another',
    config:
      door('p', { sequence: '7000,8000', command: '/bin/echo door-p %IP%' }) +
      door('q', { sequence: '8000,9000', command: '/bin/echo door-q %IP%' }),
    steps: ['syn 7000', 'syn 8000', 'syn 9000'],
    knockd: { A: opens('p', 2), commands: [running('p', '/bin/echo door-p A')], ran: ['door-p A'] },
  },
  {
    row: '11',
    title: 'a mixed TCP/UDP door with tcpflags = syn,!ack',
    config: door('A', {
      sequence: '1000,2000:udp,3000',
      tcpflags: 'syn,!ack',
      command: `${ECHO_OPEN} %IP%`,
    }),
    steps: ['syn 1000', 'udp 2000', 'syn 3000'],
    knockd: { A: opens('A', 3), commands: [running('A', `${ECHO_OPEN} A`)], ran: ['door-open A'] },
  },
  {
    row: '11b',
    title: 'tcpflags lines add up (fin, then !ack)',
    config: door('f', { sequence: '1000,2000', command: `${ECHO_OPEN} %IP%` }).replace(
      '  command',
      '  tcpflags = fin\n  tcpflags = !ack\n  command',
    ),
    steps: ['syn 1000', 'fin,ack 1000', 'fin 1000', 'fin 2000'],
    knockd: { A: opens('f', 2), commands: [running('f', `${ECHO_OPEN} A`)], ran: ['door-open A'] },
  },
  {
    row: '11c',
    title: 'CRLF, key case, aliases, the last sequence line, and no inline comments',
    config:
      '[o]\r\n  Sequence = 1000,2000\r\n  SEQUENCE = 7000,8000,9000\r\n  Timeout = 5\r\n' +
      '  TCPFlags = syn\r\n  Command = /bin/echo door-open %IP% # not a comment\r\n',
    steps: ['syn 1000', 'syn 7000', 'syn 8000', 'syn 9000'],
    knockd: {
      A: opens('o', 3),
      commands: [running('o', `${ECHO_OPEN} A # not a comment`)],
      ran: ['door-open A'],
    },
  },
  {
    row: '12',
    title: 'SYN+ACK fails !ack and is ignored',
    config: door('A', {
      sequence: '1000,2000:udp,3000',
      tcpflags: 'syn,!ack',
      command: `${ECHO_OPEN} %IP%`,
    }),
    steps: ['syn 1000', 'syn,ack 2000', 'udp 2000', 'syn 3000'],
    knockd: { A: opens('A', 3), commands: [running('A', `${ECHO_OPEN} A`)], ran: ['door-open A'] },
  },
  {
    row: '12b',
    title: 'SYN+ACK to a TCP port of the door fails !ack and is ignored',
    config: door('A', {
      sequence: '1000,2000:udp,3000',
      tcpflags: 'syn,!ack',
      command: `${ECHO_OPEN} %IP%`,
    }),
    steps: ['syn 1000', 'udp 2000', 'syn,ack 3000', 'syn 3000'],
    knockd: { A: opens('A', 3), commands: [running('A', `${ECHO_OPEN} A`)], ran: ['door-open A'] },
  },
  {
    row: '13',
    title: 'a one-port UDP door opens on every datagram',
    config: door('u', { sequence: '7777:udp', command: `${ECHO_OPEN} %IP%` }),
    steps: ['udp 7777', 'udp 7777'],
    knockd: {
      A: [...opens('u', 1), ...opens('u', 1)],
      commands: [running('u', `${ECHO_OPEN} A`), running('u', `${ECHO_OPEN} A`)],
      ran: ['door-open A', 'door-open A'],
    },
  },
  {
    row: '14',
    title: 'with a target, knocks to the interface address do nothing',
    config: c1({ target: TARGET_V4 }),
    steps: ['syn 7000', 'syn 8000', 'syn 9000'],
    knockd: {},
  },
  {
    row: '14b',
    title: 'with a target, knocks to the target open',
    config: c1({ target: TARGET_V4 }),
    steps: ['syn 7000 ->T', 'syn 8000 ->T', 'syn 9000 ->T'],
    knockd: { A: opens('o', 3), commands: [running('o', `${ECHO_OPEN} A`)], ran: ['door-open A'] },
  },
  {
    row: '14c',
    title: 'without a target, knocks to an address the interface does not have do nothing',
    config: c1(),
    steps: ['syn 7000 ->T', 'syn 8000 ->T', 'syn 9000 ->T'],
    knockd: {},
  },
  {
    row: '14d',
    title: "a source's attempt for a target door does not hold up a knock to the interface address",
    config:
      door('t', { sequence: '7000,8000', target: TARGET_V4, command: '/bin/echo door-t %IP%' }) +
      door('l', { sequence: '9000,9100', command: '/bin/echo door-l %IP%' }),
    // `l` finishes before `t`, so removing a finished attempt never removes the oldest (line 1777).
    steps: ['syn 7000 ->T', 'syn 9000', 'syn 9100', 'syn 8000 ->T'],
    knockd: {
      A: [
        't: Stage 1',
        'l: Stage 1',
        'l: Stage 2',
        'l: OPEN SESAME',
        't: Stage 2',
        't: OPEN SESAME',
      ],
      commands: [running('l', '/bin/echo door-l A'), running('t', '/bin/echo door-t A')],
      ran: ['door-l A', 'door-t A'],
    },
  },
  {
    row: '15',
    title: 'a knock over IPv6 opens with the IPv6 text form in %IP%',
    config: c1(),
    steps: ['syn 7000 @A6', 'syn 8000 @A6', 'syn 9000 @A6'],
    knockd: {
      A6: opens('o', 3),
      commands: [running('o', `${ECHO_OPEN} A6`)],
      ran: ['door-open A6'],
    },
  },
  {
    row: '15b',
    title: 'with -4, IPv6 knocks are ignored and IPv4 knocks open',
    config: c1(),
    args: ['-4'],
    steps: ['syn 7000 @A6', 'syn 8000 @A6', 'syn 9000 @A6', 'syn 7000', 'syn 8000', 'syn 9000'],
    knockd: { A: opens('o', 3), commands: [running('o', `${ECHO_OPEN} A`)], ran: ['door-open A'] },
  },
  {
    row: '16',
    title: 'start_command_6 runs for an IPv6 source, command for IPv4',
    config: c1({ start_command_6: '/bin/echo door-six %IP%' }),
    steps: ['syn 7000', 'syn 8000', 'syn 9000', 'syn 7000 @A6', 'syn 8000 @A6', 'syn 9000 @A6'],
    knockd: {
      A: opens('o', 3),
      A6: opens('o', 3),
      commands: [running('o', `${ECHO_OPEN} A`), running('o', '/bin/echo door-six A6')],
      ran: ['door-open A', 'door-six A6'],
    },
  },
  {
    row: '17',
    title: 'hits split across IPv4 and IPv6 are two sources',
    config: c1(),
    steps: ['syn 7000', 'syn 8000 @A6', 'syn 9000'],
    knockd: { A: stages('o', 1) },
  },
  {
    row: '18',
    title: 'cmd_timeout = 1 runs the stop command a second after the start command',
    config: c1({ stop_command: '/bin/echo door-close %IP%', cmd_timeout: '1' }),
    steps: ['syn 7000', 'syn 8000', 'syn 9000'],
    waitFor: /running command: \/bin\/echo door-close/,
    knockd: {
      A: [...opens('o', 3), 'o: command timeout'],
      commands: [running('o', `${ECHO_OPEN} A`), running('o', '/bin/echo door-close A')],
      ran: ['door-open A', 'door-close A'],
    },
  },
  {
    row: '18b',
    title: 'a stop command without a start command never runs',
    config: door('o', {
      sequence: '7000,8000,9000',
      stop_command: '/bin/echo door-close %IP%',
      cmd_timeout: '1',
    }),
    steps: ['syn 7000', 'syn 8000', 'syn 9000'],
    waitFor: /command timeout/,
    // knockd starts the command process (which also runs the stop command) only for a start command.
    knockd: { A: opens('o', 3) },
  },
  {
    row: '18c',
    title: 'an empty stop command still logs a command timeout and runs the empty command',
    config: c1({ stop_command: '', cmd_timeout: '1' }),
    steps: ['syn 7000', 'syn 8000', 'syn 9000'],
    waitFor: /command timeout/,
    knockd: {
      A: [...opens('o', 3), 'o: command timeout'],
      commands: [running('o', `${ECHO_OPEN} A`), running('o', '')],
      ran: ['door-open A'],
    },
  },
  {
    row: '19',
    title: 'a failing command is logged with its status',
    config: c1({ command: 'false' }),
    steps: ['syn 7000', 'syn 8000', 'syn 9000'],
    waitFor: /non-zero status/,
    knockd: {
      A: opens('o', 3),
      commands: [running('o', 'false'), 'o: command returned non-zero status code (1)'],
    },
  },
  {
    row: '20',
    title: 'one-time sequences are used in turn, each once; the last one disables the door',
    config:
      door('once', { one_time_sequences: '%ONE_TIME%', command: `${ECHO_OPEN} %IP%` }) +
      door('other', { sequence: '6001', command: '/bin/echo door-other %IP%' }),
    oneTimeFile: '3001,3002\n4001,4002:udp\n5001,5002\n',
    // After each open the servers switch their capture filter to the next sequence; knockd loses a
    // hit that comes 30 ms later, so each sequence waits a moment (as a person would).
    steps: [
      ...['syn 3001', 'syn 3002', 'wait 300', 'syn 3001', 'syn 3002'],
      ...['syn 4001', 'udp 4002', 'wait 300', 'syn 5001', 'syn 5002', 'syn 6001'],
    ],
    // knockd: a double free aborts it once the last sequence is used (so `other` is gone too);
    // Sesame disables only that door and keeps serving the others.
    knockd: {
      A: [...opens('once', 2), ...opens('once', 2), ...opens('once', 2)],
      commands: Array.from({ length: 3 }, () => running('once', `${ECHO_OPEN} A`)),
      ran: ['door-open A', 'door-open A', 'door-open A'],
      server: [STARTUP, ONE_TIME_EXHAUSTED],
      file: ['#001,3002', '#001,4002:udp', '#001,5002', ''],
      exited: 'signal SIGABRT',
    },
    sesame: {
      A: [...opens('once', 2), ...opens('once', 2), ...opens('once', 2), ...opens('other', 1)],
      commands: [
        ...Array.from({ length: 3 }, () => running('once', `${ECHO_OPEN} A`)),
        running('other', '/bin/echo door-other A'),
      ],
      ran: ['door-open A', 'door-open A', 'door-open A', 'door-other A'],
      server: [STARTUP, ONE_TIME_EXHAUSTED, SHUTDOWN],
      file: ['#001,3002', '#001,4002:udp', '#001,5002', ''],
    },
  },
];

/** Row 21: a bad knockd.conf and the first line knockd prints on stderr before exiting 1. */
export interface ConfigError {
  name: string;
  config: string;
  knockd: string;
}

const THIRTY_THREE_PORTS = Array.from({ length: 33 }, (_, i) => 1001 + i).join(',');

/** Row 21's configs (and the other error lines of knockd-semantics.md section 1). */
export const CONFIG_ERRORS: readonly ConfigError[] = [
  {
    name: '[Options] is a door, and it has no sequence',
    config: '[Options]\n  UseSyslog\n',
    knockd: "error: section 'Options' has an empty knock sequence",
  },
  {
    name: '[Options] is a door, where LogFile is unknown',
    config: '[Options]\n  sequence = 7000\n  logfile = /tmp/sesame-never.log\n',
    knockd: 'config: line 3: syntax error',
  },
  {
    name: 'tcpflags tokens are not trimmed',
    config: '[o]\n  sequence = 7000\n  tcpflags = syn, ack\n',
    knockd: 'config: line 3: unrecognized flag " ACK"',
  },
  {
    name: 'an unknown flag',
    config: '[o]\n  sequence = 7000\n  tcpflags = syn,foo\n',
    knockd: 'config: line 3: unrecognized flag "FOO"',
  },
  {
    name: 'port 65536',
    config: '[o]\n  sequence = 7000,65536\n',
    knockd: 'config: section o: port 65536 is invalid',
  },
  {
    name: 'protocol icmp',
    config: '[o]\n  sequence = 1:icmp\n',
    knockd: 'config: section o: unknown protocol in knock sequence',
  },
  {
    name: 'an empty protocol',
    config: '[o]\n  sequence = 1:\n',
    knockd: 'config: section o: unknown protocol in knock sequence',
  },
  {
    name: '33 ports',
    config: `[o]\n  sequence = ${THIRTY_THREE_PORTS}\n`,
    knockd: 'config: section o: too many ports in knock sequence',
  },
  {
    name: 'a door without a sequence',
    config: '[o]\n  command = /bin/true\n',
    knockd: "error: section 'o' has an empty knock sequence",
  },
  {
    name: 'an empty section name',
    config: '[]\n  sequence = 1\n',
    knockd: 'config: line 1: bad section name',
  },
  {
    name: 'a directive before any section',
    config: 'sequence = 1\n[o]\n  sequence = 2\n',
    knockd: 'config: line 1: all directives must belong to a section',
  },
  {
    name: 'a line without =',
    config: '[o]\n  sequence 1000\n',
    knockd: 'config: line 2: syntax error',
  },
  {
    name: 'an unknown door key',
    config: '[o]\n  sequence = 1000\n  colour = blue\n',
    knockd: 'config: line 3: syntax error',
  },
  {
    name: 'a door key in [options]',
    config: '[options]\n  sequence = 1000\n',
    knockd: 'config: line 2: syntax error',
  },
];
