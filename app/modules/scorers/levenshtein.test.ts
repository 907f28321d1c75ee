import { describe, expect, it } from "vitest";
import { levenshtein } from "./levenshtein";

// Reference: nltk 3.8 nltk.metrics.distance.edit_distance(a, b) (Python strings are code
// points), run once with /usr/bin/python3; "kitten"/"sitting" = 3 is also the textbook example.
const cases: [string, string, number][] = [
  ["kitten", "sitting", 3],
  ["flaw", "lawn", 2],
  ["", "abc", 3],
  ["Straße", "Strasse", 2],
  ["naïve café", "naive cafe", 2],
  ["😀 smile 😀", "😃 smile", 3],
  ["東京都の天気", "京都の天気は", 2],
  ["The quick brown fox jumps over the lazy dog.", "The quick brown dog jumped over the lazy fox!", 7],
  ["e\u0301", "é", 2],
];

/** Plain full-table Wagner–Fischer over code points, to cross-check the bit-vector version. */
function naive(a: string, b: string): number {
  const x = Array.from(a);
  const y = Array.from(b);
  const d = Array.from({ length: x.length + 1 }, (_, i) => Array.from({ length: y.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= x.length; i++) for (let j = 1; j <= y.length; j++) d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (x[i - 1] === y[j - 1] ? 0 : 1));
  return d[x.length]![y.length]!;
}

describe("normalised Levenshtein distance", () => {
  it.each(cases)("%j vs %j is %i edits, counted in code points as nltk does", (a, b, distance) => {
    const r = levenshtein(a, b);
    expect(r.distance).toBe(distance);
    expect(r.value).toBeCloseTo(distance / Math.max(Array.from(a).length, Array.from(b).length), 15);
    expect(levenshtein(b, a).distance).toBe(distance);
  });

  it("agrees with the full-table algorithm on random strings across 32-row block boundaries", () => {
    let seed = 12345;
    const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
    const alphabet = ["a", "b", "c", "é", "😀"];
    const word = (n: number) => Array.from({ length: n }, () => alphabet[Math.floor(next() * alphabet.length)]).join("");
    for (let k = 0; k < 400; k++) {
      const shared = word(Math.floor(next() * 4));
      const a = shared + word(Math.floor(next() * 100)) + shared;
      const b = shared + word(Math.floor(next() * 100)) + shared;
      expect(levenshtein(a, b).distance).toBe(naive(a, b));
    }
  });

  it("is 0 for two empty texts and 1 against an empty one", () => {
    expect(levenshtein("", "")).toEqual({ value: 0, reason: null, distance: 0 });
    expect(levenshtein("abc", "").value).toBe(1);
  });

  it("refuses over-long inputs and over-large tables with a reason instead of running unbounded", () => {
    expect(levenshtein("a".repeat(11), "b", { maxCodePoints: 10 })).toEqual({
      value: null,
      reason: "The first text is longer than 10 characters (code points), the limit for this score.",
      distance: null,
    });
    expect(levenshtein("x" + "a".repeat(50) + "y", "x" + "b".repeat(40) + "y", { maxCells: 1000 })).toEqual({
      value: null,
      reason: "The texts differ over 50 × 40 characters, more than the 1000 comparisons allowed for this score.",
      distance: null,
    });
    // A long text with a small correction in the middle stays cheap: the shared ends are stripped.
    const long = "word ".repeat(10_000);
    expect(levenshtein(long + "teh end", long + "the end", { maxCells: 100 }).distance).toBe(2);
  });
});
