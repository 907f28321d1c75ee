/** Runs in the training thread: evaluates, trains on every example, posts the result back. */
import { parentPort, workerData } from "node:worker_threads";
import { encodeModel, evaluateWithPredictions, trainClassifier } from "./core";
import type { WorkerInput, WorkerOutput, WorkerProgress } from "./train-in-worker.server";

const { examples, params, evaluate } = workerData as WorkerInput;
// why: the evaluation's trainings, then one more on every example.
let evaluationTrainings = 1;
const progress = (done: number, total: number) => parentPort!.postMessage({ progress: done / total } satisfies WorkerProgress);
let output: WorkerOutput;
try {
  const { evaluation, holdout } = evaluateWithPredictions(examples, params, {
    ...evaluate,
    onProgress: (done, total) => {
      evaluationTrainings = total;
      progress(done, total + 1);
    },
  });
  const model = encodeModel(trainClassifier(examples, params, { onProgress: (done, total) => progress(evaluationTrainings + done / total, evaluationTrainings + 1) }));
  output = { ok: true, model, evaluation, holdout };
} catch (error) {
  output = { ok: false, name: error instanceof Error ? error.name : "Error", message: error instanceof Error ? error.message : String(error) };
}
parentPort!.postMessage(output, output.ok ? [output.model.buffer as ArrayBuffer] : []);
