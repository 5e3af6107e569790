// Sesame's section of an ssh_config file: one marked run of lines holding all of Sesame's `Host`
// blocks. Everything outside the markers is the user's and comes back byte for byte.
import type { Parsed } from '../basics';

/** The line that opens Sesame's section. */
export const SECTION_BEGIN = '# >>> sesame managed: do not edit inside >>>';
/** The line that closes it. */
export const SECTION_END = '# <<< sesame managed <<<';

/**
 * Why the section is at the top of the file and ends with `Host *`: ssh keeps the first value it
 * reads for each option, so Sesame's blocks must come before the user's `Host *` defaults (a
 * `User` or `ProxyCommand` there would otherwise win). And a file that starts with options outside
 * any `Host` (they apply to every host) must not have them swallowed by Sesame's last block: the
 * closing `Host *` hands the lines below back to every host, exactly as before.
 */
const SECTION_HEAD = [
  '# Written by `sesame ssh-config add`; `sesame ssh-config remove NAME` takes a block out.',
  '# At the top: ssh keeps the first value it reads for each option, so these come first.',
];
const SECTION_TAIL = [
  '# The rest of the file applies to every host again, as if this section were not here:',
  'Host *',
];

/** A file's text as lines, with what joining them back needs (line ending, BOM). */
interface Lines {
  lines: string[];
  eol: '\n' | '\r\n';
  bom: string;
}

function splitLines(text: string): Lines {
  const bom = text.startsWith('\uFEFF') ? '\uFEFF' : '';
  const body = text.slice(bom.length);
  // Each line keeps a trailing \r, so lines the user wrote come back exactly as they were.
  return { lines: body.split('\n'), eol: body.includes('\r\n') ? '\r\n' : '\n', bom };
}

function joinLines({ lines, bom }: Lines): string {
  return bom + lines.join('\n');
}

/** Where the section is: the indexes of its marker lines. */
type Section = { begin: number; end: number } | undefined;

function findSection(lines: readonly string[], file: string): Parsed<Section> {
  let begin: number | undefined;
  let end: number | undefined;
  for (const [i, raw] of lines.entries()) {
    const line = raw.trim();
    if (line === SECTION_BEGIN) {
      if (begin !== undefined)
        return {
          ok: false,
          error: `${file}:${String(i + 1)}: a second Sesame section starts here (the first at line ${String(begin + 1)}); keep one`,
        };
      begin = i;
    } else if (line === SECTION_END) {
      if (begin === undefined || end !== undefined)
        return {
          ok: false,
          error: `${file}:${String(i + 1)}: the end of a Sesame section without its start`,
        };
      end = i;
    }
  }
  if (begin === undefined) return { ok: true, value: undefined };
  if (end === undefined)
    return {
      ok: false,
      error: `${file}:${String(begin + 1)}: the Sesame section that starts here has no end line (${SECTION_END})`,
    };
  return { ok: true, value: { begin, end } };
}

