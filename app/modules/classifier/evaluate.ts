/**
 * How good a classifier trained on these examples is, measured on examples it did not see: a
 * stratified holdout, or k-fold cross-validation when the examples are few, with the report and
 * confusion matrix of app/modules/stats, reliability bins with the expected calibration error, and
 * a learning curve (the same test examples, training on 10/25/50/100% of the training ones).
 */
import { classificationReport, confusionMatrix, type ClassificationReport, type ConfusionMatrix } from "~/modules/stats/classification";
import { checkExamples, ClassifierInputError, classifierParams, predictProba, topOf, trainClassifier, type ClassifierParams, type LabelledText } from "./softmax";
import { indicesByLabel, seededRandom, stratifiedSample } from "./random";

export type ReliabilityBin = { lower: number; upper: number; count: number; meanConfidence: number; accuracy: number };

export type ClassifierEvaluation = {
  labelCount: number;
  trainCount: number;
  testCount: number;
  method: "holdout" | "kfold";
  report: ClassificationReport;
  confusion: ConfusionMatrix;
  /** Ten equal-width bins of the top class's probability; an empty bin has count 0 and zeros. */
  reliability: ReliabilityBin[];
  expectedCalibrationError: number;
  learningCurve: { share: number; labels: number; accuracy: number; macroF1: number }[];
};

export type EvaluateOptions = {
  seed?: number;
  /** The share of each class held out for testing; 0.2 unless folds are used. */
  holdout?: number;
  /** k-fold cross-validation with this many folds instead of a holdout. */
  folds?: number;
  signal?: AbortSignal;
  /** Trainings done (fractional while one runs) of the total the evaluation makes. */
  onProgress?: (done: number, total: number) => void;
};

/** Below this many examples, and unless told otherwise, 5-fold cross-validation replaces the holdout. */
export const KFOLD_BELOW = 200;
const DEFAULT_FOLDS = 5;
const DEFAULT_HOLDOUT = 0.2;
const CURVE_SHARES = [0.1, 0.25, 0.5, 1];
const BINS = 10;

export function evaluateClassifier(examples: LabelledText[], params?: Partial<ClassifierParams>, options: EvaluateOptions = {}): ClassifierEvaluation {
  return evaluateWithPredictions(examples, params, options).evaluation;
}

/**
 * evaluateClassifier, plus each tested example's probabilities (its index in `examples`, the
 * probabilities in sorted label order) from the model that did not see it — what routing
 * simulations replay.
 */
export function evaluateWithPredictions(
  examples: LabelledText[],
  overrides?: Partial<ClassifierParams>,
  options: EvaluateOptions = {},
): { evaluation: ClassifierEvaluation; holdout: { index: number; probabilities: Float32Array }[] } {
  const params = classifierParams(overrides);
  const labels = checkExamples(examples);
  const groups = indicesByLabel(
    examples.map((e) => e.label),
    seededRandom(options.seed ?? params.seed),
  );
  const method = options.folds !== undefined || (options.holdout === undefined && examples.length < KFOLD_BELOW) ? "kfold" : "holdout";
  const splits = method === "kfold" ? foldSplits(groups, options.folds ?? DEFAULT_FOLDS) : [holdoutSplit(groups, options.holdout ?? DEFAULT_HOLDOUT)];

  const trainings = CURVE_SHARES.length * splits.length;
  let finished = 0;
  const curve: ClassifierEvaluation["learningCurve"] = [];
  let holdout: { index: number; probabilities: Float32Array }[] = [];
  for (const share of CURVE_SHARES) {
    const predictions: { index: number; probabilities: Float32Array }[] = [];
    let trained = 0;
    for (const split of splits) {
      const train = stratifiedSample(split.train, share);
      trained += train.length;
      const model = trainClassifier(
        train.map((i) => examples[i]!),
        params,
        { signal: options.signal, onProgress: options.onProgress && ((done, total) => options.onProgress!(finished + done / total, trainings)) },
      );
      finished++;
      const probabilities = predictProba(
        model,
        split.test.map((i) => examples[i]!.text),
      );
      // why: in a fold a rare class can be missing from training; its column is then zero.
      const column = model.labels.map((l) => labels.indexOf(l));
      split.test.forEach((index, row) => {
        const full = new Float32Array(labels.length);
        probabilities[row]!.forEach((p, c) => (full[column[c]!] = p));
        predictions.push({ index, probabilities: full });
      });
    }
    const { report } = scored(examples, labels, predictions);
    curve.push({ share, labels: Math.round(trained / splits.length), accuracy: report.accuracy.value ?? 0, macroF1: report.macroF1.value ?? 0 });
    holdout = predictions;
  }

  holdout.sort((a, b) => a.index - b.index);
  const { report, confusion, tops } = scored(examples, labels, holdout);
  const { bins, expectedCalibrationError } = reliabilityBins(tops.map((t, i) => ({ confidence: t.probability, correct: t.label === examples[holdout[i]!.index]!.label })));
  const testCount = method === "kfold" ? holdout.length : splits[0]!.test.length;
  return {
    evaluation: {
      labelCount: examples.length,
      trainCount: method === "kfold" ? Math.round(curve.at(-1)!.labels) : examples.length - testCount,
      testCount,
      method,
      report,
      confusion,
      reliability: bins,
      expectedCalibrationError,
      learningCurve: curve,
    },
    holdout,
  };
}

