import { describe, expect, it } from "vitest";
import { AgreementAccumulator, cohensKappa } from "./agreement";

/** Units as lists of answers (null = that rater gave none) → the accumulator's per-unit counts. */
function accumulate(units: (number | string | null)[][], numeric: boolean) {
  const acc = new AgreementAccumulator(numeric);
  for (const answers of units) {
    const counts = new Map<string, number>();
    for (const a of answers) if (a !== null) counts.set(String(a), (counts.get(String(a)) ?? 0) + 1);
    acc.addUnit(counts);
  }
  return acc.result();
}

describe("Krippendorff's α", () => {
  // Source: Krippendorff, K. (2011). "Computing Krippendorff's Alpha-Reliability", §§ C–E:
  // 4 observers × 12 units, values 1–5, with missing data (the published values are rounded to 3 places).
  const observers: (number | null)[][] = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, null, null, null],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, null, 3],
    [null, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, null],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, null],
  ];
  const units = observers[0]!.map((_, u) => observers.map((o) => o[u]!));

  it("matches the published nominal, ordinal and interval values with missing data", () => {
    const r = accumulate(units, true);
    expect(r.alphaNominal.value).toBeCloseTo(0.743, 3);
    expect(r.alphaOrdinal.value).toBeCloseTo(0.815, 3);
    expect(r.alphaInterval.value).toBeCloseTo(0.849, 3);
    // Unit 12 has one value only and is not pairable: 11 units, 40 pairable values.
    expect(r.alphaNominal.basis).toBe("11 item(s), 40 pairable answers");
  });

  it("is undefined without variation, and ordinal/interval are undefined for unordered categories", () => {
    expect(accumulate([["a", "a"], ["a", "a", "a"]], false)).toMatchObject({
      alphaNominal: { value: null, reason: "Every answer is the same value; α is undefined without variation." },
      alphaInterval: { value: null, reason: "The answers are categories without an order or a distance." },
      percentAgreement: { value: 1 },
    });
    expect(accumulate([["a"], ["b", null]], false).alphaNominal).toEqual({ value: null, reason: "No item has two or more answers yet." });
    expect(accumulate([], false).percentAgreement).toEqual({ value: null, reason: "No answers yet." });
  });
});

describe("Fleiss' κ and percent agreement", () => {
  // Source: Fleiss, J. L. (1971) as worked on Wikipedia, "Fleiss' kappa" § Worked example:
  // 10 subjects, 14 raters each, 5 categories; P̄ = 0.378, P̄e = 0.213, κ = 0.210.
  const table = [
    [0, 0, 0, 0, 14],
    [0, 2, 6, 4, 2],
    [0, 0, 3, 5, 6],
    [0, 3, 9, 2, 0],
    [2, 2, 8, 1, 1],
    [7, 7, 0, 0, 0],
    [3, 2, 6, 3, 0],
    [2, 5, 3, 2, 2],
    [6, 5, 2, 1, 0],
    [0, 2, 2, 3, 7],
  ];
  const units = table.map((row) => row.flatMap((n, category) => Array<number>(n).fill(category + 1)));

  it("matches the published κ and P̄", () => {
    const r = accumulate(units, false);
    expect(r.fleissKappa.value).toBeCloseTo(0.21, 3);
    expect(r.fleissKappa.basis).toBe("10 item(s) with 14 answers each");
    expect(r.percentAgreement.value).toBeCloseTo(0.378, 3);
  });

  it("with unequal numbers of raters, uses the items with the most common number and says so", () => {
    const r = accumulate([...units, [1, 1, 2]], false);
    expect(r.fleissKappa.value).toBeCloseTo(0.21, 3);
    expect(r.fleissKappa.basis).toBe("10 of 11 item(s): those with 14 answers (Fleiss' κ needs the same number on each)");
    expect(accumulate([[1, 2], [1, 1, 2]], false).fleissKappa).toEqual({ value: null, reason: "Fleiss' κ needs at least two items with the same number of answers." });
  });
});

describe("Cohen's κ", () => {
  // Source: Wikipedia, "Cohen's kappa" § Simple example: 50 grant proposals read by two readers,
  // 20 yes/yes, 5 yes/no, 10 no/yes, 15 no/no; p_o = 0.7, p_e = 0.5, κ = 0.4.
  it("matches the published two-reader example", () => {
    const k = cohensKappa([
      { a: "yes", b: "yes", n: 20 },
      { a: "yes", b: "no", n: 5 },
      { a: "no", b: "yes", n: 10 },
      { a: "no", b: "no", n: 15 },
    ]);
    expect(k.value).toBeCloseTo(0.4, 10);
    expect(k.basis).toBe("50 item(s) both reviewers answered");
  });

  it("is undefined with nothing in common or one category throughout", () => {
    expect(cohensKappa([])).toEqual({ value: null, reason: "The two reviewers have no item in common." });
    expect(cohensKappa([{ a: "up", b: "up", n: 4 }]).value).toBeNull();
  });
});
