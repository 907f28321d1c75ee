import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { ClassifierInputError, type ClassifierEvaluation, type ClassifierParams, type LabelledText } from "./core";
import type { EvaluateOptions } from "./evaluate";

export type WorkerInput = { examples: LabelledText[]; params?: Partial<ClassifierParams>; evaluate: Omit<EvaluateOptions, "signal" | "onProgress">; tsconfig: string };
export type WorkerOutput =
  | { ok: true; model: Uint8Array; evaluation: ClassifierEvaluation; holdout: { index: number; probabilities: Float32Array }[] }
  | { ok: false; name: string; message: string };
export type WorkerProgress = { progress: number };
export type TrainedInWorker = Omit<Extract<WorkerOutput, { ok: true }>, "ok">;

const ENTRY = path.join("app", "modules", "classifier", "train-worker.mjs");

/**
 * Evaluates and trains a classifier on the examples in a worker thread, so a training of tens of
 * seconds leaves this thread's event loop (the review queue's requests) free. Returns the model's
 * bytes (encodeModel), its evaluation and the held-out examples' probabilities; onProgress gets
 * the share of the work done, 0 to 1. Aborting the signal ends the thread and rejects with the
 * signal's reason; bad examples reject with ClassifierInputError, as trainClassifier would throw.
 */
export async function trainInWorker(
  examples: LabelledText[],
  params?: Partial<ClassifierParams>,
  options: { signal?: AbortSignal; onProgress?: (share: number) => void } & Omit<EvaluateOptions, "signal" | "onProgress"> = {},
): Promise<TrainedInWorker> {
  const { signal, onProgress, ...evaluate } = options;
  signal?.throwIfAborted();
  const root = projectRoot();
  const input: WorkerInput = { examples, params, evaluate, tsconfig: path.join(root, "tsconfig.json") };
  return new Promise((resolve, reject) => {
    const worker = new Worker(path.join(root, ENTRY), { workerData: input });
    let settled = false;
    const settle = (done: () => void) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener("abort", onAbort);
      done();
    };
    const onAbort = () => {
      settle(() => reject(signal!.reason));
      void worker.terminate();
    };
    signal?.addEventListener("abort", onAbort, { once: true });
    worker.on("message", (output: WorkerOutput | WorkerProgress) => {
      if ("progress" in output) {
        if (!settled) onProgress?.(output.progress);
        return;
      }
      settle(() => {
        if (output.ok) resolve({ model: output.model, evaluation: output.evaluation, holdout: output.holdout });
        else reject(output.name === ClassifierInputError.name ? new ClassifierInputError(output.message) : new Error(output.message));
      });
    });
    worker.once("error", (error) => settle(() => reject(error)));
    worker.once("exit", (code) => settle(() => reject(new Error(`The classifier's training thread stopped (exit code ${code}) without a result.`))));
  });
}

/**
 * The checkout's root: the nearest folder above this module holding the worker's entry. This
 * module runs from app/modules/classifier under Vitest and tsx, and from build/server once Vite
 * has bundled it, while the entry file stays where it is in the checkout.
 */
function projectRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (fs.existsSync(path.join(dir, ENTRY))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`The classifier's training thread entry (${ENTRY}) is not in any folder above ${fileURLToPath(import.meta.url)}.`);
    dir = parent;
  }
}
