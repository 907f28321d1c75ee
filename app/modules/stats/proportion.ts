/**
 * A proportion with its Wilson score interval (Wilson 1927), optionally with the continuity
 * correction (Newcombe 1998, method 4). Checked against statsmodels
 * `proportion_confint(method="wilson")` and Newcombe's Table II in proportion.test.ts.
 */
import { checkLevel, estimate, noEstimate, type Estimate } from "./estimate";
import { normalQuantile } from "./distributions";

export type WilsonOptions = { level?: number; continuityCorrection?: boolean };

function checkCounts(successes: number, n: number): void {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`n must be a whole number ≥ 0; got ${n}.`);
  if (!Number.isInteger(successes) || successes < 0 || successes > n) {
    throw new RangeError(`successes must be a whole number from 0 to n (${n}); got ${successes}.`);
  }
}

/**
 * `successes` out of `n` as a proportion with its Wilson interval (95% unless `level` says
 * otherwise). Defined for every n ≥ 1, including 0 and n successes, where the interval stays
 * inside [0, 1]; undefined for n = 0.
 */
export function wilsonInterval(successes: number, n: number, options: WilsonOptions = {}): Estimate {
  const level = options.level ?? 0.95;
  checkLevel(level);
  checkCounts(successes, n);
  if (n === 0) return noEstimate("No answers yet, so there is no proportion.");
  const z = normalQuantile(1 - (1 - level) / 2);
  const z2 = z * z;
  const p = successes / n;
  let low: number;
  let high: number;
  if (options.continuityCorrection) {
    // Newcombe (1998), equations for method 4; the bounds are 0 and 1 exactly at the extremes.
    const denominator = 2 * (n + z2);
    low = successes === 0 ? 0 : (2 * n * p + z2 - 1 - z * Math.sqrt(z2 - 2 - 1 / n + 4 * p * (n * (1 - p) + 1))) / denominator;
    high = successes === n ? 1 : (2 * n * p + z2 + 1 + z * Math.sqrt(z2 + 2 - 1 / n + 4 * p * (n * (1 - p) - 1))) / denominator;
  } else {
    const denominator = 1 + z2 / n;
    const centre = (p + z2 / (2 * n)) / denominator;
    const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denominator;
    // why: at 0 or n successes the bound is 0 or 1 exactly; rounding would leave ±1e-17.
    low = successes === 0 ? 0 : centre - half;
    high = successes === n ? 1 : centre + half;
  }
  const method = options.continuityCorrection ? "Wilson score, continuity-corrected" : "Wilson score";
  return estimate(p, { low: Math.max(0, low), high: Math.min(1, high), level, method }, null, `${successes} of ${n}`);
}
