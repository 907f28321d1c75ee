/**
 * Text helpers shared by the scorers. The reference implementations are Python, where a string
 * is a sequence of code points and `str.split()` / `str.strip()` use Python's own whitespace set;
 * these reproduce both so that lengths, n-grams and tokens agree with sacreBLEU and rouge-score.
 */
import type { Metric } from "~/modules/stats/estimate";

// why: Python's str.isspace() set (checked with Python 3.11): JavaScript's \s adds U+FEFF and
// lacks U+001C–U+001F and U+0085.
const PY_SPACE = "\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000";
const PY_SPACE_RUN = new RegExp(`[${PY_SPACE}]+`, "gu");
const PY_TRAILING_SPACE = new RegExp(`[${PY_SPACE}]+$`, "u");

/** Python's `s.split()`: runs of whitespace separate, no empty strings. */
export function pySplit(s: string): string[] {
  return s.split(PY_SPACE_RUN).filter((t) => t !== "");
}

/** Python's `s.rstrip()`. */
export function pyRstrip(s: string): string {
  return s.replace(PY_TRAILING_SPACE, "");
}

/** Python's `"".join(s.split())`: every whitespace character removed. */
export function removePyWhitespace(s: string): string {
  return s.replace(PY_SPACE_RUN, "");
}

/** The string as an array of Unicode code points (surrogate pairs joined, as Python counts). */
export function codePoints(s: string): string[] {
  return Array.from(s);
}

/** The length cap every scorer applies before doing any work, so a huge input costs nothing. */
export const DEFAULT_MAX_CODE_POINTS = 100_000;

/** A Metric saying the input is over the cap, or null; counts code points only up to the cap. */
export function overCap(texts: { name: string; text: string }[], max: number): Metric | null {
  for (const { name, text } of texts) {
    // why: UTF-16 length ≥ code points, so only strings longer than the cap in code units need counting.
    if (text.length <= max) continue;
    let n = 0;
    for (const _ of text) if (++n > max) return { value: null, reason: `The ${name} is longer than ${max} characters (code points), the limit for this score.` };
  }
  return null;
}
