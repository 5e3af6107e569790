// JSON text from disk or an import, parsed once at the boundary. JSON.parse makes the value and
// says what is wrong; where V8's message gives no position ("Unexpected token"), jsonc-parser
// finds it in one pass over the text (https://github.com/microsoft/node-jsonc-parser).
import { visit } from 'jsonc-parser';
import { type Parsed, errorMessage } from '../../shared/basics';

/** Parses JSON text; a failure says what and where (`line 3 column 7`) without echoing the text. */
export function parseJsonText(text: string): Parsed<unknown> {
  const source = text.replace(/^\uFEFF/, '');
  try {
    return { ok: true, value: JSON.parse(source) as unknown };
  } catch (error) {
    return { ok: false, error: describeFailure(source, errorMessage(error)) };
  }
}

/** V8's message without the text it quotes, and the line and column where the text breaks. */
function describeFailure(source: string, failure: string): string {
  const what = failure.replace(/, (\.\.\.)?".*$/s, '').replace(/( in JSON)? at position.*$/s, '');
  const position = /at position (\d+)/.exec(failure)?.[1];
  const offset =
    position !== undefined
      ? Number(position)
      : failure.includes('end of JSON input')
        ? source.length
        : firstErrorOffset(source);
  if (offset === undefined) return what;
  // Named after the character at the offset: for a broken word such as `tru}` that is the word's
  // first letter, where V8 names the `}` that ended it.
  const token = source.codePointAt(offset);
  const named =
    what.startsWith('Unexpected token') && token !== undefined
      ? `Unexpected token '${String.fromCodePoint(token)}'`
      : what;
  return `${named} at ${lineAndColumn(source, offset)}`;
}

/**
 * Where jsonc-parser, held to strict JSON, first finds an error; undefined if it finds none, or if
 * the text nests too deeply for its recursive parser (thousands of levels: no profile file does).
 */
function firstErrorOffset(source: string): number | undefined {
  let first: number | undefined;
  try {
    visit(
      source,
      {
        onError: (_error, offset) => {
          first ??= offset;
        },
      },
      { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false },
    );
  } catch (error) {
    if (error instanceof RangeError) return undefined; // call stack exceeded
    throw error;
  }
  return first;
}

/** `line L column C` of a UTF-16 offset, both counted from 1, lines ending at `\n`. */
function lineAndColumn(source: string, offset: number): string {
  let line = 1;
  for (let at = source.indexOf('\n'); at !== -1 && at < offset; at = source.indexOf('\n', at + 1)) {
    line += 1;
  }
  const lineStart = offset === 0 ? 0 : source.lastIndexOf('\n', offset - 1) + 1;
  const column = offset - lineStart + 1;
  return `line ${String(line)} column ${String(column)}`;
}