/** The patterns of a `Host` line (`Host a b`, `Host=a`), or undefined for any other line. */
function hostPatterns(line: string): string[] | undefined {
  const match = /^\s*host(?:\s*=\s*|\s+)(.*)$/i.exec(line.trimEnd());
  if (!match) return undefined;
  const patterns: string[] = [];
  for (const word of (match[1] ?? '').trim().split(/\s+/)) {
    if (word.startsWith('#')) break;
    if (word !== '') patterns.push(word.replace(/^(["'])(.*)\1$/, '$2'));
  }
  return patterns;
}

/** Sesame's blocks in the section, in order, keyed by alias (lower case: ssh matches any case). */
function readBlocks(lines: readonly string[], section: Section): Map<string, string[]> {
  const blocks = new Map<string, string[]>();
  if (!section) return blocks;
  let current: string[] | undefined;
  for (const line of lines.slice(section.begin + 1, section.end)) {
    const patterns = hostPatterns(line);
    if (patterns) {
      const alias = patterns.length === 1 ? patterns[0] : undefined;
      current = alias && alias !== '*' ? [line] : undefined;
      if (current && alias) blocks.set(alias.toLowerCase(), current);
    } else if (current && line.trim() !== '' && !line.trim().startsWith('#')) {
      current.push(line);
    }
  }
  return blocks;
}

/** The section's lines for these blocks, or none when there are no blocks left. */
function sectionLines(blocks: Map<string, string[]>, eol: Lines['eol']): string[] {
  if (blocks.size === 0) return [];
  const cr = eol === '\r\n' ? '\r' : '';
  const body = [...blocks.values()].flat().map((line) => line.replace(/\r$/, ''));
  return [SECTION_BEGIN, ...SECTION_HEAD, ...body, ...SECTION_TAIL, SECTION_END].map(
    (line) => line + cr,
  );
}

/** Replaces the section (or, where there is none, puts one at the top) with these blocks. */
function withSection(parsed: Lines, section: Section, blocks: Map<string, string[]>): string {
  const { lines } = parsed;
  const start = section ? section.begin : 0;
  const count = section ? section.end - section.begin + 1 : 0;
  const next = [...lines];
  next.splice(start, count, ...sectionLines(blocks, parsed.eol));
  return joinLines({ ...parsed, lines: next });
}

/** The line (1-based) outside the section where a `Host` line lists `alias`, if any. */
function aliasOutside(
  lines: readonly string[],
  section: Section,
  alias: string,
): number | undefined {
  const wanted = alias.toLowerCase();
  for (const [i, line] of lines.entries()) {
    if (section && i >= section.begin && i <= section.end) continue;
    if (hostPatterns(line)?.some((p) => p.toLowerCase() === wanted)) return i + 1;
  }
  return undefined;
}

/**
 * Puts `block` (its first line `Host ALIAS`) in the section, replacing the block of the same alias
 * in place or adding it at the section's end; the same block twice gives the same text. Refused,
 * naming the file and line, when a `Host` line outside the section already lists the alias.
 */
export function putHostBlock(
  text: string,
  alias: string,
  block: readonly string[],
  file: string,
): Parsed<string> {
  const parsed = splitLines(text);
  const section = findSection(parsed.lines, file);
  if (!section.ok) return section;
  const clash = aliasOutside(parsed.lines, section.value, alias);
  if (clash !== undefined)
    return {
      ok: false,
      error: `${file}:${String(clash)}: Host ${alias} is already defined there, outside Sesame's section; rename that entry or the profile`,
    };
  const blocks = readBlocks(parsed.lines, section.value);
  blocks.set(alias.toLowerCase(), [...block]);
  return { ok: true, value: withSection(parsed, section.value, blocks) };
}

/**
 * Takes the block of `alias` out of the section; the section goes when its last block does, so
 * adding then removing gives back the file as it was. `removed` is false when there was none.
 */
export function dropHostBlock(
  text: string,
  alias: string,
  file: string,
): Parsed<{ text: string; removed: boolean }> {
  const parsed = splitLines(text);
  const section = findSection(parsed.lines, file);
  if (!section.ok) return section;
  const blocks = readBlocks(parsed.lines, section.value);
  if (!blocks.delete(alias.toLowerCase())) return { ok: true, value: { text, removed: false } };
  return { ok: true, value: { text: withSection(parsed, section.value, blocks), removed: true } };
}

/**
 * The block of `alias` as it stands in the section now (its lines without line endings), or
 * undefined when the section has none: what the app compares with the block it would write.
 */
export function findHostBlock(
  text: string,
  alias: string,
  file: string,
): Parsed<string[] | undefined> {
  const parsed = splitLines(text);
  const section = findSection(parsed.lines, file);
  if (!section.ok) return section;
  const block = readBlocks(parsed.lines, section.value).get(alias.toLowerCase());
  return { ok: true, value: block?.map((line) => line.replace(/\r$/, '')) };
}
