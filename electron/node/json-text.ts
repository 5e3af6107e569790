import { type Parsed, errorMessage } from '../../shared/basics';

/** Parses JSON text; a failure says what and where (`line 3 column 7`) without echoing the text. */
export function parseJsonText(text: string): Parsed<unknown> {
  const source = text.replace(/^\uFEFF/, '');
  const failure = jsonError(source);
  if (failure === undefined) return { ok: true, value: JSON.parse(source) as unknown };
  let offset = Number(/at position (\d+)/.exec(failure)?.[1] ?? source.length);
  if (!/at position|end of JSON input/.test(failure)) {
    // V8 gives no position for "Unexpected token": find the shortest prefix that fails inside.
    let [lo, hi] = [0, source.length];
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (failsInside(source.slice(0, mid + 1))) hi = mid;
      else lo = mid + 1;
    }
    offset = lo;
  }
  const lines = source.slice(0, offset).split('\n');
  const what = failure.replace(/, (\.\.\.)?".*$/s, '').replace(/( in JSON)? at position.*$/s, '');
  const column = (lines.at(-1)?.length ?? 0) + 1;
  return { ok: false, error: `${what} at line ${String(lines.length)} column ${String(column)}` };
}

// Whether JSON.parse fails before the end of `text` (not merely because the text stops early).
function failsInside(text: string): boolean {
  const error = jsonError(text);
  if (error === undefined || error.includes('end of JSON input')) return false;
  const at = /at position (\d+)/.exec(error);
  return !at || Number(at[1]) < text.length;
}

function jsonError(text: string): string | undefined {
  try {
    JSON.parse(text);
    return undefined;
  } catch (error) {
    return errorMessage(error);
  }
}
