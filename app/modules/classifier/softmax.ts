/**
 * The in-app text classifier (ADR 0017): hashed word and character n-grams with tf-idf weights
 * (features.ts) into a multinomial logistic regression — softmax over the classes, L2 penalty —
 * fitted by stochastic gradient descent with a linearly decaying rate. Pure and synchronous;
 * train-in-worker.server.ts runs it off the server's event loop. Callers import it through
 * core.ts, with the model's bytes and its evaluation.
 */
import { inverseDocumentFrequency, termCounts, weighTerms, type FeatureParams, type SparseVector } from "./features";
import { seededRandom, shuffle } from "./random";

export type LabelledText = { text: string; label: string };

/** The most float32 weights a model may have (512 MB): what training allows and decodeModel will allocate at most. */
export const MAX_WEIGHTS = 2 ** 27;

export type ClassifierParams = FeatureParams & {
  /** L2 penalty per example: the mean loss plus l2/2 · ‖W‖². */
  l2: number;
  /** Passes over the examples. */
  epochs: number;
  /** The first step's rate; it falls linearly to zero at the last step. */
  learningRate: number;
  /** Seeds the example order (and, in evaluateClassifier, the split). */
  seed: number;
};

export const DEFAULT_CLASSIFIER_PARAMS: ClassifierParams = {
  hashBits: 17,
  wordNgrams: [1, 2],
  charNgrams: [2, 5],
  l2: 2e-6,
  epochs: 12,
  learningRate: 1,
  seed: 1,
};

export type ClassifierModel = {
  version: 1;
  /** Class names, sorted; every probability row is in this order. */
  labels: string[];
  params: ClassifierParams;
  /** Per bucket: the idf training saw. */
  idf: Float32Array;
  /** [bucket × class], row-major: a bucket's class weights are adjacent, as scoring reads them. */
  weights: Float32Array;
  /** Per class. */
  bias: Float32Array;
};

export type TrainOptions = { signal?: AbortSignal; onProgress?: (done: number, total: number) => void };

/** A problem with the examples or parameters, said so the person who gave them can fix it. */
export class ClassifierInputError extends Error {
  override name = "ClassifierInputError";
}

// why: the abort signal and progress are looked at this often (in examples), so aborting a
// BANKING77-sized training takes milliseconds, without a check per example.
const CHECK_EVERY = 1024;
// why: the weights are kept as scale · W so the L2 shrinkage of every weight is one multiply;
// below this the float32 weights would lose precision, so the scale is folded back into them.
const MIN_SCALE = 1e-6;

/** The parameters with defaults filled in, checked. */
export function classifierParams(overrides: Partial<ClassifierParams> = {}): ClassifierParams {
  const params = { ...DEFAULT_CLASSIFIER_PARAMS, ...overrides };
  const check = (ok: boolean, what: string) => {
    if (!ok) throw new ClassifierInputError(`Classifier parameter ${what}.`);
  };
  check(Number.isInteger(params.hashBits) && params.hashBits >= 4 && params.hashBits <= 20, `hashBits must be an integer from 4 to 20; got ${params.hashBits}`);
  for (const key of ["wordNgrams", "charNgrams"] as const) {
    const [low, high] = params[key];
    check(Number.isInteger(low) && Number.isInteger(high) && low >= 0 && high >= low && high <= 8 && (low > 0 || high === 0), `${key} must be [low, high] with 1 ≤ low ≤ high ≤ 8, or [0, 0]; got [${low}, ${high}]`);
  }
  check(params.wordNgrams[1] > 0 || params.charNgrams[1] > 0, "wordNgrams and charNgrams cannot both be [0, 0]");
  check(Number.isFinite(params.l2) && params.l2 >= 0 && params.l2 < 1, `l2 must be in [0, 1); got ${params.l2}`);
  check(Number.isInteger(params.epochs) && params.epochs >= 1 && params.epochs <= 1000, `epochs must be an integer from 1 to 1000; got ${params.epochs}`);
  check(Number.isFinite(params.learningRate) && params.learningRate > 0 && params.learningRate <= 100, `learningRate must be in (0, 100]; got ${params.learningRate}`);
  check(Number.isInteger(params.seed), `seed must be an integer; got ${params.seed}`);
  return params;
}

/** The sorted class names, after checking the examples can train a classifier. */
export function checkExamples(examples: readonly LabelledText[]): string[] {
  if (examples.length === 0) throw new ClassifierInputError("A classifier needs labelled examples; none were given.");
  examples.forEach((e, i) => {
    if (typeof e?.text !== "string") throw new ClassifierInputError(`Example ${i + 1}: text must be a string.`);
    if (typeof e.label !== "string" || e.label === "") throw new ClassifierInputError(`Example ${i + 1}: label must be a non-empty string.`);
  });
  const labels = [...new Set(examples.map((e) => e.label))].sort();
  if (labels.length < 2) throw new ClassifierInputError(`A classifier needs examples of at least two classes; all ${examples.length} are "${labels[0]}".`);
  return labels;
}

/**
 * Fits a model to the examples. Deterministic for given examples and params. An empty text is
 * allowed (it teaches only the class priors). Throws ClassifierInputError on unusable input, and
 * the signal's reason when it is aborted.
 */
