// Seeded random inputs for the fuzz tests: the same seed gives the same inputs on every machine,
// so a failure names its seed and case and is replayed with SESAME_FUZZ_SEED=<seed>.

/** A random source: floats in [0, 1), whole numbers, picks, and text made of hostile pieces. */
export interface Random {
  next(): number;
  int(below: number): number;
  pick<T>(items: readonly T[]): T;
  chance(p: number): boolean;
}

/** mulberry32: small, fast and good enough to vary test inputs (not for anything secret). */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (below: number) => Math.floor(next() * below);
  return {
    next,
    int,
    pick: <T>(items: readonly T[]): T => items[int(items.length)] as T,
    chance: (p: number) => next() < p,
  };
}

/** The seed for this run: SESAME_FUZZ_SEED, or a fixed one so CI runs are repeatable. */
export function fuzzSeed(fallback: number): number {
  const given = Number(process.env.SESAME_FUZZ_SEED);
  return Number.isInteger(given) ? given : fallback;
}

/** Characters that break parsers and spoof text: controls, bidi and zero-width, surrogates, quotes. */
export const NASTY = [
  '\u0000',
  '\t',
  '\n',
  '\r',
  '\r\n',
  '\u000b',
  '\u001b',
  '\u007f',
  '\u00a0',
  '\u00ad',
  '\u200b',
  '\u200d',
  '\u202e',
  '\u2066',
  '\ufeff',
  '\ud800',
  '\udc00',
  '😀',
  'é',
  '"',
  "'",
  '\\',
  '[',
  ']',
  '{',
  '}',
  '=',
  ',',
  ':',
  ';',
  '#',
  '-',
  '%IP%',
  ' ',
  '  ',
  '9'.repeat(30),
  'x'.repeat(300),
];

const PLAIN = 'abcdefgSSHopenclose_0123456789 .'.split('');

/** A short string of letters, digits and (sometimes) nasty pieces. */
export function randomText(r: Random, max = 12): string {
  let text = '';
  const length = r.int(max + 1);
  for (let i = 0; i < length; i += 1) {
    text += r.chance(0.15) ? r.pick(NASTY) : r.pick(PLAIN);
  }
  return text;
}

/** `text` with a few random edits: characters flipped, pieces inserted, deleted, repeated or cut. */
export function mutateText(r: Random, text: string): string {
  let out = text;
  const edits = 1 + r.int(4);
  for (let e = 0; e < edits; e += 1) {
    const at = r.int(out.length + 1);
    const span = r.int(Math.min(40, out.length - at) + 1);
    switch (r.int(5)) {
      case 0:
        out = `${out.slice(0, at)}${String.fromCharCode(r.int(0x3000))}${out.slice(at + 1)}`;
        break;
      case 1:
        out = `${out.slice(0, at)}${r.pick(NASTY)}${out.slice(at)}`;
        break;
      case 2:
        out = `${out.slice(0, at)}${out.slice(at + span)}`;
        break;
      case 3:
        out = `${out.slice(0, at + span)}${out.slice(at, at + span)}${out.slice(at + span)}`;
        break;
      default:
        out = out.slice(0, at);
    }
  }
  return out;
}
