import { describe, expect, it } from "vitest";
import { averageRanks, spearman } from "./correlation";
import reference from "./fixtures/classification.json";

describe("Spearman's ρ", () => {
  // Reference: scipy 1.10.1 spearmanr(x, y).correlation; the interval bounds were computed in the
  // same script as tanh(atanh ρ ± Φ⁻¹(0.975)·√(1.06/(n − 3))) (fixtures/make-fixtures.py).
  it("matches scipy spearmanr on 80 tied 1–5 ratings, with the Fisher z interval", () => {
    const r = spearman(reference.humanScores.map((h, i) => [h, reference.judgeScores[i]!] as const));
    expect(r.value).toBeCloseTo(reference.spearman, 14);
    expect(r.interval!.low).toBeCloseTo(reference.spearmanLow, 13);
    expect(r.interval!.high).toBeCloseTo(reference.spearmanHigh, 13);
  });

  it("gives tied values their average rank, as scipy does", () => {
    expect(Array.from(averageRanks([10, 20, 20, 5]))).toEqual([2, 3.5, 3.5, 1]);
    const { x, y, rho } = reference.spearmanTiesExample;
    expect(spearman(x.map((v, i) => [v, y[i]!] as const)).value).toBeCloseTo(rho, 14);
  });

  it("says why ρ or its interval is undefined", () => {
    expect(spearman([[1, 2]]).reason).toBe("A rank correlation needs at least two items with both answers.");
    expect(spearman([[1, 2], [2, 2], [3, 2]]).reason).toBe("One of the two answers is the same on every item, so there is no order to correlate.");
    expect(spearman([[1, 1], [2, 3], [3, 2]])).toMatchObject({ value: 0.5, interval: null, intervalReason: "The Fisher z interval needs at least four items." });
    expect(spearman([[1, 1], [2, 2], [3, 3], [4, 4]]).intervalReason).toBe("The ranks agree perfectly (|ρ| = 1), where Fisher's z is infinite and gives no interval.");
  });
});