export function trainClassifier(examples: LabelledText[], overrides?: Partial<ClassifierParams>, options: TrainOptions = {}): ClassifierModel {
  const params = classifierParams(overrides);
  const labels = checkExamples(examples);
  if ((1 << params.hashBits) * labels.length > MAX_WEIGHTS) {
    throw new ClassifierInputError(`${labels.length} classes need too large a weight table at hashBits ${params.hashBits}; lower hashBits.`);
  }
  options.signal?.throwIfAborted();
  const classOf = new Map(labels.map((l, i) => [l, i]));
  const counts = examples.map((e) => termCounts(e.text, params));
  const idf = inverseDocumentFrequency(counts, params.hashBits);
  const rows = counts.map((c) => weighTerms(c, idf));
  const targets = Int32Array.from(examples, (e) => classOf.get(e.label)!);
  const { weights, bias } = fitSoftmax(rows, targets, labels.length, params, options);
  return { version: 1, labels, params, idf, weights, bias };
}

function fitSoftmax(rows: SparseVector[], targets: Int32Array, classes: number, params: ClassifierParams, options: TrainOptions) {
  const weights = new Float32Array((1 << params.hashBits) * classes);
  const bias = new Float64Array(classes);
  const scores = new Float64Array(classes);
  const random = seededRandom(params.seed);
  const order = Array.from(rows, (_, i) => i);
  const total = rows.length * params.epochs;
  let scale = 1;
  let step = 0;
  const foldScale = () => {
    for (let i = 0; i < weights.length; i++) weights[i]! *= scale;
    scale = 1;
  };
  for (let epoch = 0; epoch < params.epochs; epoch++) {
    shuffle(order, random);
    for (const index of order) {
      if (step % CHECK_EVERY === 0) {
        options.signal?.throwIfAborted();
        options.onProgress?.(step, total);
      }
      const rate = params.learningRate * (1 - step / total);
      step++;
      const { indices, values } = rows[index]!;
      softmaxScores(weights, bias, indices, values, scale, scores);
      // why: the gradient of the cross-entropy in the scores is p − onehot(y).
      scores[targets[index]!]! -= 1;
      scale *= 1 - rate * params.l2;
      const update = rate / scale;
      for (let k = 0; k < indices.length; k++) {
        const row = indices[k]! * classes;
        const x = values[k]! * update;
        for (let c = 0; c < classes; c++) weights[row + c]! -= scores[c]! * x;
      }
      for (let c = 0; c < classes; c++) bias[c]! -= rate * scores[c]!;
      if (scale < MIN_SCALE) foldScale();
    }
  }
  foldScale();
  options.onProgress?.(total, total);
  return { weights, bias: Float32Array.from(bias) };
}

/** scores ← softmax(bias + scale · xᵀW): the class probabilities of one row. */
function softmaxScores(weights: Float32Array, bias: ArrayLike<number>, indices: Int32Array, values: Float32Array, scale: number, scores: Float64Array): void {
  const classes = scores.length;
  scores.fill(0);
  for (let k = 0; k < indices.length; k++) {
    const row = indices[k]! * classes;
    const x = values[k]!;
    for (let c = 0; c < classes; c++) scores[c]! += weights[row + c]! * x;
  }
  let max = -Infinity;
  for (let c = 0; c < classes; c++) {
    scores[c] = bias[c]! + scale * scores[c]!;
    if (scores[c]! > max) max = scores[c]!;
  }
  let sum = 0;
  for (let c = 0; c < classes; c++) {
    scores[c] = Math.exp(scores[c]! - max);
    sum += scores[c]!;
  }
  for (let c = 0; c < classes; c++) scores[c]! /= sum;
}

/** The class probabilities of each text, in model.labels order; each row sums to 1. */
export function predictProba(model: ClassifierModel, texts: string[]): Float32Array[] {
  const scores = new Float64Array(model.labels.length);
  return texts.map((text) => {
    const { indices, values } = weighTerms(termCounts(text, model.params), model.idf);
    softmaxScores(model.weights, model.bias, indices, values, 1, scores);
    return Float32Array.from(scores);
  });
}

export type TopPrediction = {
  label: string;
  probability: number;
  /** p1 − p2: small when the model hesitates between two classes. */
  margin: number;
  /** −Σ p ln p, in nats: large when the probability is spread over many classes. */
  entropy: number;
};

/** The most probable class of a text, with the two uncertainty figures the review queue sorts by. */
export function predictTop(model: ClassifierModel, text: string): TopPrediction {
  return topOf(model.labels, predictProba(model, [text])[0]!);
}

/** The top class, margin and entropy of one probability row. */
export function topOf(labels: readonly string[], probabilities: ArrayLike<number>): TopPrediction {
  let first = 0;
  let second = -1;
  let entropy = 0;
  for (let c = 0; c < labels.length; c++) {
    const p = probabilities[c]!;
    if (p > 0) entropy -= p * Math.log(p);
    if (p > probabilities[first]!) {
      second = first;
      first = c;
    } else if (c !== first && (second < 0 || p > probabilities[second]!)) second = c;
  }
  const p1 = probabilities[first]!;
  return { label: labels[first]!, probability: p1, margin: p1 - (second < 0 ? 0 : probabilities[second]!), entropy };
}
