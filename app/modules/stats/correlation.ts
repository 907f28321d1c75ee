/**
 * Spearman's rank correlation ρ (ties get their average rank, as scipy's `spearmanr`) with an
 * interval through Fisher's z = atanh ρ, using the standard error √(1.06 / (n − 3)) that Fieller,
 * Hartley & Pearson (1957, Biometrika 44, 470–481) give for Spearman's ρ.
 */
import { checkLevel, estimate, noEstimate, type Estimate } from "./estimate";
import { normalQuantile } from "./distributions";

/** Ranks from 1, ties sharing the mean of the ranks they span. */
export function averageRanks(values: readonly number[]): Float64Array {
  const order = values.map((_, i) => i).sort((a, b) => values[a]! - values[b]!);
  const ranks = new Float64Array(values.length);
  for (let start = 0; start < order.length; ) {
    let end = start + 1;
    while (end < order.length && values[order[end]!] === values[order[start]!]) end++;
    const rank = (start + 1 + end) / 2;
    for (let i = start; i < end; i++) ranks[order[i]!] = rank;
    start = end;
  }
  return ranks;
}

function pearson(x: Float64Array, y: Float64Array): number | null {
  const n = x.length;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i]!;
    my += y[i]!;
  }
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i]! - mx) * (y[i]! - my);
    sxx += (x[i]! - mx) ** 2;
    syy += (y[i]! - my) ** 2;
  }
  if (sxx === 0 || syy === 0) return null;
  return Math.max(-1, Math.min(1, sxy / Math.sqrt(sxx * syy)));
}

export function spearman(pairs: readonly (readonly [number, number])[], options: { level?: number } = {}): Estimate {
  const level = options.level ?? 0.95;
  checkLevel(level);
  pairs.forEach(([a, b], i) => {
    if (!Number.isFinite(a) || !Number.isFinite(b)) throw new RangeError(`Pair ${i + 1}: both values must be finite numbers; got ${a} and ${b}.`);
  });
  const n = pairs.length;
  if (n < 2) return noEstimate("A rank correlation needs at least two items with both answers.");
  const rho = pearson(averageRanks(pairs.map((p) => p[0])), averageRanks(pairs.map((p) => p[1])));
  if (rho === null) return noEstimate("One of the two answers is the same on every item, so there is no order to correlate.");
  const basis = `${n} item(s)`;
  if (n < 4) return estimate(rho, null, "The Fisher z interval needs at least four items.", basis);
  if (Math.abs(rho) === 1) return estimate(rho, null, "The ranks agree perfectly (|ρ| = 1), where Fisher's z is infinite and gives no interval.", basis);
  const half = normalQuantile(1 - (1 - level) / 2) * Math.sqrt(1.06 / (n - 3));
  const z = Math.atanh(rho);
  return estimate(rho, { low: Math.tanh(z - half), high: Math.tanh(z + half), level, method: "Fisher z (Fieller–Hartley–Pearson standard error)" }, null, basis);
}
