/**
 * The shapes every figure in stats/ and scorers/ comes back in. A figure that cannot be computed
 * for the data at hand has `value: null` and a `reason` a person can read, as in
 * quality/agreement.ts; nothing here returns NaN or a guess.
 */
import type { Metric } from "~/modules/quality/agreement";

export type { Metric };

/** A two-sided interval at `level` (0.95 = 95%), named by the method that made it. */
export type Interval = { low: number; high: number; level: number; method: string };

/**
 * A point estimate with its interval. When `value` is null, `reason` says why and there is no
 * interval. When the value is defined but its interval is not (n = 1, zero variance…),
 * `interval` is null and `intervalReason` says why.
 */
export type Estimate = Metric & { interval: Interval | null; intervalReason: string | null };

export const undefinedBecause = (reason: string): Metric => ({ value: null, reason });

export const defined = (value: number, basis?: string): Metric => ({ value, reason: null, ...(basis ? { basis } : {}) });

export const noEstimate = (reason: string): Estimate => ({ value: null, reason, interval: null, intervalReason: null });

export function estimate(value: number, interval: Interval | null, intervalReason: string | null, basis?: string): Estimate {
  return { ...defined(value, basis), interval, intervalReason: interval ? null : intervalReason };
}

/** Throws a RangeError naming the option unless 0 < level < 1. */
export function checkLevel(level: number, name = "level"): void {
  if (!(level > 0 && level < 1)) throw new RangeError(`${name} must be a number between 0 and 1 (0.95 for 95%); got ${level}.`);
}
