/**
 * Agreement between a reference labelling (people) and another (a judge, a classifier): the
 * confusion matrix, accuracy, per-class precision / recall / F1, macro-F1, Cohen's κ with its
 * large-sample interval, and mean absolute error for numeric answers. Checked against sklearn and
 * statsmodels in classification.test.ts.
 */
import { checkLevel, defined, estimate, noEstimate, undefinedBecause, type Estimate, type Metric } from "./estimate";
import { normalQuantile } from "./distributions";
import { meanInterval, summarize } from "./mean";

/** counts[r][c] = items the reference labelled `labels[r]` and the other labelled `labels[c]`. */
export type ConfusionMatrix = { labels: string[]; counts: number[][]; n: number };

/**
 * Builds the matrix from (reference, predicted) pairs. `labels` fixes the order and the set:
 * a pair with a label outside it is an error naming the pair; without it, the labels seen, sorted.
 */
export function confusionMatrix(pairs: Iterable<readonly [string, string]>, labels?: readonly string[]): ConfusionMatrix {
  const list = [...pairs];
  const order = labels ? [...labels] : [...new Set(list.flatMap(([a, b]) => [a, b]))].sort();
  const index = new Map(order.map((l, i) => [l, i]));
  if (index.size !== order.length) throw new RangeError("labels must not repeat a label.");
  const counts = order.map(() => new Array<number>(order.length).fill(0));
  list.forEach(([reference, predicted], i) => {
    const r = index.get(reference);
    const c = index.get(predicted);
    if (r === undefined || c === undefined) {
      throw new RangeError(`Pair ${i + 1}: label "${r === undefined ? reference : predicted}" is not one of ${order.map((l) => `"${l}"`).join(", ")}.`);
    }
    counts[r]![c]!++;
  });
  return { labels: order, counts, n: list.length };
}

export type ClassScores = { label: string; support: number; precision: Metric; recall: Metric; f1: Metric };
export type ClassificationReport = { accuracy: Metric; macroF1: Metric; classes: ClassScores[] };

/**
 * Accuracy, per-class precision, recall and F1 = 2TP / (2TP + FP + FN), and macro-F1 (the
 * unweighted mean of F1 over the classes that occur in either labelling). Precision is undefined
 * for a class never predicted, recall for a class absent from the reference; F1 only for a class
 * in neither (sklearn reports 0 with a warning in those cases; here they say why).
 */
export function classificationReport(m: ConfusionMatrix): ClassificationReport {
  if (m.n === 0) {
    const none = undefinedBecause("No item has both labels yet.");
    return { accuracy: none, macroF1: none, classes: m.labels.map((label) => ({ label, support: 0, precision: none, recall: none, f1: none })) };
  }
  let correct = 0;
  const classes = m.labels.map((label, i) => {
    const tp = m.counts[i]![i]!;
    correct += tp;
    const support = m.counts[i]!.reduce((s, v) => s + v, 0);
    const predicted = m.counts.reduce((s, row) => s + row[i]!, 0);
    const precision = predicted ? defined(tp / predicted, `${tp} of ${predicted} predicted`) : undefinedBecause(`No item was predicted as "${label}".`);
    const recall = support ? defined(tp / support, `${tp} of ${support}`) : undefinedBecause(`No item is "${label}" in the reference.`);
    const f1 = support + predicted ? defined((2 * tp) / (support + predicted)) : undefinedBecause(`"${label}" occurs in neither labelling.`);
    return { label, support, precision, recall, f1 };
  });
  const present = classes.filter((c) => c.f1.value !== null);
  const macroF1 = defined(present.reduce((s, c) => s + c.f1.value!, 0) / present.length, `mean over ${present.length} class(es)`);
  return { accuracy: defined(correct / m.n, `${correct} of ${m.n}`), macroF1, classes };
}

/**
 * Cohen's κ with a Wald interval from the large-sample standard error of Fleiss, Cohen & Everitt
 * (1969), "Large sample standard errors of kappa and weighted kappa", Psychol. Bull. 72, 323–327
 * (the non-null variance; statsmodels' `cohens_kappa` std_kappa). Bounds are clipped to [−1, 1].
 */
export function cohensKappaInterval(m: ConfusionMatrix, options: { level?: number } = {}): Estimate {
  const level = options.level ?? 0.95;
  checkLevel(level);
  if (m.n === 0) return noEstimate("The two labellings have no item in common.");
  const k = m.labels.length;
  const p = m.counts.map((row) => row.map((v) => v / m.n));
  const rows = p.map((row) => row.reduce((s, v) => s + v, 0));
  const cols = m.labels.map((_, j) => p.reduce((s, row) => s + row[j]!, 0));
  let po = 0;
  let pe = 0;
  for (let i = 0; i < k; i++) {
    po += p[i]![i]!;
    pe += rows[i]! * cols[i]!;
  }
  if (pe >= 1 - 1e-15) return noEstimate("Both labellings use one and the same label throughout, so chance agreement is total and κ is undefined.");
  const kappa = (po - pe) / (1 - pe);
  let a = 0;
  let b = 0;
  for (let i = 0; i < k; i++) {
    a += p[i]![i]! * (1 - (rows[i]! + cols[i]!) * (1 - kappa)) ** 2;
    for (let j = 0; j < k; j++) if (i !== j) b += p[i]![j]! * (cols[i]! + rows[j]!) ** 2;
  }
  const variance = (a + (1 - kappa) ** 2 * b - (kappa - pe * (1 - kappa)) ** 2) / ((1 - pe) ** 2 * m.n);
  const basis = `${m.n} item(s) with both labels`;
  if (!(variance > 1e-15)) return estimate(kappa, null, "The large-sample standard error is zero (agreement is perfect), so the interval would say nothing.", basis);
  const half = normalQuantile(1 - (1 - level) / 2) * Math.sqrt(variance);
  const method = "Fleiss–Cohen–Everitt large-sample standard error";
  return estimate(kappa, { low: Math.max(-1, kappa - half), high: Math.min(1, kappa + half), level, method }, null, basis);
}

/** Mean absolute error between paired numeric answers, with a t interval on the absolute errors. */
export function meanAbsoluteError(pairs: Iterable<readonly [number, number]>, options: { level?: number } = {}): Estimate {
  const errors: number[] = [];
  let line = 0;
  for (const [a, b] of pairs) {
    line++;
    if (!Number.isFinite(a) || !Number.isFinite(b)) throw new RangeError(`Pair ${line}: both values must be finite numbers; got ${a} and ${b}.`);
    errors.push(Math.abs(a - b));
  }
  if (errors.length === 0) return noEstimate("No item has both answers yet.");
  return meanInterval(summarize(errors), options);
}
