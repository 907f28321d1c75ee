/**
 * npm run bench:classifier [-- --predict 100000]
 *
 * The in-app classifier (ADR 0017) on BANKING77 (../shared/data/banking77): training on train.csv
 * (target < 60 s), test.csv accuracy and macro-F1 (issue: ≥ 0.87; scikit-learn's TF-IDF + LR
 * reference 0.895), the evaluation the training job also runs (holdout + learning curve), the
 * model's bytes, predicting --predict texts made by cycling test.csv (target ≥ 5,000 items/s) and
 * the process's peak RSS (target < 500 MB), and the training job's work (trainInWorker) with this
 * thread's event-loop delay while it runs. Baselines in the same run: the bare tokenise-and-hash
 * loop over the same texts (the floor of any predict), and a nearest-centroid classifier on the
 * same features (what the regression adds in accuracy). Results: bench/results/classifier-*.{json,md}.
 *
 * The review queue's claim p95 while a training runs (issue target ≤ 2× without) needs a database
 * and the training job: bench/classifier-queue.ts, which the same npm script runs next.
 */
import { monitorEventLoopDelay } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { classificationReport, confusionMatrix } from "~/modules/stats/classification";
import { encodeModel, evaluateClassifier, predictProba, topOf, trainClassifier, DEFAULT_CLASSIFIER_PARAMS, type ClassifierModel, type LabelledText } from "~/modules/classifier/core";
import { termCounts, weighTerms } from "~/modules/classifier/features";
import { trainInWorker } from "~/modules/classifier/train-in-worker.server";
import { readBanking77 } from "../test/support/banking77";
import { sharedData } from "../test/support/shared-data";
import { machineInfo, markdownTable, writeResults } from "./lib/results";

const { values: flags } = parseArgs({ options: { predict: { type: "string", default: "100000" } } });
const PREDICT = Number(flags.predict);
const BATCH = 1000;
/** Where the queue leg (claim p95 during a training job, over without) writes its figures. */
const QUEUE_LEG = "bench/results/classifier-queue-latest.json (bench/classifier-queue.ts)";

const files = sharedData("banking77/train.csv", "banking77/test.csv");
if (!files) throw new Error("BANKING77 is not in ../shared/data; the benchmark needs it.");
const train = readBanking77(files[0]!);
const test = readBanking77(files[1]!);
const log = (line: string) => process.stderr.write(`${line}\n`);
const round = (v: number, digits = 1) => Math.round(v * 10 ** digits) / 10 ** digits;
const seconds = (since: number) => (performance.now() - since) / 1000;

function scores(labels: string[], truth: LabelledText[], predicted: string[]) {
  const report = classificationReport(confusionMatrix(truth.map((e, i) => [e.label, predicted[i]!] as const), labels));
  return { accuracy: round(report.accuracy.value!, 4), macroF1: round(report.macroF1.value!, 4) };
}

log(`Training on ${train.length} texts…`);
let started = performance.now();
const model = trainClassifier(train);
const trainingSeconds = seconds(started);
const testScores = scores(
  model.labels,
  test,
  predictProba(
    model,
    test.map((e) => e.text),
  ).map((p) => topOf(model.labels, p).label),
);
log(`Trained in ${round(trainingSeconds)} s; test accuracy ${testScores.accuracy}. Evaluating…`);

started = performance.now();
const evaluation = evaluateClassifier(train);
const evaluationSeconds = seconds(started);
started = performance.now();
const bytes = encodeModel(model);
const encodeSeconds = seconds(started);

const texts = Array.from({ length: PREDICT }, (_, i) => test[i % test.length]!.text);
log(`Predicting ${PREDICT} texts…`);
started = performance.now();
let checksum = 0;
for (let i = 0; i < texts.length; i += BATCH) for (const row of predictProba(model, texts.slice(i, i + BATCH))) checksum += row[0]!;
const predictSeconds = seconds(started);

