/**
 * How many labels a classifier needs to reach a target accuracy, from its learning curve (accuracy
 * at 10/25/50/100% of the training labels). Pure and browser-safe. See
 * docs/decisions/0018-distillation-report.md.
 */

export type CurvePoint = { labels: number; accuracy: number };

/**
 * acc(n) = a − b·n^(−c): `a` is where the curve flattens (its asymptote), `b` how far below it the
 * curve starts, `c` how fast it closes the gap. `method` says which fit made it.
 */
export type PowerLawFit = { a: number; b: number; c: number; method: "inverse-power-law" | "fixed-exponent" | "flat"; points: number; sse: number };

export type FitResult = { fit: PowerLawFit; reason: null } | { fit: null; reason: string };

/** The exponent used when only two sizes were measured: the square-root rate of a learning curve's usual shape. */
export const FALLBACK_EXPONENT = 0.5;
const C_MIN = 0.01;
const C_MAX = 3;

export const accuracyAt = (fit: PowerLawFit, n: number) => fit.a - fit.b * n ** -fit.c;

/** Least squares for a and b at a fixed c: a straight line in x = n^(−c). */
function linearAt(points: CurvePoint[], c: number): { a: number; b: number; sse: number } {
  const xs = points.map((p) => p.labels ** -c);
  const ys = points.map((p) => p.accuracy);
  const mx = xs.reduce((s, x) => s + x, 0) / xs.length;
  const my = ys.reduce((s, y) => s + y, 0) / ys.length;
  const sxx = xs.reduce((s, x) => s + (x - mx) ** 2, 0);
  const sxy = xs.reduce((s, x, i) => s + (x - mx) * (ys[i]! - my), 0);
  const slope = sxx === 0 ? 0 : sxy / sxx;
  const a = my - slope * mx;
  const b = -slope;
  const sse = ys.reduce((s, y, i) => s + (y - (a - b * xs[i]!)) ** 2, 0);
  return { a, b, sse };
}

/**
 * Fits the inverse power law to the curve. Three or more distinct sizes: the exponent c by a grid
 * over [0.01, 3] refined by golden-section search, a and b by least squares at each c (for a fixed
 * c the model is linear). Two sizes: c fixed at 0.5 and the line through both points — a simpler
 * fit, said so in `method`. A curve that does not rise (b ≤ 0) is flat at its mean: more labels
 * are not expected to help. Fewer than two sizes: no fit.
 */
export function fitLearningCurve(curve: readonly CurvePoint[]): FitResult {
  const points = curve.filter((p) => p.labels > 0 && Number.isFinite(p.accuracy));
  const sizes = new Set(points.map((p) => p.labels)).size;
  if (sizes < 2) return { fit: null, reason: `The learning curve has ${sizes} training size(s); a fit needs at least 2.` };
  const flat = (): PowerLawFit => {
    const mean = points.reduce((s, p) => s + p.accuracy, 0) / points.length;
    return { a: mean, b: 0, c: FALLBACK_EXPONENT, method: "flat", points: points.length, sse: points.reduce((s, p) => s + (p.accuracy - mean) ** 2, 0) };
  };
  if (sizes === 2) {
    const { a, b, sse } = linearAt(points, FALLBACK_EXPONENT);
    return { fit: b > 0 ? { a, b, c: FALLBACK_EXPONENT, method: "fixed-exponent", points: points.length, sse } : flat(), reason: null };
  }
  const sseAt = (c: number) => linearAt(points, c).sse;
  // why: the error in c can have several dips; a coarse grid finds the right valley before golden-section narrows it.
  const grid = 300;
  let best = C_MIN;
  for (let i = 0; i <= grid; i++) {
    const c = C_MIN + ((C_MAX - C_MIN) * i) / grid;
    if (sseAt(c) < sseAt(best)) best = c;
  }
  const step = (C_MAX - C_MIN) / grid;
  let lo = Math.max(C_MIN, best - step);
  let hi = Math.min(C_MAX, best + step);
  const phi = (Math.sqrt(5) - 1) / 2;
  for (let i = 0; i < 100; i++) {
    const m1 = hi - phi * (hi - lo);
    const m2 = lo + phi * (hi - lo);
    if (sseAt(m1) <= sseAt(m2)) hi = m2;
    else lo = m1;
  }
  const c = (lo + hi) / 2;
  const { a, b, sse } = linearAt(points, c);
  return { fit: b > 0 ? { a, b, c, method: "inverse-power-law", points: points.length, sse } : flat(), reason: null };
}

export type LabelsToReach = { labels: number; reason: null } | { labels: null; reason: string };

/**
 * The training labels at which the fitted curve reaches `target`: n = (b / (a − target))^(1/c).
 * Not reachable when the asymptote a is at or below the target (the curve flattens first).
 */
export function labelsToReach(fit: PowerLawFit, target: number): LabelsToReach {
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  if (fit.b <= 0) {
    return fit.a >= target ? { labels: 0, reason: null } : { labels: null, reason: `Not reachable with this model: its learning curve is flat at ${pct(fit.a)}, below ${pct(target)}.` };
  }
  if (fit.a <= target) return { labels: null, reason: `Not reachable with this model: its learning curve flattens at ${pct(fit.a)}, below ${pct(target)}.` };
  return { labels: Math.ceil((fit.b / (fit.a - target)) ** (1 / fit.c)), reason: null };
}
