import { describe, expect, it } from "vitest";
import { questionSchema, type Question } from "~/modules/templates/schemas";
import type { Estimate } from "~/modules/stats/estimate";
import { calibrateQuestion, type CalibrationItem } from "./calibrate";
import type { Figures, JudgeLabel } from "./report";
import { verdictOf } from "./verdict";
import reference from "./fixtures/calibration.json";

// Reference: sklearn 1.2.1 (cohen_kappa_score, confusion_matrix, mean_absolute_error), statsmodels
// 0.13.5 (cohens_kappa kappa_low / kappa_upp, proportion_confint method="wilson") and scipy 1.10.1
// (spearmanr, t.interval) on 40 seeded items with three reviewers and two judges, computed once by
// fixtures/make-fixture.py, which also applies Loupe's consensus rules (plurality, majority set, mean).
type Ref = { value: number; low: number; high: number } | null;
type RefFigures = {
  items: number;
  agreement: Ref;
  kappa?: Ref;
  mae?: Ref;
  spearman?: Ref;
  confusion?: { labels: string[]; counts: number[][] };
  optionConfusion?: { option: string; counts: number[][] }[];
};

const judges = new Map<string, JudgeLabel>([
  ["careful", { model: "careful-model", promptVersionId: null, prompt: "judge v1", source: "careful-model" }],
  ["careless", { model: "careless-model", promptVersionId: null, prompt: "judge v1", source: "careless-model" }],
]);
const reviewers = new Map([
  ["u1", "Ann"],
  ["u2", "Bo"],
  ["u3", "Cy"],
]);

function inputFor(key: string) {
  const question = questionSchema.parse(reference.questions.find((q) => q.key === key)) as Question;
  const items: CalibrationItem[] = reference.items.flatMap((item) => {
    const a = (item.answers as Record<string, { consensus: unknown; votes: { userId: string; value: unknown }[]; judged: { judge: string; value: unknown }[] }>)[key]!;
    return a.consensus === null ? [] : [{ itemId: item.itemId, consensus: a.consensus, votes: a.votes, judged: a.judged }];
  });
  return { question, items, judges, reviewers };
}

// why: the mean absolute error's t interval matches scipy's t.ppf to about 1e-9 only, scipy's own
// accuracy (stats/distributions.test.ts checks the t quantile against mpmath to 1e-13).
function expectEstimate(actual: Estimate | null, expected: Ref | undefined, places = 10) {
  expect(actual).not.toBeNull();
  expect(actual!.value).toBeCloseTo(expected!.value, 12);
  if (actual!.interval) {
    expect(actual!.interval.low).toBeCloseTo(expected!.low, places);
    expect(actual!.interval.high).toBeCloseTo(expected!.high, places);
  } else {
    // Only where the interval is undefined for a stated reason (κ = 1: zero standard error).
    expect(actual!.intervalReason).toMatch(/perfect/);
  }
}

function expectFigures(actual: Figures & { confusion?: unknown; optionConfusion?: unknown }, expected: RefFigures) {
  expect(actual.items).toBe(expected.items);
  expectEstimate(actual.agreement, expected.agreement);
  if (expected.kappa) expectEstimate(actual.kappa, expected.kappa);
  else expect(actual.kappa).toBeNull();
  if (expected.mae) {
    expectEstimate(actual.mae, expected.mae, 8);
    expectEstimate(actual.spearman, expected.spearman);
  } else {
    expect(actual.mae).toBeNull();
    expect(actual.spearman).toBeNull();
  }
}

