import { describe, expect, it } from "vitest";
import { accuracyAt, fitLearningCurve, labelsToReach, type CurvePoint } from "./learning-curve";

const curve = (a: number, b: number, c: number, sizes: number[]): CurvePoint[] => sizes.map((labels) => ({ labels, accuracy: a - b * labels ** -c }));

describe("fitLearningCurve", () => {
  it("recovers the parameters of a noiseless inverse power law", () => {
    const { fit } = fitLearningCurve(curve(0.92, 1.5, 0.6, [80, 200, 400, 800]));
    expect(fit).toMatchObject({ method: "inverse-power-law", points: 4 });
    expect(fit!.a).toBeCloseTo(0.92, 4);
    expect(fit!.b).toBeCloseTo(1.5, 2);
    expect(fit!.c).toBeCloseTo(0.6, 3);
  });

  it("matches scipy's curve_fit on a noisy curve", () => {
    // Reference, computed once:
    //   from scipy.optimize import curve_fit; import numpy as np
    //   f = lambda n, a, b, c: a - b * n ** (-c)
    //   n = np.array([80, 200, 400, 800.]); y = np.array([0.61, 0.72, 0.78, 0.80])
    //   p, _ = curve_fit(f, n, y, p0=[0.85, 2, 0.5], maxfev=100000)
    //   → a 0.85066447, b 5.32935077, c 0.70622183; SSE 7.5228e-05
    //   (b / (a - t)) ** (1 / c) → 2597.64 for t = 0.83, 565.34 for t = 0.79
    const { fit } = fitLearningCurve([
      { labels: 80, accuracy: 0.61 },
      { labels: 200, accuracy: 0.72 },
      { labels: 400, accuracy: 0.78 },
      { labels: 800, accuracy: 0.8 },
    ]);
    expect(fit!.a).toBeCloseTo(0.85066447, 3);
    expect(fit!.c).toBeCloseTo(0.70622183, 2);
    expect(fit!.sse).toBeCloseTo(7.5228e-5, 6);
    expect(labelsToReach(fit!, 0.79).labels! / 565.34).toBeCloseTo(1, 1);
    expect(labelsToReach(fit!, 0.83).labels! / 2597.64).toBeCloseTo(1, 1);
  });

  it("with two sizes, fixes the exponent at 0.5 and passes through both points", () => {
    const { fit } = fitLearningCurve([
      { labels: 100, accuracy: 0.7 },
      { labels: 400, accuracy: 0.8 },
    ]);
    // a − b/10 = 0.7 and a − b/20 = 0.8 → b = 2, a = 0.9.
    expect(fit).toMatchObject({ method: "fixed-exponent", c: 0.5 });
    expect(fit!.a).toBeCloseTo(0.9, 10);
    expect(fit!.b).toBeCloseTo(2, 10);
    expect(labelsToReach(fit!, 0.85).labels).toBe(1600); // (2 / 0.05)² = 1600
  });

  it("calls a curve that does not rise flat, and fewer than two sizes unfittable", () => {
    const { fit } = fitLearningCurve([
      { labels: 50, accuracy: 0.8 },
      { labels: 100, accuracy: 0.78 },
      { labels: 200, accuracy: 0.76 },
    ]);
    expect(fit).toMatchObject({ method: "flat", b: 0 });
    expect(fit!.a).toBeCloseTo(0.78, 10);
    expect(fitLearningCurve([{ labels: 100, accuracy: 0.8 }])).toEqual({ fit: null, reason: "The learning curve has 1 training size(s); a fit needs at least 2." });
  });
});

describe("labelsToReach", () => {
  it("solves the fitted curve for the target", () => {
    const fit = { a: 0.9, b: 2, c: 0.5, method: "inverse-power-law" as const, points: 4, sse: 0 };
    const n = labelsToReach(fit, 0.88).labels!;
    expect(n).toBe(10000); // (2 / 0.02)² = 10,000
    expect(accuracyAt(fit, n)).toBeCloseTo(0.88, 10);
  });

  it("says not reachable when the asymptote is below the target", () => {
    const { fit } = fitLearningCurve(curve(0.8, 1.5, 0.6, [80, 200, 400, 800]));
    expect(labelsToReach(fit!, 0.85)).toEqual({ labels: null, reason: "Not reachable with this model: its learning curve flattens at 80.0%, below 85.0%." });
    expect(labelsToReach({ a: 0.78, b: 0, c: 0.5, method: "flat", points: 3, sse: 0 }, 0.85).reason).toMatch(/flat at 78.0%/);
  });
});
