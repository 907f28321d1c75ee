/**
 * Means with Student t intervals, from raw values or from running summaries (n, mean, M2) that a
 * rollup can keep and merge. Checked against scipy `t.interval` in mean.test.ts.
 */
import { checkLevel, estimate, noEstimate, type Estimate } from "./estimate";
import { studentTQuantile } from "./distributions";

/** n values, their mean and M2 = Σ(x − mean)², the sufficient statistics of a t interval. */
export type Summary = { n: number; mean: number; m2: number };

export const emptySummary: Summary = { n: 0, mean: 0, m2: 0 };

/** Adds one value (Welford 1962): stable where Σx² − (Σx)²/n cancels. */
export function addValue(s: Summary, x: number): Summary {
  if (!Number.isFinite(x)) throw new RangeError(`A value to average must be a finite number; got ${x}.`);
  const n = s.n + 1;
  const delta = x - s.mean;
  const mean = s.mean + delta / n;
  return { n, mean, m2: s.m2 + delta * (x - mean) };
}

export function summarize(values: Iterable<number>): Summary {
  let s = emptySummary;
  for (const x of values) s = addValue(s, x);
  return s;
}

/**
 * A summary from the running sums a SQL rollup keeps: count, Σx and Σx². M2 = Σx² − (Σx)²/n
 * cancels when the mean is large against the spread (not so for ratings on a 1–10 scale);
 * rounding below zero is taken as zero spread.
 */
export function summaryFromSums(n: number, sum: number, sumOfSquares: number): Summary {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`n must be a whole number ≥ 0; got ${n}.`);
  if (n === 0) return emptySummary;
  return { n, mean: sum / n, m2: Math.max(0, sumOfSquares - (sum * sum) / n) };
}

/** Combines two summaries as if their values were one list (Chan, Golub & LeVeque 1979). */
export function mergeSummaries(a: Summary, b: Summary): Summary {
  if (a.n === 0) return b;
  if (b.n === 0) return a;
  const n = a.n + b.n;
  const delta = b.mean - a.mean;
  return { n, mean: a.mean + (delta * b.n) / n, m2: a.m2 + b.m2 + (delta * delta * a.n * b.n) / n };
}

/**
 * The mean with its t interval, mean ± t(1 − α/2, n − 1)·s/√n (95% unless `level` says
 * otherwise). The mean is undefined for n = 0; the interval for n = 1 (no spread to measure) and
 * when every value is the same (a zero-width interval would claim certainty the sample cannot give).
 */
export function meanInterval(s: Summary, options: { level?: number } = {}): Estimate {
  const level = options.level ?? 0.95;
  checkLevel(level);
  if (!Number.isInteger(s.n) || s.n < 0) throw new RangeError(`n must be a whole number ≥ 0; got ${s.n}.`);
  if (s.n === 0) return noEstimate("No answers yet, so there is no mean.");
  const basis = `${s.n} answer(s)`;
  if (s.n === 1) return estimate(s.mean, null, "One answer has no spread, so the mean has no interval yet.", basis);
  // why: M2 from merged summaries can come out a hair below 0 or above it when all values are equal.
  if (s.m2 <= Number.EPSILON * s.n * s.mean * s.mean) {
    return estimate(s.mean, null, `All ${s.n} answers are the same, so the spread is zero and a t interval says nothing.`, basis);
  }
  const sd = Math.sqrt(s.m2 / (s.n - 1));
  const half = studentTQuantile(1 - (1 - level) / 2, s.n - 1) * (sd / Math.sqrt(s.n));
  return estimate(s.mean, { low: s.mean - half, high: s.mean + half, level, method: "Student t" }, null, basis);
}