describe("judge calibration against sklearn / scipy / statsmodels reference values", () => {
  for (const key of ["ok", "intent", "topics", "quality", "better"] as const) {
    it(`${key}: every judge's and every reviewer's figures`, () => {
      const expected = reference.expected[key] as { resolvedItems: number; judges: Record<string, RefFigures>; reviewers: Record<string, RefFigures> };
      const result = calibrateQuestion(inputFor(key));
      expect(result.resolvedItems).toBe(expected.resolvedItems);
      expect(result.figure).toBe(key === "quality" ? "mae" : "kappa");
      expect(result.judges.map((j) => j.model)).toEqual(["careful-model", "careless-model"]);
      for (const judge of result.judges) {
        const ref = expected.judges[judge.model.replace("-model", "")]!;
        expectFigures(judge, ref);
        if (ref.confusion) expect(judge.confusion).toEqual({ labels: ref.confusion.labels, counts: ref.confusion.counts, n: ref.items });
        else expect(judge.confusion).toBeNull();
        if (ref.optionConfusion) expect(judge.optionConfusion!.map((o) => ({ option: o.option, counts: o.matrix.counts }))).toEqual(ref.optionConfusion);
        else expect(judge.optionConfusion).toBeNull();
      }
      expect(result.reviewers.map((r) => r.reviewer)).toEqual(["Ann", "Bo", "Cy"]);
      result.reviewers.forEach((r, i) => expectFigures(r, expected.reviewers[`u${i + 1}`]!));
    });
  }

  it("pairwise: how often the judge flipped when A and B were swapped, and its left-hand share", () => {
    const expected = reference.expected.better.position!;
    const [careful, careless] = calibrateQuestion(inputFor("better")).judges;
    expect(careful!.position!.swappedItems).toBe(expected.swappedItems);
    expectEstimate(careful!.position!.flips, expected.flips);
    expectEstimate(careful!.position!.left, expected.left);
    expect(careful!.position!.left.basis).toContain(`(${expected.ties} tie(s) left out)`);
    expect(careful!.position!.left.favours).toBeNull();
    expect(careless!.position!.swappedItems).toBe(0);
    expect(careless!.position!.flips).toMatchObject({ value: null, reason: expect.stringMatching(/both orders/) });
  });

  it("the verdicts on the fixture: the careful judge beats the reviewers, the careless one is worse than any on labels", () => {
    const careful = (key: string) => calibrateQuestion(inputFor(key)).judges[0]!.verdict;
    const careless = (key: string) => calibrateQuestion(inputFor(key)).judges[1]!.verdict;
    expect(careful("topics")).toMatchObject({ code: "better", text: "better than the average reviewer" });
    expect(careless("intent")).toMatchObject({ code: "worse-than-any", text: "worse than any reviewer" });
    const k = reference.expected.intent.judges.careless.kappa;
    expect(careless("intent").detail).toBe(
      `Judge κ ${k.value.toFixed(2)} (95% CI ${k.low.toFixed(2)} to ${k.high.toFixed(2)}) on 39 item(s); 3 reviewer(s) against the others: mean 0.51, from 0.46 to 0.54.`,
    );
    // Below every reviewer (0.34 against 0.43 to 0.53), but its interval holds their mean: not shown to be worse.
    expect(careless("topics").code).toBe("comparable");
    // Ratings compare mean absolute errors, where lower is better.
    expect(careful("quality").code).toBe("better");
    // The careless judge's error (0.63) is above every reviewer's, but its interval holds their mean (0.51).
    expect(careless("quality")).toMatchObject({ code: "comparable", text: "agrees with people about as well as a reviewer does" });
    expect(careless("quality").detail).toBe("Judge mean absolute error 0.63 (95% CI 0.47 to 0.80) on 40 item(s); 3 reviewer(s) against the others: mean 0.51, from 0.47 to 0.55.");
  });
});

