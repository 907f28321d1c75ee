/**
 * Head-to-head results for every pair of models and the position bias of pairwise answers, each
 * share with its Wilson score interval (proportion.ts).
 */
import type { Estimate } from "./estimate";
import type { PairCount } from "./bradley-terry";
import { wilsonInterval } from "./proportion";

export type HeadToHead = { a: string; b: string; n: number; aWins: Estimate; ties: Estimate; bWins: Estimate };

/**
 * One row per unordered pair of models (named in alphabetical order, whatever order the input
 * rows used), with the shares of a's wins, ties and b's wins out of all their comparisons.
 */
export function headToHead(pairs: readonly PairCount[], options: { level?: number } = {}): HeadToHead[] {
  const merged = new Map<string, PairCount>();
  for (const row of pairs) {
    const [a, b, aWins, bWins] = row.a <= row.b ? [row.a, row.b, row.aWins, row.bWins] : [row.b, row.a, row.bWins, row.aWins];
    const key = JSON.stringify([a, b]);
    const m = merged.get(key) ?? { a, b, aWins: 0, bWins: 0, ties: 0 };
    merged.set(key, { a, b, aWins: m.aWins + aWins, bWins: m.bWins + bWins, ties: m.ties + row.ties });
  }
  return [...merged.values()]
    .sort((x, y) => (x.a === y.a ? (x.b < y.b ? -1 : 1) : x.a < y.a ? -1 : 1))
    .map(({ a, b, aWins, bWins, ties }) => {
      const n = aWins + bWins + ties;
      return { a, b, n, aWins: wilsonInterval(aWins, n, options), ties: wilsonInterval(ties, n, options), bWins: wilsonInterval(bWins, n, options) };
    });
}

export type PositionBias = Estimate & { favours: "left" | "right" | null };

/**
 * The share of pairwise answers that chose the left-hand output, out of those that chose a side
 * (a tie chose neither, so ties are left out), with its Wilson interval. `favours` names a side
 * only when the interval excludes one half.
 */
export function positionBias(counts: { left: number; right: number; ties?: number }, options: { level?: number } = {}): PositionBias {
  const sided = counts.left + counts.right;
  const share = wilsonInterval(counts.left, sided, options);
  if (share.value === null) return { ...share, reason: counts.ties ? "Every answer was a tie, so no side was chosen." : "No pairwise answers yet.", favours: null };
  const basis = `${counts.left} of ${sided} answers that chose a side${counts.ties ? ` (${counts.ties} tie(s) left out)` : ""}`;
  const favours = share.interval!.low > 0.5 ? "left" : share.interval!.high < 0.5 ? "right" : null;
  return { ...share, basis, favours };
}
