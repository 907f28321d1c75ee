import { describe, expect, it } from "vitest";
import reference from "./fixtures/proportion.json";
import { wilsonInterval } from "./proportion";

describe("Wilson score interval", () => {
  // Reference: statsmodels 0.13.5 proportion_confint(count, nobs, alpha=alpha, method="wilson"),
  // computed once by fixtures/make-fixtures.py.
  it("matches statsmodels for counts from 0/1 to 1,234,567/2,000,000 at four confidence levels", () => {
    for (const [x, n, alpha, low, high] of reference.wilson as [number, number, number, number, number][]) {
      const r = wilsonInterval(x, n, { level: 1 - alpha });
      expect(r.value).toBe(x / n);
      expect(r.interval!.low).toBeCloseTo(Math.max(0, low), 12);
      expect(r.interval!.high).toBeCloseTo(Math.min(1, high), 12);
      expect(r.interval!.method).toBe("Wilson score");
    }
  });

  // Source: Newcombe, R. G. (1998). "Two-sided confidence intervals for the single proportion:
  // comparison of seven methods." Statistics in Medicine 17, 857–872, Table II, methods 3 (score)
  // and 4 (score with continuity correction), published to 4 decimals.
  it.each([
    [81, 263, [0.2553, 0.3662], [0.2535, 0.3682]],
    [15, 148, [0.0624, 0.1605], [0.0598, 0.1644]],
    [0, 20, [0, 0.1611], [0, 0.2005]],
    [1, 29, [0.0061, 0.1718], [0.0018, 0.1963]],
  ])("reproduces Newcombe's Table II for %i/%i with and without continuity correction", (x, n, plain, corrected) => {
    const a = wilsonInterval(x, n).interval!;
    expect([a.low, a.high].map((v) => Number(v.toFixed(4)))).toEqual(plain);
    const b = wilsonInterval(x, n, { continuityCorrection: true }).interval!;
    expect([b.low, b.high].map((v) => Number(v.toFixed(4)))).toEqual(corrected);
    expect(b.method).toBe("Wilson score, continuity-corrected");
  });

  it("stays inside [0, 1] at 0 and n successes and says why n = 0 has no figure", () => {
    expect(wilsonInterval(0, 5).interval).toMatchObject({ low: 0 });
    expect(wilsonInterval(5, 5).interval).toMatchObject({ high: 1 });
    expect(wilsonInterval(0, 0)).toEqual({ value: null, reason: "No answers yet, so there is no proportion.", interval: null, intervalReason: null });
  });

  it("rejects impossible counts and levels with a message naming them", () => {
    expect(() => wilsonInterval(6, 5)).toThrow("successes must be a whole number from 0 to n (5); got 6.");
    expect(() => wilsonInterval(1.5, 5)).toThrow("successes must be a whole number from 0 to n (5); got 1.5.");
    expect(() => wilsonInterval(1, 5, { level: 95 })).toThrow("level must be a number between 0 and 1 (0.95 for 95%); got 95.");
  });
});
