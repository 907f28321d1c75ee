import { describe, expect, it } from "vitest";
import { normalCdf, normalQuantile, studentTCdf, studentTQuantile } from "./distributions";
import reference from "./fixtures/distributions.json";

// Reference values: computed once with scipy 1.10.1 (scipy.stats.t.ppf, t.cdf, norm.ppf, norm.cdf)
// by fixtures/make-fixtures.py; the exact calls are in the file's "call" field. scipy's t.ppf
// (cdflib's stdtrit) is itself only good to a few parts in 1e9 (t.ppf(0.9, 1) = 3.0776835372078
// where tan(0.4π) = 3.0776835371753; t.ppf(0.99, 2) is off by 2.2e-9), so the same grid is also solved to 40 digits with mpmath
// 1.2.1 (mpmath.betainc + findroot) and ours is held to that at 1e-13.

/** |actual − expected| ≤ rtol·|expected| (+ a tiny absolute floor for values at 0). */
function expectClose(actual: number, expected: number, rtol: number, label: string) {
  const err = Math.abs(actual - expected);
  if (!(err <= rtol * Math.abs(expected) + 1e-300)) throw new Error(`${label}: got ${actual}, scipy says ${expected} (relative error ${err / Math.abs(expected)})`);
}

describe("Student t quantile", () => {
  it("matches scipy t.ppf (to its 1e-8) and the 40-digit root (to 1e-13) for every df 1…1000 and p 0.9…0.999", () => {
    const { ps, dfs, values } = reference.tPpf;
    dfs.forEach((df, i) =>
      ps.forEach((p, j) => {
        const got = studentTQuantile(p, df);
        expectClose(got, values[i]![j]!, 1e-8, `scipy t.ppf(${p}, ${df})`);
        expectClose(got, reference.tPpfMpmath.values[i]![j]!, 1e-13, `40-digit t quantile (${p}, ${df})`);
      }),
    );
    expect(dfs.length * ps.length).toBe(6000);
  });

  it("matches in the lower tail, at the median and for fractional and huge df", () => {
    for (const [p, df, scipyValue, exact] of reference.tPpfLowerAndFractional as [number, number, number, number][]) {
      const got = studentTQuantile(p, df);
      if (p === 0.5) expect(got).toBe(0);
      else {
        expectClose(got, scipyValue, 1e-8, `scipy t.ppf(${p}, ${df})`);
        expectClose(got, exact, 1e-13, `40-digit t quantile (${p}, ${df})`);
      }
    }
  });

  it("agrees with the closed forms for ν = 1 (Cauchy) and ν = 2", () => {
    for (const p of [0.9, 0.975, 0.999]) {
      expectClose(studentTQuantile(p, 1), Math.tan(Math.PI * (p - 0.5)), 1e-12, `ν=1, p=${p}`);
      expectClose(studentTQuantile(p, 2), (2 * p - 1) / Math.sqrt(2 * p * (1 - p)), 1e-12, `ν=2, p=${p}`);
    }
  });

  it("refuses p outside (0, 1) and df ≤ 0 with a message naming the input", () => {
    expect(() => studentTQuantile(1, 5)).toThrow("studentTQuantile needs 0 < p < 1; got 1.");
    expect(() => studentTQuantile(0.9, 0)).toThrow("Student t needs degrees of freedom > 0; got 0.");
  });
});

describe("Student t CDF", () => {
  it("matches scipy t.cdf", () => {
    for (const [x, df, expected] of reference.tCdf as [number, number, number][]) expectClose(studentTCdf(x, df), expected, 1e-12, `t.cdf(${x}, ${df})`);
  });
});

describe("standard normal", () => {
  it("quantile matches scipy norm.ppf from 1e-300 to 1 − 1e-7", () => {
    for (const [p, expected] of reference.normPpf as [number, number][]) {
      if (p === 0.5) expect(normalQuantile(p)).toBe(0);
      else expectClose(normalQuantile(p), expected, 1e-14, `norm.ppf(${p})`);
    }
  });

  it("CDF matches scipy norm.cdf in both tails", () => {
    for (const [z, expected] of reference.normCdf as [number, number][]) expectClose(normalCdf(z), expected, 1e-13, `norm.cdf(${z})`);
  });
});
