import { describe, expect, it } from "vitest";
import { classificationReport, cohensKappaInterval, confusionMatrix, meanAbsoluteError } from "./classification";
import reference from "./fixtures/classification.json";

// Reference: sklearn 1.2.1 (confusion_matrix, cohen_kappa_score, precision_recall_fscore_support,
// f1_score(average="macro"), accuracy_score, mean_absolute_error) and statsmodels 0.13.5
// (inter_rater.cohens_kappa: std_kappa, kappa_low, kappa_upp) on 240 simulated (human, judge)
// labels, computed once by fixtures/make-fixtures.py.
const pairs = reference.human.map((h, i) => [h, reference.judge[i]!] as const);

describe("confusion matrix and classification scores", () => {
  const m = confusionMatrix(pairs);

  it("builds the same matrix as sklearn", () => {
    expect(m.labels).toEqual(reference.labels);
    expect(m.counts).toEqual(reference.confusion);
    expect(m.n).toBe(240);
  });

  it("gives sklearn's accuracy, per-class precision, recall and F1, and macro-F1", () => {
    const r = classificationReport(m);
    expect(r.accuracy.value).toBeCloseTo(reference.accuracy, 14);
    expect(r.macroF1.value).toBeCloseTo(reference.macroF1, 14);
    r.classes.forEach((c, i) => {
      expect(c.support).toBe(reference.support[i]);
      expect(c.precision.value).toBeCloseTo(reference.precision[i]!, 14);
      expect(c.recall.value).toBeCloseTo(reference.recall[i]!, 14);
      expect(c.f1.value).toBeCloseTo(reference.f1[i]!, 14);
    });
  });

  it("says why precision, recall or F1 is undefined instead of reporting 0", () => {
    const r = classificationReport(confusionMatrix([["a", "a"], ["a", "b"]], ["a", "b", "c"]));
    const [, b, c] = r.classes;
    expect(b!.precision).toMatchObject({ value: 0 });
    expect(b!.recall).toEqual({ value: null, reason: 'No item is "b" in the reference.' });
    expect(c!.precision).toEqual({ value: null, reason: 'No item was predicted as "c".' });
    expect(c!.f1).toEqual({ value: null, reason: '"c" occurs in neither labelling.' });
    // macro-F1 over a and b only: (2/3 + 0) / 2.
    expect(r.macroF1).toEqual({ value: 1 / 3, reason: null, basis: "mean over 2 class(es)" });
    expect(classificationReport(confusionMatrix([])).accuracy).toEqual({ value: null, reason: "No item has both labels yet." });
  });

  it("names the pair and the label outside the given set", () => {
    expect(() => confusionMatrix([["a", "a"], ["a", "z"]], ["a", "b"])).toThrow('Pair 2: label "z" is not one of "a", "b".');
  });
});

describe("Cohen's κ with its interval", () => {
  it("matches sklearn's κ and statsmodels' Fleiss–Cohen–Everitt interval", () => {
    const k = cohensKappaInterval(confusionMatrix(pairs));
    expect(k.value).toBeCloseTo(reference.kappa, 14);
    expect(k.interval!.low).toBeCloseTo(reference.kappaLow, 12);
    expect(k.interval!.high).toBeCloseTo(reference.kappaHigh, 12);
    expect(k.interval!.method).toBe("Fleiss–Cohen–Everitt large-sample standard error");
  });

  // Source: Wikipedia, "Cohen's kappa" § Simple example (50 proposals; 20 yes/yes, 5 yes/no,
  // 10 no/yes, 15 no/no): κ = 0.4.
  it("gives the published κ = 0.4 for Wikipedia's example", () => {
    const m = { labels: ["yes", "no"], counts: [[20, 5], [10, 15]], n: 50 };
    expect(cohensKappaInterval(m).value).toBeCloseTo(0.4, 14);
  });

  it("says why κ or its interval is undefined", () => {
    expect(cohensKappaInterval(confusionMatrix([["a", "a"], ["a", "a"]]))).toMatchObject({
      value: null,
      reason: "Both labellings use one and the same label throughout, so chance agreement is total and κ is undefined.",
    });
    expect(cohensKappaInterval(confusionMatrix([["a", "a"], ["b", "b"]]))).toMatchObject({
      value: 1,
      interval: null,
      intervalReason: "The large-sample standard error is zero (agreement is perfect), so the interval would say nothing.",
    });
    expect(cohensKappaInterval(confusionMatrix([])).reason).toBe("The two labellings have no item in common.");
  });
});

describe("mean absolute error", () => {
  it("matches sklearn mean_absolute_error and carries a t interval", () => {
    const mae = meanAbsoluteError(reference.humanScores.map((h, i) => [h, reference.judgeScores[i]!] as const));
    expect(mae.value).toBeCloseTo(reference.mae, 14);
    expect(mae.interval!.low).toBeLessThan(mae.value!);
    expect(meanAbsoluteError([])).toMatchObject({ value: null, reason: "No item has both answers yet." });
    expect(() => meanAbsoluteError([[1, Number.NaN]])).toThrow("Pair 1: both values must be finite numbers; got 1 and NaN.");
  });
});