function scored(examples: LabelledText[], labels: string[], predictions: { index: number; probabilities: Float32Array }[]) {
  const tops = predictions.map((p) => topOf(labels, p.probabilities));
  const confusion = confusionMatrix(
    predictions.map((p, i) => [examples[p.index]!.label, tops[i]!.label] as const),
    labels,
  );
  return { report: classificationReport(confusion), confusion, tops };
}

type Split = { train: number[][]; test: number[] };

/**
 * Each class's first round(share · count) shuffled examples are tested, keeping at least one of
 * each class for training (a class seen once is only trained on).
 */
function holdoutSplit(groups: number[][], share: number): Split {
  if (!(share > 0 && share < 1)) throw new ClassifierInputError(`The holdout share must be between 0 and 1; got ${share}.`);
  const test: number[] = [];
  const train = groups.map((group) => {
    const held = Math.min(group.length - 1, Math.round(share * group.length));
    test.push(...group.slice(0, held));
    return group.slice(held);
  });
  if (test.length === 0) throw new ClassifierInputError("Too few examples to hold any out for testing: every class has one example.");
  return { train, test: test.sort((a, b) => a - b) };
}

/** Deals each class's examples round the folds in turn, continuing where the previous class stopped. */
function foldSplits(groups: number[][], folds: number): Split[] {
  const total = groups.reduce((s, g) => s + g.length, 0);
  if (!Number.isInteger(folds) || folds < 2 || folds > total) throw new ClassifierInputError(`Folds must be an integer from 2 to the number of examples (${total}); got ${folds}.`);
  const foldOf = new Map<number, number>();
  let next = 0;
  for (const group of groups) for (const index of group) foldOf.set(index, next++ % folds);
  return Array.from({ length: folds }, (_, fold) => {
    const train = groups.map((g) => g.filter((i) => foldOf.get(i) !== fold)).filter((g) => g.length > 0);
    if (train.length < 2) throw new ClassifierInputError(`Too few examples for ${folds} folds: fold ${fold + 1} would train on a single class.`);
    return { train, test: groups.flatMap((g) => g.filter((i) => foldOf.get(i) === fold)).sort((a, b) => a - b) };
  });
}

/**
 * Ten bins of equal width over the top class's probability (the last one includes 1); the expected
 * calibration error is Σ (bin count / n) · |bin accuracy − bin mean confidence|.
 */
export function reliabilityBins(predictions: { confidence: number; correct: boolean }[]): { bins: ReliabilityBin[]; expectedCalibrationError: number } {
  const count = new Array<number>(BINS).fill(0);
  const confidence = new Array<number>(BINS).fill(0);
  const correct = new Array<number>(BINS).fill(0);
  for (const p of predictions) {
    const bin = Math.min(BINS - 1, Math.floor(p.confidence * BINS));
    count[bin]!++;
    confidence[bin]! += p.confidence;
    if (p.correct) correct[bin]!++;
  }
  let ece = 0;
  const bins = count.map((n, b) => {
    const meanConfidence = n ? confidence[b]! / n : 0;
    const accuracy = n ? correct[b]! / n : 0;
    if (n) ece += (n / predictions.length) * Math.abs(accuracy - meanConfidence);
    return { lower: b / BINS, upper: (b + 1) / BINS, count: n, meanConfidence, accuracy };
  });
  return { bins, expectedCalibrationError: ece };
}
