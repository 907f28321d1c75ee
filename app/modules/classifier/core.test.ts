import { describe, expect, it } from "vitest";
import { classificationReport } from "~/modules/stats/classification";
import {
  ClassifierInputError,
  decodeModel,
  encodeModel,
  evaluateClassifier,
  ModelBytesError,
  predictProba,
  predictTop,
  reliabilityBins,
  topOf,
  trainClassifier,
  type LabelledText,
} from "./core";
import { MAX_TEXT_CHARS, termCounts, words } from "./features";

// why: small tables keep these tests fast; the defaults are measured on BANKING77 (banking77.test.ts).
const SMALL = { hashBits: 12, epochs: 20 };

const VOCABULARY: Record<string, string[]> = {
  card: ["card", "arrive", "delivery", "post", "mail"],
  refund: ["refund", "money", "back", "return", "reimburse"],
  pin: ["pin", "code", "forgot", "reset", "locked"],
};

/** Each sentence mixes two of its class's words with neutral filler: separable by vocabulary. */
function toySet(perClass: number): LabelledText[] {
  const filler = ["please", "help", "my", "the", "I", "need"];
  return Object.entries(VOCABULARY).flatMap(([label, vocab]) =>
    Array.from({ length: perClass }, (_, i) => ({
      text: `${filler[i % filler.length]} ${vocab[i % vocab.length]} ${filler[(i + 2) % filler.length]} ${vocab[(i * 3 + 1) % vocab.length]}`,
      label,
    })),
  );
}

describe("trainClassifier and predictProba", () => {
  const examples = toySet(20);
  const model = trainClassifier(examples, SMALL);

  it("learns a separable set: every training example is predicted right", () => {
    const predicted = predictProba(model, examples.map((e) => e.text)).map((p) => topOf(model.labels, p).label);
    expect(predicted).toEqual(examples.map((e) => e.label));
    expect(model.labels).toEqual(["card", "pin", "refund"]);
  });

  it("gives probabilities in [0, 1] summing to 1, also for texts unlike any it saw and for empty ones", () => {
    for (const row of predictProba(model, ["my card has not arrived", "zzz qqq", "", "🙂"])) {
      expect(row).toHaveLength(3);
      for (const p of row) expect(p >= 0 && p <= 1).toBe(true);
      expect(row.reduce((s, p) => s + p, 0)).toBeCloseTo(1, 5);
    }
    expect(predictTop(model, "when will my card arrive in the post").label).toBe("card");
    expect(predictTop(model, "I forgot my pin code").label).toBe("pin");
  });

  it("is deterministic for a seed, and the seed matters", () => {
    const again = trainClassifier(examples, SMALL);
    expect(again.weights).toEqual(model.weights);
    expect(again.bias).toEqual(model.bias);
    const other = trainClassifier(examples, { ...SMALL, seed: 2 });
    expect(other.weights).not.toEqual(model.weights);
  });

  it("learns the class priors from empty texts, without NaN", () => {
    const empties = [...Array(6)].map(() => ({ text: "", label: "common" })).concat([{ text: "", label: "rare" }]);
    const top = predictTop(trainClassifier(empties, SMALL), "");
    expect(top.label).toBe("common");
    expect(Number.isFinite(top.probability) && Number.isFinite(top.entropy)).toBe(true);
  });

  it("refuses unusable examples and parameters with a clear error", () => {
    expect(() => trainClassifier([])).toThrow(new ClassifierInputError("A classifier needs labelled examples; none were given."));
    expect(() => trainClassifier([{ text: "a", label: "x" }, { text: "b", label: "x" }])).toThrow('A classifier needs examples of at least two classes; all 2 are "x".');
    expect(() => trainClassifier([{ text: "a", label: "" }])).toThrow("Example 1: label must be a non-empty string.");
    expect(() => trainClassifier([{ text: null as unknown as string, label: "x" }])).toThrow("Example 1: text must be a string.");
    expect(() => trainClassifier(examples, { hashBits: 40 })).toThrow("Classifier parameter hashBits must be an integer from 4 to 20; got 40.");
    expect(() => trainClassifier(examples, { wordNgrams: [2, 1] })).toThrow(ClassifierInputError);
    expect(() => trainClassifier(examples, { learningRate: Number.NaN })).toThrow(ClassifierInputError);
  });

  it("stops when the signal is aborted, with the signal's reason", () => {
    const controller = new AbortController();
    let calls = 0;
    const train = () =>
      trainClassifier(toySet(800), { ...SMALL, epochs: 5 }, {
        signal: controller.signal,
        onProgress: (done, total) => {
          calls++;
          expect(done).toBeLessThan(total);
          if (done > 0) controller.abort(new Error("stop training"));
        },
      });
    expect(train).toThrow("stop training");
    // why: it stopped at the first check after the abort, not at the end of the 5 epochs.
    expect(calls).toBe(2);
    expect(() => trainClassifier(examples, SMALL, { signal: AbortSignal.abort() })).toThrow(/abort/i);
  });

  it("reads at most the first MAX_TEXT_CHARS characters of a text", () => {
    const long = `${"a".repeat(MAX_TEXT_CHARS - 4)} bee ${"wasp ".repeat(100_000)}`;
    expect(words(long)).toEqual(["a".repeat(MAX_TEXT_CHARS - 4), "bee"]);
    const params = { hashBits: 12, wordNgrams: [1, 1] as [number, number], charNgrams: [0, 0] as [number, number] };
    expect([...termCounts(long, params).values]).toEqual([1, 1]);
  });
});

