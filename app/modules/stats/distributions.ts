/**
 * The standard normal and Student t distributions: CDF and quantile. Checked against scipy
 * (`norm.ppf`, `norm.cdf`, `t.ppf`, `t.cdf`) in distributions.test.ts.
 */
import { erfc, logGamma, regularizedBeta } from "./special-functions";

/** Φ(z), the standard normal CDF, from erfc so that both tails keep their relative precision. */
export function normalCdf(z: number): number {
  return 0.5 * erfc(-z / Math.SQRT2);
}

// Acklam's rational approximation to the normal quantile (relative error < 1.15e-9), used only as
// the starting point for the refinement below.
const A = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
const B = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
const C = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
const D = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];

function acklamLowerTail(q: number): number {
  if (q < 0.02425) {
    const r = Math.sqrt(-2 * Math.log(q));
    return (((((C[0]! * r + C[1]!) * r + C[2]!) * r + C[3]!) * r + C[4]!) * r + C[5]!) / ((((D[0]! * r + D[1]!) * r + D[2]!) * r + D[3]!) * r + 1);
  }
  const s = q - 0.5;
  const r = s * s;
  return ((((((A[0]! * r + A[1]!) * r + A[2]!) * r + A[3]!) * r + A[4]!) * r + A[5]!) * s) / (((((B[0]! * r + B[1]!) * r + B[2]!) * r + B[3]!) * r + B[4]!) * r + 1);
}

/**
 * The standard normal quantile Φ⁻¹(p) for 0 < p < 1: Acklam's approximation refined by Halley
 * steps on Φ (computed through erfc), always in the lower tail so the residual keeps its relative
 * precision near p = 1.
 */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`normalQuantile needs 0 < p < 1; got ${p}.`);
  if (p === 0.5) return 0;
  // why: for p > ½, 1 − p is exact (Sterbenz), and working with the lower tail avoids the
  // cancellation in Φ(x) − p when both are close to 1.
  const q = p < 0.5 ? p : 1 - p;
  let x = acklamLowerTail(q);
  for (let i = 0; i < 3; i++) {
    const e = normalCdf(x) - q;
    const u = e * Math.sqrt(2 * Math.PI) * Math.exp((x * x) / 2);
    const next = x - u / (1 + (x * u) / 2);
    if (next === x) break;
    x = next;
  }
  return p < 0.5 ? x : -x;
}

function checkDf(df: number): void {
  if (!(df > 0) || !Number.isFinite(df)) throw new RangeError(`Student t needs degrees of freedom > 0; got ${df}.`);
}

/** P(T > t) for t ≥ 0: ½ I_{ν/(ν+t²)}(ν/2, ½), with 1 − x passed exactly. */
function tUpperTail(t: number, df: number): number {
  const t2 = t * t;
  return 0.5 * regularizedBeta(df / (df + t2), df / 2, 0.5, t2 / (df + t2));
}

/** The Student t CDF with `df` degrees of freedom. */
export function studentTCdf(t: number, df: number): number {
  checkDf(df);
  if (Number.isNaN(t)) throw new RangeError("studentTCdf needs a number; got NaN.");
  if (t === Infinity) return 1;
  if (t === -Infinity) return 0;
  return t >= 0 ? 1 - tUpperTail(t, df) : tUpperTail(-t, df);
}

function tDensity(t: number, df: number): number {
  const logC = logGamma((df + 1) / 2) - logGamma(df / 2) - 0.5 * Math.log(df * Math.PI);
  return Math.exp(logC - ((df + 1) / 2) * Math.log1p((t * t) / df));
}

/**
 * The Student t quantile for 0 < p < 1: solves P(T > t) = min(p, 1 − p) by Newton steps on the
 * incomplete-beta tail, kept inside a bracket that bisection narrows when a step would leave it,
 * so it converges for every df (closed forms for ν = 1 and 2 are not special-cased; the tests
 * check them).
 */
export function studentTQuantile(p: number, df: number): number {
  checkDf(df);
  if (!(p > 0 && p < 1)) throw new RangeError(`studentTQuantile needs 0 < p < 1; got ${p}.`);
  if (p === 0.5) return 0;
  const q = p < 0.5 ? p : 1 - p;
  let lo = 0;
  let hi = Math.max(1, -normalQuantile(q));
  // why: the t tail is heavier than the normal one; double until the bracket holds the root.
  while (tUpperTail(hi, df) > q) {
    lo = hi;
    hi *= 2;
    if (!Number.isFinite(hi)) throw new RangeError(`studentTQuantile: no finite quantile for p = ${p}, df = ${df}.`);
  }
  let t = Math.min(Math.max(-normalQuantile(q), lo), hi);
  for (let i = 0; i < 200; i++) {
    const f = tUpperTail(t, df) - q;
    if (f === 0) break;
    if (f > 0) lo = t;
    else hi = t;
    let next = t + f / tDensity(t, df);
    if (!(next > lo && next < hi)) next = (lo + hi) / 2;
    if (Math.abs(next - t) <= 2 * Number.EPSILON * Math.abs(next) || hi - lo <= 2 * Number.EPSILON * hi) {
      t = next;
      break;
    }
    t = next;
  }
  return p < 0.5 ? -t : t;
}
