import { beforeAll, describe, expect, it } from "vitest";
import { classificationReport, confusionMatrix, type ClassificationReport } from "~/modules/stats/classification";
import { readBanking77 } from "~test/support/banking77";
import { sharedData } from "~test/support/shared-data";
import { evaluateClassifier, predictProba, topOf, trainClassifier, type ClassifierEvaluation, type LabelledText } from "./core";

// Reference, computed once with scikit-learn 1.2.1 on this split (the script is in
// docs/decisions/0017-text-classifier.md): TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True)
// + LogisticRegression(C=10) reaches accuracy 0.8948 / macro-F1 0.8951; with char_wb 2–5-grams
// added (the features used here), 0.9006 / 0.9008. The issue asks for ≥ 0.87.
const files = sharedData("banking77/train.csv", "banking77/test.csv");

describe.skipIf(!files)("BANKING77: trained on train.csv, tested on test.csv", () => {
  let train: LabelledText[];
  let test: LabelledText[];
  let report: ClassificationReport;
  let evaluation: ClassifierEvaluation;

  beforeAll(() => {
    train = readBanking77(files![0]!);
    test = readBanking77(files![1]!);
    const model = trainClassifier(train);
    const predicted = predictProba(
      model,
      test.map((e) => e.text),
    ).map((p) => topOf(model.labels, p).label);
    report = classificationReport(confusionMatrix(test.map((e, i) => [e.label, predicted[i]!] as const), model.labels));
    evaluation = evaluateClassifier(train);
  }, 120_000);

  it("reads the whole split: 10,003 and 3,080 texts in 77 classes", () => {
    expect(train).toHaveLength(10_003);
    expect(test).toHaveLength(3_080);
    expect(new Set(train.map((e) => e.label)).size).toBe(77);
  });

  it("reaches accuracy and macro-F1 of at least 0.87 on test.csv", () => {
    expect(report.accuracy.value).toBeGreaterThanOrEqual(0.87);
    expect(report.macroF1.value).toBeGreaterThanOrEqual(0.87);
  });

  it("evaluates itself on a stratified 20% holdout of train.csv near its test.csv figure", () => {
    expect(evaluation).toMatchObject({ method: "holdout", labelCount: 10_003 });
    expect(evaluation.testCount).toBeGreaterThan(1_950);
    expect(evaluation.testCount).toBeLessThan(2_050);
    expect(Math.abs(evaluation.report.accuracy.value! - report.accuracy.value!)).toBeLessThan(0.03);
    expect(evaluation.expectedCalibrationError).toBeLessThan(0.1);
  });

  it("draws a learning curve that rises, within noise, from 10% to 100% of the labels", () => {
    const curve = evaluation.learningCurve;
    expect(curve.map((p) => p.share)).toEqual([0.1, 0.25, 0.5, 1]);
    curve.slice(1).forEach((point, i) => {
      expect(point.labels).toBeGreaterThan(curve[i]!.labels);
      expect(point.accuracy).toBeGreaterThanOrEqual(curve[i]!.accuracy - 0.02);
      expect(point.macroF1).toBeGreaterThanOrEqual(curve[i]!.macroF1 - 0.02);
    });
    expect(curve.at(-1)!.accuracy).toBeGreaterThan(curve[0]!.accuracy + 0.1);
  });
});
