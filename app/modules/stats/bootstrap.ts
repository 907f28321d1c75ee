/**
 * A seeded, deterministic nonparametric bootstrap for any statistic (Efron & Tibshirani 1993):
 * resample n of n with replacement `resamples` times with MT19937 (random.ts), then read the
 * percentile interval or the BCa interval (Efron 1987; the formulas of scipy.stats.bootstrap,
 * which follow Efron & Tibshirani §14.3 and eq. 15.36). The same data, statistic, seed and
 * options give the same interval bit for bit. Checked against numpy/scipy replaying the same
 * draws in bootstrap.test.ts.
 */
import { checkLevel, estimate, noEstimate, type Estimate } from "./estimate";
import { normalCdf, normalQuantile } from "./distributions";
import { MersenneTwister } from "./random";

export type BootstrapMethod = "percentile" | "bca";

export type BootstrapOptions = {
  seed: number;
  /** Number of resamples; 2,000 by default. */
  resamples?: number;
  level?: number;
  method?: BootstrapMethod;
  /** Refuse (with a reason) when n × resamples exceeds this; 20,000,000 by default. */
  maxDraws?: number;
  /** BCa needs n jackknife statistics (O(n²) work); refuse above this n. 5,000 by default. */
  maxJackknife?: number;
  /** Resamples whose statistic is undefined are left out; above this share, no interval. 0.05 by default. */
  maxUndefinedShare?: number;
};

/**
 * The statistic on each of `resamples` bootstrap samples, in draw order; null where it was
 * undefined. `sample` is one buffer reused for every resample: read it, do not keep it.
 */
export function bootstrapReplicates<T>(data: readonly T[], statistic: (sample: readonly T[]) => number | null, seed: number, resamples: number): (number | null)[] {
  const n = data.length;
  const random = new MersenneTwister(seed);
  const sample = new Array<T>(n);
  const out: (number | null)[] = [];
  for (let b = 0; b < resamples; b++) {
    for (let i = 0; i < n; i++) sample[i] = data[random.nextIndex(n)]!;
    const value = statistic(sample);
    out.push(value === null || !Number.isFinite(value) ? null : value);
  }
  return out;
}

/** The q-quantile (0 ≤ q ≤ 1) of sorted values by linear interpolation, as numpy's default. */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  const t = h - lo;
  const a = sorted[lo]!;
  const b = sorted[hi]!;
  // why: numpy's _lerp interpolates from the nearer end, so the result is exact at t = 0 and 1.
  return t >= 0.5 ? b - (b - a) * (1 - t) : a + (b - a) * t;
}

function checkOptions(n: number, options: BootstrapOptions) {
  const resamples = options.resamples ?? 2000;
  const level = options.level ?? 0.95;
  checkLevel(level);
  if (!Number.isInteger(resamples) || resamples < 1) throw new RangeError(`resamples must be a whole number ≥ 1; got ${resamples}.`);
  const maxDraws = options.maxDraws ?? 20_000_000;
  const tooBig = n * resamples > maxDraws ? `${n} values × ${resamples} resamples is more than the ${maxDraws} draws allowed per bootstrap.` : null;
  return { resamples, level, tooBig, method: options.method ?? "percentile", maxUndefinedShare: options.maxUndefinedShare ?? 0.05 };
}

/**
 * The statistic on `data` with a bootstrap interval. The estimate is undefined when the
 * statistic is undefined on the data itself; the interval is undefined when the work would pass
 * the bounds in the options, when too many resamples give an undefined statistic, or (BCa) when
 * the bootstrap distribution is degenerate.
 */
export function bootstrap<T>(data: readonly T[], statistic: (sample: readonly T[]) => number | null, options: BootstrapOptions): Estimate {
  const { resamples, level, tooBig, method, maxUndefinedShare } = checkOptions(data.length, options);
  if (data.length === 0) return noEstimate("No data, so there is nothing to resample.");
  const thetaHat = statistic(data);
  if (thetaHat === null || !Number.isFinite(thetaHat)) return noEstimate("The statistic is undefined on this data.");
  const basis = `${data.length} value(s), ${resamples} resamples, seed ${options.seed}`;
  if (tooBig) return estimate(thetaHat, null, `${tooBig} Use a closed-form interval or fewer resamples.`, basis);
  const maxJackknife = options.maxJackknife ?? 5000;
  if (method === "bca" && data.length > maxJackknife) {
    return estimate(thetaHat, null, `BCa needs ${data.length} jackknife statistics, more than the ${maxJackknife} allowed; use the percentile method.`, basis);
  }
  const replicates = bootstrapReplicates(data, statistic, options.seed, resamples);
  const values = Float64Array.from(replicates.filter((v): v is number => v !== null)).sort();
  const left = resamples - values.length;
  if (left > maxUndefinedShare * resamples) {
    return estimate(thetaHat, null, `The statistic was undefined on ${left} of ${resamples} resamples, too many for a bootstrap interval.`, basis);
  }
  const fullBasis = left ? `${basis} (${left} undefined resample(s) left out)` : basis;
  const alpha = (1 - level) / 2;
  if (method === "percentile") {
    return estimate(thetaHat, { low: quantileSorted(values, alpha), high: quantileSorted(values, 1 - alpha), level, method: "bootstrap percentile" }, null, fullBasis);
  }
  const bca = bcaLevels(data, statistic, thetaHat, values, alpha);
  if (typeof bca === "string") return estimate(thetaHat, null, bca, fullBasis);
  return estimate(thetaHat, { low: quantileSorted(values, bca[0]), high: quantileSorted(values, bca[1]), level, method: "bootstrap BCa" }, null, fullBasis);
}

/** The BCa percentile levels (α₁, α₂), or the reason they are undefined. */
function bcaLevels<T>(data: readonly T[], statistic: (sample: readonly T[]) => number | null, thetaHat: number, sorted: Float64Array, alpha: number): [number, number] | string {
  // Bias correction ẑ₀ from the share of replicates below θ̂, ties counted half (scipy's
  // _percentile_of_score with kind "mean").
  let below = 0;
  let atOrBelow = 0;
  for (const v of sorted) {
    if (v < thetaHat) below++;
    if (v <= thetaHat) atOrBelow++;
  }
  const share = (below + atOrBelow) / (2 * sorted.length);
  if (share <= 0 || share >= 1) return "Every resample fell on one side of the estimate, so the BCa bias correction is infinite; use the percentile method.";
  const z0 = normalQuantile(share);
  // Acceleration â from the jackknife (leave one out), eq. 14.15 of Efron & Tibshirani.
  const n = data.length;
  const jack = new Float64Array(n);
  const rest = new Array<T>(n - 1);
  for (let i = 0; i < n; i++) {
    for (let j = 0, k = 0; j < n; j++) if (j !== i) rest[k++] = data[j]!;
    const v = statistic(rest);
    if (v === null || !Number.isFinite(v)) return "The statistic is undefined with one value left out, so the BCa acceleration cannot be estimated.";
    jack[i] = v;
  }
  let mean = 0;
  for (const v of jack) mean += v;
  mean /= n;
  let num = 0;
  let den = 0;
  for (const v of jack) {
    const d = mean - v;
    num += d * d * d;
    den += d * d;
  }
  if (den === 0) return "The statistic does not move when any one value is left out, so the BCa acceleration is undefined.";
  const a = num / (6 * den ** 1.5);
  const zLow = normalQuantile(alpha);
  const level = (z: number) => normalCdf(z0 + (z0 + z) / (1 - a * (z0 + z)));
  return [level(zLow), level(-zLow)];
}
