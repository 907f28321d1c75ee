/**
 * Levenshtein distance (Levenshtein 1966; insert, delete and substitute each cost 1) between two
 * texts counted in Unicode code points, normalised by the longer text's length so it runs from
 * 0 (identical) to 1. The common prefix and suffix, which a correction mostly shares with its
 * output, are stripped; the rest goes through Myers' bit-vector algorithm (memory linear in the
 * texts). Bounds: inputs over `maxCodePoints` (100,000) are refused unread, and the table left
 * after stripping may have at most `maxCells` cells (1,000,000,000: two wholly different texts of
 * about 31,000 code points, some 31 million word steps, a fraction of a second).
 */
import type { Metric } from "~/modules/stats/estimate";
import { DEFAULT_MAX_CODE_POINTS, overCap } from "./text";

export type LevenshteinOptions = { maxCodePoints?: number; maxCells?: number };

export type EditDistance = Metric & { distance: number | null };

/**
 * Myers' bit-vector algorithm in its block form (Myers 1999, "A fast bit-vector algorithm for
 * approximate string matching based on dynamic programming", J. ACM 46, Fig. 8 advance_block;
 * global distance as in Hyyrö 2003): the columns of the Wagner–Fischer table are computed 32
 * rows at a time as bit vectors of vertical deltas, one block of `pattern` after another, with
 * the horizontal delta of each column carried from block to block in `h`. Both inputs are dense
 * symbol ids below `alphabet`. Time ⌈m/32⌉·n word steps; memory n bytes + the alphabet.
 */
function myersDistance(pattern: Int32Array, text: Int32Array, alphabet: number): number {
  const m = pattern.length;
  const n = text.length;
  if (m === 0) return n;
  const peq = new Int32Array(alphabet);
  // h[j] = D[row][j] − D[row][j − 1] along the bottom row of the blocks done so far; +1 on row 0.
  const h = new Int8Array(n).fill(1);
  for (let start = 0; start < m; start += 32) {
    const end = Math.min(start + 32, m);
    for (let k = start; k < end; k++) peq[pattern[k]!]! |= 1 << (k - start);
    const high = 1 << (end - start - 1);
    let pv = -1;
    let mv = 0;
    for (let j = 0; j < n; j++) {
      const hin = h[j]!;
      let eq = peq[text[j]!]!;
      const xv = eq | mv;
      if (hin < 0) eq |= 1;
      const xh = (((eq & pv) + pv) ^ pv) | eq;
      let ph = mv | ~(xh | pv);
      let mh = pv & xh;
      h[j] = ph & high ? 1 : mh & high ? -1 : 0;
      ph <<= 1;
      mh <<= 1;
      if (hin < 0) mh |= 1;
      else if (hin > 0) ph |= 1;
      pv = mh | ~(xv | ph);
      mv = ph & xv;
    }
    for (let k = start; k < end; k++) peq[pattern[k]!] = 0;
  }
  let distance = m;
  for (let j = 0; j < n; j++) distance += h[j]!;
  return distance;
}

/** Code points of both texts as dense ids (so the match table is an array), and the alphabet size. */
function toIds(a: string, b: string): { x: Int32Array; y: Int32Array; alphabet: number } {
  const ids = new Map<number, number>();
  const convert = (s: string) => {
    const out = new Int32Array(s.length);
    let n = 0;
    for (const ch of s) {
      const cp = ch.codePointAt(0)!;
      let id = ids.get(cp);
      if (id === undefined) ids.set(cp, (id = ids.size));
      out[n++] = id;
    }
    return out.subarray(0, n);
  };
  return { x: convert(a), y: convert(b), alphabet: ids.size };
}

/** The distance and the distance divided by the longer length (0 when both are empty). */
export function levenshtein(a: string, b: string, options: LevenshteinOptions = {}): EditDistance {
  const refused = overCap(
    [
      { name: "first text", text: a },
      { name: "second text", text: b },
    ],
    options.maxCodePoints ?? DEFAULT_MAX_CODE_POINTS,
  );
  if (refused) return { ...refused, distance: null };
  const ids = toIds(a, b);
  let { x, y } = ids;
  const longer = Math.max(x.length, y.length);
  if (longer === 0) return { value: 0, reason: null, distance: 0 };
  let start = 0;
  while (start < x.length && start < y.length && x[start] === y[start]) start++;
  let endX = x.length;
  let endY = y.length;
  while (endX > start && endY > start && x[endX - 1] === y[endY - 1]) {
    endX--;
    endY--;
  }
  x = x.subarray(start, endX);
  y = y.subarray(start, endY);
  if (y.length > x.length) [x, y] = [y, x];
  const maxCells = options.maxCells ?? 1_000_000_000;
  if (x.length * y.length > maxCells) {
    return { value: null, reason: `The texts differ over ${x.length} × ${y.length} characters, more than the ${maxCells} comparisons allowed for this score.`, distance: null };
  }
  const distance = myersDistance(y, x, ids.alphabet);
  return { value: distance / longer, reason: null, distance };
}
