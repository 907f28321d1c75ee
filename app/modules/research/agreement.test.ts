import { describe, expect, it } from "vitest";
import { readAlpha, readKappa, sampleAgreement, type AgreementUnit } from "./agreement";
import reference from "./fixtures/agreement.json";

const coders = [
  { id: "a", name: "Ann" },
  { id: "b", name: "Ben" },
];

/** Two coders' yes/no on one theme "t" as units both finished. */
function units(a: number[], b: number[]): AgreementUnit[] {
  return a.map((x, i) => ({ feedbackId: i + 1, codedBy: ["a", "b"], themesBy: { a: x ? ["t"] : [], b: b[i] ? ["t"] : [] } }));
}

describe("sampleAgreement", () => {
  it("gives sklearn's Cohen's κ and the bootstrap interval numpy replays with the same seed (fixtures/agreement.json)", () => {
    const r = sampleAgreement({ coders, themes: [{ id: "t", name: "Slow" }], units: units(reference.coderA, reference.coderB), seed: reference.seed, resamples: reference.resamples });
    const t = r.themes[0]!;
    expect(t.cohensKappa.value).toBeCloseTo(reference.kappa, 12);
    expect(t.cohensKappa.interval!.low).toBeCloseTo(reference.kappaInterval[0]!, 12);
    expect(t.cohensKappa.interval!.high).toBeCloseTo(reference.kappaInterval[1]!, 12);
    expect(t.n).toBe(30);
    // α's point value is quality/agreement.ts's; its interval comes from the summed coincidences, replayed in Python from the matrix.
    expect(t.alpha.value).toBeCloseTo(reference.alpha, 12);
    expect(t.alpha.interval!.low).toBeCloseTo(reference.alphaInterval[0]!, 12);
    expect(t.alpha.interval!.high).toBeCloseTo(reference.alphaInterval[1]!, 12);
    // 10 of A's and 10 of B's 30 answers are yes; they differ on comments 2, 7, 17 and 20.
    expect(t.prevalence.value).toBeCloseTo(20 / 60, 12);
    expect(t.percentAgreement.value).toBeCloseTo(26 / 30, 12);
    expect(t.positiveAgreement.value).toBeCloseTo((2 * 8) / (2 * 8 + 2 + 2), 12);
    expect(t.disagreements).toEqual([2, 7, 17, 20]);
  });

  it("gives Krippendorff's published α = 0.095 for his two-observer binary example (Krippendorff 2011, § A)", () => {
    const r = sampleAgreement({ coders, themes: [{ id: "t", name: "x" }], units: units([0, 1, 0, 0, 0, 0, 0, 0, 1, 0], [1, 1, 1, 0, 0, 1, 0, 0, 0, 0]), seed: 1, resamples: 200 });
    expect(r.themes[0]!.alpha.value).toBeCloseTo(0.095, 3);
    expect(r.themes[0]!.alpha.value).toBeCloseTo(1 - (19 * 4) / (14 * 6), 12);
  });

  it("says why a figure is undefined instead of showing NaN", () => {
    const r = sampleAgreement({ coders, themes: [{ id: "t", name: "x" }, { id: "u", name: "never" }], units: units([1, 1, 1], [1, 1, 1]), seed: 1, resamples: 100 });
    expect(r.themes[0]!.alpha).toMatchObject({ value: null, reason: expect.stringContaining("Every coder used this theme on every comment") });
    expect(r.themes[1]!.cohensKappa).toMatchObject({ value: null, reason: "No coder used this theme in the sample's comments, so there is nothing to agree on." });
    expect(r.themes[1]!.percentAgreement.value).toBe(1);
    const one = sampleAgreement({ coders, themes: [{ id: "t", name: "x" }], units: units([1], [0]), seed: 1 });
    expect(one.themes[0]!.alpha.reason).toBe("Only 1 comment has been finished by two or more coders; agreement needs at least 2.");
    const none = sampleAgreement({ coders, themes: [{ id: "t", name: "x" }], units: [], seed: 1 });
    expect(none.overall.alpha.reason).toBe("No comment of the sample has been finished by two or more of its coders yet.");
    expect(JSON.stringify(none)).not.toContain("NaN");
  });

  it("with three coders gives α over units with two or three coders, and no κ", () => {
    // Units finished by two or three coders; checked by hand against Krippendorff's (2011) formula on the coincidences.
    const three = [
      { id: "a", name: "A" },
      { id: "b", name: "B" },
      { id: "c", name: "C" },
    ];
    const data: AgreementUnit[] = [
      { feedbackId: 1, codedBy: ["a", "b", "c"], themesBy: { a: ["t"], b: ["t"], c: ["t"] } },
      { feedbackId: 2, codedBy: ["a", "b", "c"], themesBy: { a: [], b: [], c: ["t"] } },
      { feedbackId: 3, codedBy: ["a", "b"], themesBy: { a: [], b: [] } },
      { feedbackId: 4, codedBy: ["a", "b", "c"], themesBy: { a: ["t"], b: [], c: [] } },
    ];
    const r = sampleAgreement({ coders: three, themes: [{ id: "t", name: "x" }], units: data, seed: 3, resamples: 100 });
    // Values: n = 11 (1:3 yes; 2: 1 yes 2 no; 3: 2 no; 4: 1 yes 2 no) → n_yes = 5, n_no = 6.
    // Disagreeing coincidences: units 2 and 4 each give o_yes,no = o_no,yes = 1·2/(3−1) = 1, so Σ_{c≠k} o_ck = 4.
    // α = 1 − (n − 1)·Σ_{c≠k} o_ck / Σ_{c≠k} n_c·n_k = 1 − 10·4 / (2·5·6) = 1/3.
    expect(r.themes[0]!.alpha.value).toBeCloseTo(1 / 3, 12);
    expect(r.themes[0]!.cohensKappa.reason).toBe("Cohen's κ is for exactly two coders; see Krippendorff's α.");
    expect(r.themes[0]!.disagreements).toEqual([2, 4]);
  });

  it("reads κ with Landis & Koch's bands and α with Krippendorff's .800 / .667 rule", () => {
    expect(readKappa(0.7).label).toBe("substantial");
    expect(readKappa(0.35).label).toBe("fair");
    expect(readKappa(-0.1).tone).toBe("poor");
    expect(readAlpha(0.81).tone).toBe("good");
    expect(readAlpha(0.7).label).toContain("tentative");
    expect(readAlpha(0.5).label).toContain("not reliable");
  });
});
