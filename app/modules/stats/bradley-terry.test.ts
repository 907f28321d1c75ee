import { describe, expect, it } from "vitest";
import { rankModels, type PairCount } from "./bradley-terry";
import reference from "./fixtures/bradley-terry.json";

const asPairs = (rows: (string | number)[][]): PairCount[] => rows.map(([a, b, aWins, bWins, ties]) => ({ a: a as string, b: b as string, aWins: aWins as number, bWins: bWins as number, ties: ties as number }));

describe("Bradley–Terry by the MM algorithm", () => {
  const baseball = asPairs(reference.baseball.pairs);

  // Source: Agresti, A. (2002). Categorical Data Analysis, 2nd ed., § 10.6, Tables 10.10–10.11:
  // 1987 American League East, 13 games per pair; log-strengths relative to Baltimore 1.58
  // (Milwaukee), 1.44, 1.29, 1.25, 1.11 (Boston; 1.10 in the printed table, 1.11 in the
  // BradleyTerry2 package's check of it), 0.68, 0. Reference fit: scipy 1.10.1 maximum
  // likelihood by trust-exact with analytic gradient and Hessian (fixtures/make-fixtures.py).
  it("reproduces Agresti's baseball fit and scipy's maximum-likelihood strengths", () => {
    const r = rankModels(baseball);
    if (!r.value) throw new Error(r.reason);
    const byName = new Map(r.value.models.map((m) => [m.model, m]));
    const baltimore = byName.get("Baltimore")!.strength;
    const published = { Milwaukee: 1.58, Detroit: 1.44, Toronto: 1.29, "New York": 1.25, Boston: 1.11, Cleveland: 0.68, Baltimore: 0 };
    for (const [team, beta] of Object.entries(published)) expect(Math.log(byName.get(team)!.strength / baltimore)).toBeCloseTo(beta, 2);
    const [mle] = reference.baseball.mle;
    ["Milwaukee", "Detroit", "Toronto", "New York", "Boston", "Cleveland", "Baltimore"].forEach((team, i) => expect(byName.get(team)!.strength).toBeCloseTo(mle![i]!, 11));
    expect(r.value.models.map((m) => m.rank)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(r.value.comparisons).toBe(273);
    const iMil = r.value.models.findIndex((m) => m.model === "Milwaukee");
    const iBal = r.value.models.findIndex((m) => m.model === "Baltimore");
    expect(r.value.winProbability[iMil]![iBal]).toBeCloseTo(mle![0]! / (mle![0]! + mle![6]!), 9);
    expect(r.value.winProbability[iMil]![iBal]! + r.value.winProbability[iBal]![iMil]!).toBeCloseTo(1, 12);
  });

  it("counts a tie as half a win to each side, as scipy's fit with half wins does", () => {
    const r = rankModels(asPairs(reference.withTies.pairs));
    if (!r.value) throw new Error(r.reason);
    const [mle] = reference.withTies.mle;
    reference.withTies.models.forEach((m, i) => expect(r.value.models.find((x) => x.model === m)!.strength).toBeCloseTo(mle![i]!, 11));
    // mistral never beat gpt-b outright, but the six ties are half wins, so a ranking exists.
    expect(r.value.models.map((m) => [m.model, m.rank])).toEqual([
      ["gpt-a", 1],
      ["llama", 2],
      ["gpt-b", 3],
      ["mistral", 4],
    ]);
  });

  it("names the groups instead of ranking across comparisons that never met", () => {
    const r = rankModels([
      { a: "A", b: "B", aWins: 3, bWins: 2, ties: 0 },
      { a: "C", b: "D", aWins: 1, bWins: 4, ties: 1 },
    ]);
    expect(r).toEqual({
      value: null,
      reason: "The models fall into 2 groups never compared with each other: [A, B], [C, D]. Strengths cannot be compared across groups, so there is no overall ranking.",
      groups: [["A", "B"], ["C", "D"]],
    });
  });

  it("says there is no ranking when a model never won, rather than giving it strength zero", () => {
    const r = rankModels([
      { a: "A", b: "B", aWins: 3, bWins: 2, ties: 0 },
      { a: "B", b: "C", aWins: 5, bWins: 0, ties: 0 },
    ]);
    expect(r.value).toBeNull();
    expect(r.reason).toBe(
      "Some models never beat (or never lost to) the rest, so their maximum-likelihood strength is zero (or unbounded) and no ranking exists yet. No model in a later group ever beat one in an earlier group: [A, B], [C].",
    );
    expect(rankModels([])).toEqual({ value: null, reason: "A ranking needs answers comparing at least two models." });
  });

  it("rejects a count that is not a whole number, naming the row and field", () => {
    expect(() => rankModels([{ a: "A", b: "B", aWins: 1, bWins: -2, ties: 0 }])).toThrow("Pair 1 (A vs B): bWins must be a whole number ≥ 0; got -2.");
  });

  it("gives seeded bootstrap intervals for strength and rank that hold the estimate and repeat exactly", () => {
    const a = rankModels(baseball, { seed: 2026, resamples: 300 });
    const b = rankModels(baseball, { seed: 2026, resamples: 300 });
    if (!a.value) throw new Error(a.reason);
    expect(b).toEqual(a);
    for (const m of a.value.models) {
      expect(m.strengthInterval!.low).toBeLessThan(m.strength);
      expect(m.strengthInterval!.high).toBeGreaterThan(m.strength);
      expect(m.rankInterval!.low).toBeLessThanOrEqual(m.rank);
      expect(m.rankInterval!.high).toBeGreaterThanOrEqual(m.rank);
    }
    // 13 games a pair cannot separate Milwaukee from Detroit, but does separate it from Baltimore.
    expect(a.value.models[0]!.rankInterval!.high).toBeGreaterThan(1);
    expect(a.value.models[6]!.rankInterval).toMatchObject({ high: 7 });
    expect(a.value.models[6]!.strengthInterval!.high).toBeLessThan(a.value.models[0]!.strengthInterval!.low);
    expect(a.value.basis).toMatch(/^273 comparison\(s\) of 7 models; 300 bootstrap resamples of the comparisons, seed 2026/);
  });

  it("lowers the number of resamples to the work bound and gives no interval below the minimum", () => {
    const r = rankModels(baseball, { seed: 1, resamples: 1000, maxDraws: 273 * 250 });
    expect(r.value!.basis).toMatch(/; 250 bootstrap resamples/);
    const none = rankModels(baseball, { seed: 1, maxDraws: 273 * 100 });
    expect(none.value!.intervalReason).toBe("273 comparisons are too many to bootstrap 200 times within the work bound; intervals need a larger bound.");
    expect(none.value!.models[0]!.strengthInterval).toBeNull();
    expect(rankModels(baseball).value!.intervalReason).toBe("No seed was given, so no bootstrap intervals were computed.");
  });
});
