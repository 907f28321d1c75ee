/**
 * The in-app text classifier's one entrance (ADR 0017): training and prediction (softmax.ts), the
 * model's bytes (model-bytes.ts) and its held-out evaluation (evaluate.ts). The parts import
 * softmax.ts, never this file, so the classifier has no import circle.
 */
export * from "./softmax";
export { decodeModel, encodeModel, ModelBytesError } from "./model-bytes";
export { evaluateClassifier, evaluateWithPredictions, reliabilityBins, type ClassifierEvaluation, type ReliabilityBin } from "./evaluate";