describe("undefined figures say why", () => {
  const thumbs = questionSchema.parse({ key: "ok", kind: "thumbs", text: "OK?" }) as Question;
  const rating = questionSchema.parse({ key: "q", kind: "rating", text: "Q", min: 1, max: 5 }) as Question;
  const one = new Map([["j", { model: "m", promptVersionId: null, prompt: null, source: "m" }]]);
  const up = (itemId: number, judge: unknown): CalibrationItem => ({
    itemId,
    consensus: "up",
    votes: [
      { userId: "a", value: "up" },
      { userId: "b", value: "up" },
    ],
    judged: [{ judge: "j", value: judge }],
  });

  it("κ is undefined when both labellings use one category, and the verdict says it cannot say", () => {
    const items = Array.from({ length: 25 }, (_, i) => up(i + 1, "up"));
    const [judge] = calibrateQuestion({ question: thumbs, items, judges: one, reviewers: new Map(), options: { minItems: 20 } }).judges;
    expect(judge!.agreement.value).toBe(1);
    expect(judge!.kappa).toMatchObject({ value: null, reason: "Both labellings use one and the same label throughout, so chance agreement is total and κ is undefined." });
    expect(judge!.verdict).toMatchObject({ code: "undefined", text: "cannot say" });
    expect(judge!.verdict.detail).toMatch(/^The judge's κ is undefined: Both labellings/);
  });

  it("too few items: the verdict names the count and the minimum", () => {
    const items = [up(1, "up"), up(2, "down")];
    const [judge] = calibrateQuestion({ question: thumbs, items, judges: one, reviewers: new Map() }).judges;
    expect(judge!.verdict).toEqual({ code: "too-few", text: "too few items to say", detail: "2 item(s) compared; at least 20 are needed." });
  });

  it("no item at all: every figure says there is nothing to estimate; answers of the wrong shape are left out", () => {
    const [judge] = calibrateQuestion({ question: rating, items: [{ itemId: 1, consensus: 3, votes: [], judged: [{ judge: "j", value: "three" }] }], judges: one, reviewers: new Map() }).judges;
    expect(judge!.items).toBe(0);
    expect(judge!.mae!.value).toBeNull();
    expect(judge!.mae!.reason).toBeTruthy();
    expect(judge!.spearman).toMatchObject({ value: null, reason: "A rank correlation needs at least two items with both answers." });
    expect(judge!.agreement).toMatchObject({ value: null, reason: "No answers yet, so there is no proportion." });
  });

  it("ρ is undefined when one side is constant", () => {
    const items = [1, 2, 3, 4, 5].map((c, i) => ({ itemId: i, consensus: c, votes: [], judged: [{ judge: "j", value: 3 }] }));
    const [judge] = calibrateQuestion({ question: rating, items, judges: one, reviewers: new Map() }).judges;
    expect(judge!.spearman).toMatchObject({ value: null, reason: "One of the two answers is the same on every item, so there is no order to correlate." });
    expect(judge!.mae!.value).toBeCloseTo(6 / 5, 14);
  });

  it("kinds without a label or score are not measured, with the reason", () => {
    for (const input of [
      { key: "c", kind: "correction", text: "Fix" },
      { key: "s", kind: "spans", text: "Mark" },
      { key: "t", kind: "text", text: "Say" },
    ]) {
      const result = calibrateQuestion({ question: questionSchema.parse(input) as Question, items: [], judges: one, reviewers: new Map() });
      expect(result.figure).toBeNull();
      expect(result.reason).toBeTruthy();
      expect(result.judges).toEqual([]);
    }
  });
});

describe("the verdict rule", () => {
  const kappa = (value: number, low: number, high: number, items = 30): Figures => ({
    items,
    agreement: { value: 0.9, reason: null, interval: null, intervalReason: "n/a" },
    kappa: { value, reason: null, interval: { low, high, level: 0.95, method: "test" }, intervalReason: null },
    mae: null,
    spearman: null,
  });
  const people = [kappa(0.6, 0.4, 0.8), kappa(0.7, 0.5, 0.9), kappa(0.8, 0.6, 1)];

  it("about as well as a reviewer when the judge's interval holds the reviewers' mean", () => {
    expect(verdictOf("kappa", kappa(0.62, 0.5, 0.75), people, 20).code).toBe("comparable");
  });
  it("better than the average above it, worse than any below every reviewer, worse than the average between", () => {
    expect(verdictOf("kappa", kappa(0.9, 0.8, 0.95), people, 20).code).toBe("better");
    expect(verdictOf("kappa", kappa(0.3, 0.2, 0.4), people, 20).code).toBe("worse-than-any");
    expect(verdictOf("kappa", kappa(0.65, 0.62, 0.68), people, 20).code).toBe("worse-than-average");
  });
  it("reviewers with fewer items than the minimum are not counted; none left means too few to say", () => {
    const few = [kappa(0.1, 0, 0.2, 5)];
    expect(verdictOf("kappa", kappa(0.9, 0.8, 0.95), few, 20)).toMatchObject({ code: "too-few", detail: expect.stringMatching(/^No reviewer has 20 or more/) });
    expect(verdictOf("kappa", kappa(0.65, 0.62, 0.68), [...people, kappa(0.1, 0, 0.2, 5)], 20).code).toBe("worse-than-average");
  });
});