describe("margin and entropy", () => {
  it("are p1 − p2 and −Σ p ln p in nats", () => {
    const top = topOf(["a", "b", "c"], [0.2, 0.5, 0.3]);
    expect(top.label).toBe("b");
    expect(top.probability).toBe(0.5);
    expect(top.margin).toBeCloseTo(0.2, 12);
    expect(top.entropy).toBeCloseTo(-(0.2 * Math.log(0.2) + 0.5 * Math.log(0.5) + 0.3 * Math.log(0.3)), 12);
    expect(topOf(["a", "b"], [1, 0])).toEqual({ label: "a", probability: 1, margin: 1, entropy: 0 });
    expect(topOf(["a", "b"], [0.5, 0.5]).margin).toBe(0);
  });
});

describe("encodeModel and decodeModel", () => {
  const model = trainClassifier(toySet(20), SMALL);
  const texts = ["card arrive", "forgot pin", "money back please", ""];

  it("round-trips to identical predictions, storing only the buckets training touched", () => {
    const bytes = encodeModel(model);
    const decoded = decodeModel(bytes);
    expect(decoded.labels).toEqual(model.labels);
    expect(decoded.params).toEqual(model.params);
    expect(predictProba(decoded, texts)).toEqual(predictProba(model, texts));
    expect(bytes.length).toBeLessThan(model.weights.byteLength / 4);
  });

  it("rejects bytes that are not a model, or are damaged, saying so", () => {
    const bytes = encodeModel(model);
    expect(() => decodeModel(new TextEncoder().encode('{"version":1}'))).toThrow(new ModelBytesError("These bytes are not a Loupe classifier model (the signature is missing)."));
    expect(() => decodeModel(new Uint8Array())).toThrow(ModelBytesError);
    const future = bytes.slice();
    future[8] = 9;
    expect(() => decodeModel(future)).toThrow("The model is in format 9; this version of Loupe reads format 1.");
    expect(() => decodeModel(bytes.subarray(0, bytes.length - 10))).toThrow(/^The model's bytes are damaged: /);
    const flipped = bytes.slice();
    flipped[40] = flipped[40]! ^ 0xff;
    expect(() => decodeModel(flipped)).toThrow(ModelBytesError);
  });
});

describe("reliabilityBins", () => {
  it("matches a hand-computed example", () => {
    const { bins, expectedCalibrationError } = reliabilityBins([
      { confidence: 0.95, correct: true },
      { confidence: 0.95, correct: false },
      { confidence: 1, correct: true },
      { confidence: 0.85, correct: true },
      { confidence: 0.15, correct: false },
    ]);
    expect(bins).toHaveLength(10);
    expect(bins.map((b) => b.count)).toEqual([0, 1, 0, 0, 0, 0, 0, 0, 1, 3]);
    expect(bins[9]).toMatchObject({ lower: 0.9, upper: 1, count: 3 });
    expect(bins[9]!.meanConfidence).toBeCloseTo(2.9 / 3, 12);
    expect(bins[9]!.accuracy).toBeCloseTo(2 / 3, 12);
    expect(bins[0]).toEqual({ lower: 0, upper: 0.1, count: 0, meanConfidence: 0, accuracy: 0 });
    // 3/5·|2/3 − 2.9/3| + 1/5·|1 − 0.85| + 1/5·|0 − 0.15| = 0.18 + 0.03 + 0.03
    expect(expectedCalibrationError).toBeCloseTo(0.24, 12);
  });
});

describe("evaluateClassifier", () => {
  const examples = toySet(30);

  it("holds out a stratified share and reports through the stats module", () => {
    const e = evaluateClassifier(examples, SMALL, { holdout: 0.2 });
    expect(e).toMatchObject({ method: "holdout", labelCount: 90, trainCount: 72, testCount: 18 });
    expect(e.confusion.n).toBe(18);
    expect(e.confusion.counts.map((row) => row.reduce((s, v) => s + v, 0))).toEqual([6, 6, 6]);
    expect(e.report).toEqual(classificationReport(e.confusion));
    expect(e.report.accuracy.value).toBe(1);
    expect(e.reliability.reduce((s, b) => s + b.count, 0)).toBe(18);
    expect(e.expectedCalibrationError).toBeGreaterThanOrEqual(0);
  });

  it("draws a learning curve of four points, in order, on growing training sets", () => {
    const { learningCurve } = evaluateClassifier(examples, SMALL, { holdout: 0.2 });
    expect(learningCurve.map((p) => p.share)).toEqual([0.1, 0.25, 0.5, 1]);
    // 24 training examples per class: round(0.1·24) = 2, 6, 12, 24.
    expect(learningCurve.map((p) => p.labels)).toEqual([6, 18, 36, 72]);
    expect(learningCurve.at(-1)!.accuracy).toBe(1);
  });

  it("cross-validates when the examples are few, every example tested once, a class seen once included", () => {
    const few = [...toySet(10), { text: "unrelated words entirely", label: "other" }];
    const e = evaluateClassifier(few, SMALL);
    expect(e.method).toBe("kfold");
    expect(e.testCount).toBe(31);
    expect(e.confusion.labels).toEqual(["card", "other", "pin", "refund"]);
    expect(e.report.classes.find((c) => c.label === "other")!.recall.value).toBe(0);
    expect(e.learningCurve).toHaveLength(4);
  });

  it("is deterministic for a seed and refuses an impossible split", () => {
    expect(evaluateClassifier(examples, SMALL, { seed: 7 })).toEqual(evaluateClassifier(examples, SMALL, { seed: 7 }));
    expect(() => evaluateClassifier(examples, SMALL, { holdout: 1.5 })).toThrow("The holdout share must be between 0 and 1; got 1.5.");
    expect(() => evaluateClassifier(examples, SMALL, { folds: 1 })).toThrow("Folds must be an integer from 2 to the number of examples (90); got 1.");
    expect(() => evaluateClassifier([{ text: "a", label: "x" }, { text: "b", label: "y" }], SMALL, { holdout: 0.5 })).toThrow(/every class has one example/);
  });
});