// Baseline 1: only turning the texts into hashed, weighted features — no scoring.
started = performance.now();
let features = 0;
for (const text of texts) features += weighTerms(termCounts(text, model.params), model.idf).indices.length;
const featuresSeconds = seconds(started);

// Baseline 2: nearest centroid (cosine) on the same features.
started = performance.now();
const centroid = nearestCentroid(model, train);
const centroidTrainSeconds = seconds(started);
const centroidScores = scores(
  model.labels,
  test,
  test.map((e) => centroid(e.text)),
);

// What the training job runs (evaluation + training in a worker thread), with this thread's event
// loop delay meanwhile: the in-process training above held it for the whole training.
log("Training in a worker thread…");
const loop = monitorEventLoopDelay({ resolution: 10 });
loop.enable();
started = performance.now();
await trainInWorker(train);
const workerSeconds = seconds(started);
loop.disable();
const loopDelay = { p95Ms: round(loop.percentile(95) / 1e6), p99Ms: round(loop.percentile(99) / 1e6), maxMs: round(loop.max / 1e6) };

const peakRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
const predictPerSecond = Math.round(PREDICT / predictSeconds);
const results = {
  machine: machineInfo(),
  params: DEFAULT_CLASSIFIER_PARAMS,
  data: { train: train.length, test: test.length, classes: model.labels.length },
  training: { seconds: round(trainingSeconds), test: testScores },
  evaluation: {
    seconds: round(evaluationSeconds),
    method: evaluation.method,
    testCount: evaluation.testCount,
    accuracy: round(evaluation.report.accuracy.value!, 4),
    macroF1: round(evaluation.report.macroF1.value!, 4),
    expectedCalibrationError: round(evaluation.expectedCalibrationError, 4),
    learningCurve: evaluation.learningCurve.map((p) => ({ ...p, accuracy: round(p.accuracy, 4), macroF1: round(p.macroF1, 4) })),
  },
  model: { bytes: bytes.length, denseBytes: model.weights.byteLength, encodeSeconds: round(encodeSeconds, 2) },
  worker: { seconds: round(workerSeconds), eventLoopDelay: loopDelay },
  predict: { texts: PREDICT, seconds: round(predictSeconds, 2), perSecond: predictPerSecond, checksum: round(checksum, 3) },
  baselines: {
    featuresOnly: { seconds: round(featuresSeconds, 2), perSecond: Math.round(PREDICT / featuresSeconds), meanFeatures: round(features / PREDICT) },
    nearestCentroid: { trainSeconds: round(centroidTrainSeconds, 2), test: centroidScores },
    sklearnReference: { source: "docs/decisions/0017-text-classifier.md", wordTfidfC10: { accuracy: 0.8948, macroF1: 0.8951 }, wordCharTfidfC1: { accuracy: 0.9006, macroF1: 0.9008 } },
  },
  peakRssMb,
  queueDuringTraining: QUEUE_LEG,
  targets: {
    trainingSeconds: { target: 60, value: round(trainingSeconds), met: trainingSeconds < 60 },
    predictPerSecond: { target: 5000, value: predictPerSecond, met: predictPerSecond >= 5000 },
    peakRssMb: { target: 500, value: peakRssMb, met: peakRssMb < 500 },
    testAccuracy: { target: 0.87, value: testScores.accuracy, met: testScores.accuracy >= 0.87 },
  },
};

