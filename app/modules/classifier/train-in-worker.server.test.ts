import { describe, expect, it } from "vitest";
import { ClassifierInputError, decodeModel, evaluateWithPredictions, predictProba, trainClassifier, type LabelledText } from "./core";
import { trainInWorker } from "./train-in-worker.server";

const SMALL = { hashBits: 12, epochs: 10 };
const examples: LabelledText[] = ["card arrived late", "refund my money", "reset my pin"].flatMap((base, k) =>
  Array.from({ length: 40 }, (_, i) => ({ text: `${base} ${i % 7} ${["please", "now", "today"][i % 3]}`, label: ["card", "refund", "pin"][k]! })),
);

describe("trainInWorker", () => {
  it("trains in a worker thread the same model as in this thread, with the same evaluation", async () => {
    const trained = await trainInWorker(examples, SMALL);
    const texts = ["my card arrived", "I want a refund", "pin reset", "something else"];
    expect(predictProba(decodeModel(trained.model), texts)).toEqual(predictProba(trainClassifier(examples, SMALL), texts));
    const here = evaluateWithPredictions(examples, SMALL);
    expect(trained.evaluation).toEqual(here.evaluation);
    expect(trained.holdout).toEqual(here.holdout);
    expect(trained.holdout).toHaveLength(trained.evaluation.testCount);
  });

  it("rejects bad examples with the same error as in this thread", async () => {
    await expect(trainInWorker([{ text: "a", label: "x" }])).rejects.toThrow(new ClassifierInputError('A classifier needs examples of at least two classes; all 1 are "x".'));
  });

  it("reports progress, and stops the thread mid-training when the signal is aborted", async () => {
    const shares: number[] = [];
    await trainInWorker(examples, SMALL, { onProgress: (share) => shares.push(share) });
    expect(shares[0]).toBe(0);
    expect(shares.at(-1)).toBe(1);
    expect(shares).toEqual([...shares].sort((a, b) => a - b));

    const controller = new AbortController();
    const big = Array.from({ length: 100 }, () => examples).flat();
    let seen = 0;
    const training = trainInWorker(big, { epochs: 1000 }, {
      signal: controller.signal,
      // why: abort once the thread is training for certain, not before it has started.
      onProgress: (share) => {
        seen++;
        if (share > 0) controller.abort(new Error("server stopping"));
      },
    });
    await expect(training).rejects.toThrow("server stopping");
    expect(seen).toBeGreaterThan(1);
    await expect(trainInWorker(examples, SMALL, { signal: AbortSignal.abort(new Error("already")) })).rejects.toThrow("already");
  });
});