const verdict = (t: { met: boolean }) => (t.met ? "met" : "**missed**");
const markdown = [
  `## Classifier benchmark, ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC`,
  "",
  `BANKING77: ${train.length.toLocaleString("en")} training and ${test.length.toLocaleString("en")} test texts, ${model.labels.length} classes; default parameters (${model.params.hashBits}-bit hashing, word ${model.params.wordNgrams.join("–")}-grams, char ${model.params.charNgrams.join("–")}-grams, ${model.params.epochs} epochs); ${results.machine.cpus} CPUs (${results.machine.cpuModel}), Node ${results.machine.node}, commit ${results.machine.commit}. One process; everything but trainInWorker in this thread; peak RSS is the whole run's, the worker thread's included.`,
  "",
  markdownTable(
    ["what", "seconds", "items/s", "test accuracy", "test macro-F1"],
    [
      ["train on train.csv (trainClassifier)", round(trainingSeconds), Math.round(train.length / trainingSeconds), testScores.accuracy, testScores.macroF1],
      [`evaluate (${evaluation.method}, ${evaluation.testCount} held out, 4-point learning curve)`, round(evaluationSeconds), "", results.evaluation.accuracy, results.evaluation.macroF1],
      [`trainInWorker: evaluate + train in a worker thread (this thread's event loop delay p95 ${loopDelay.p95Ms} ms, max ${loopDelay.maxMs} ms)`, round(workerSeconds), "", "", ""],
      [`predict ${PREDICT.toLocaleString("en")} texts (test.csv cycled)`, round(predictSeconds, 2), predictPerSecond, "", ""],
      ["baseline: features only (tokenise, hash, weigh)", round(featuresSeconds, 2), results.baselines.featuresOnly.perSecond, "", ""],
      ["baseline: nearest centroid on the same features", round(centroidTrainSeconds, 2), "", centroidScores.accuracy, centroidScores.macroF1],
      ["reference: scikit-learn TF-IDF word 1–2 + LR (C=10)", "", "", 0.8948, 0.8951],
      ["reference: scikit-learn TF-IDF word 1–2 + char_wb 2–5 + LR", "", "", 0.9006, 0.9008],
    ],
  ),
  "",
  `Learning curve (holdout): ${results.evaluation.learningCurve.map((p) => `${p.share * 100}% (${p.labels} labels) ${p.accuracy}`).join(", ")}; expected calibration error ${results.evaluation.expectedCalibrationError}.`,
  `Model bytes (encodeModel): ${(bytes.length / 2 ** 20).toFixed(1)} MB (the dense weight table is ${(model.weights.byteLength / 2 ** 20).toFixed(1)} MB).`,
  "",
  `Targets: training ${round(trainingSeconds)} s < 60 s ${verdict(results.targets.trainingSeconds)}; predict ${predictPerSecond.toLocaleString("en")} items/s ≥ 5,000 ${verdict(results.targets.predictPerSecond)}; peak RSS ${peakRssMb} MB < 500 MB ${verdict(results.targets.peakRssMb)}; test accuracy ${testScores.accuracy} ≥ 0.87 ${verdict(results.targets.testAccuracy)}. Review queue p95 during training: measured next by bench/classifier-queue.ts (bench/results/classifier-queue-latest.md).`,
].join("\n");
for (const file of writeResults("classifier", results, markdown)) log(`Wrote ${file}`);
process.stdout.write(`${markdown}\n`);

/** A cosine nearest-centroid classifier over the model's own features: the sum of each class's rows. */
function nearestCentroid(model: ClassifierModel, examples: LabelledText[]): (text: string) => string {
  const classes = model.labels.length;
  const classOf = new Map(model.labels.map((l, i) => [l, i]));
  const sums = new Float32Array(model.weights.length);
  for (const e of examples) {
    const { indices, values } = weighTerms(termCounts(e.text, model.params), model.idf);
    const c = classOf.get(e.label)!;
    indices.forEach((bucket, k) => (sums[bucket * classes + c]! += values[k]!));
  }
  const norms = new Float64Array(classes);
  sums.forEach((v, i) => (norms[i % classes]! += v * v));
  return (text) => {
    const { indices, values } = weighTerms(termCounts(text, model.params), model.idf);
    const dot = new Float64Array(classes);
    indices.forEach((bucket, k) => {
      for (let c = 0; c < classes; c++) dot[c]! += sums[bucket * classes + c]! * values[k]!;
    });
    let best = 0;
    for (let c = 1; c < classes; c++) if (dot[c]! / Math.sqrt(norms[c]!) > dot[best]! / Math.sqrt(norms[best]!)) best = c;
    return model.labels[best]!;
  };
}
