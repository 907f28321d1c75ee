/**
 * chrF (Popović 2015) as sacreBLEU 2.x computes it by default: character n-grams of orders 1–6
 * with whitespace removed, no word n-grams, β = 2, and the average precision and recall over the
 * orders both sides have ("effective order"; `epsSmoothing` switches to chrF++.py's ε smoothing).
 * With several references the one with the best score counts, as in sacreBLEU. Scores are 0–100.
 * Checked against sacreBLEU's published test values in chrf.test.ts.
 */
import type { Metric } from "~/modules/stats/estimate";
import { DEFAULT_MAX_CODE_POINTS, codePoints, overCap, removePyWhitespace } from "./text";

export type ChrfOptions = { charOrder?: number; beta?: number; whitespace?: boolean; epsSmoothing?: boolean; lowercase?: boolean; maxCodePoints?: number };

function charNgrams(text: string, maxOrder: number, whitespace: boolean): Map<string, number>[] {
  const chars = codePoints(whitespace ? text : removePyWhitespace(text));
  const out: Map<string, number>[] = [];
  for (let n = 1; n <= maxOrder; n++) {
    const counts = new Map<string, number>();
    for (let i = 0; i + n <= chars.length; i++) {
      const g = chars.slice(i, i + n).join("");
      counts.set(g, (counts.get(g) ?? 0) + 1);
    }
    out.push(counts);
  }
  return out;
}

/** [hyp, ref, match] counts per order (CHRF._get_match_statistics). */
function matchStats(hyp: Map<string, number>[], ref: Map<string, number>[]): number[] {
  const stats: number[] = [];
  hyp.forEach((h, i) => {
    const r = ref[i]!;
    let match = 0;
    let hypCount = 0;
    for (const [g, c] of h) {
      hypCount += c;
      match += Math.min(c, r.get(g) ?? 0);
    }
    let refCount = 0;
    for (const c of r.values()) refCount += c;
    // why: sacreBLEU does not count hypothesis n-grams of an order the reference lacks.
    stats.push(r.size ? hypCount : 0, refCount, match);
  });
  return stats;
}

/** The F-score from summed statistics (CHRF._compute_f_score), 0–100. */
export function chrfFromStats(stats: readonly number[], options: ChrfOptions = {}): number {
  const beta = options.beta ?? 2;
  const factor = beta * beta;
  const eps = 1e-16;
  const order = stats.length / 3;
  let score = 0;
  let effective = 0;
  let avgPrecision = 0;
  let avgRecall = 0;
  for (let i = 0; i < order; i++) {
    const [nHyp, nRef, nMatch] = [stats[3 * i]!, stats[3 * i + 1]!, stats[3 * i + 2]!];
    const precision = nHyp > 0 ? nMatch / nHyp : eps;
    const recall = nRef > 0 ? nMatch / nRef : eps;
    const denominator = factor * precision + recall;
    score += denominator > 0 ? ((1 + factor) * precision * recall) / denominator : eps;
    if (nHyp > 0 && nRef > 0) {
      avgPrecision += precision;
      avgRecall += recall;
      effective++;
    }
  }
  if (options.epsSmoothing) return (100 * score) / order;
  if (effective === 0) return 0;
  avgPrecision /= effective;
  avgRecall /= effective;
  if (avgPrecision + avgRecall === 0) return 0;
  return (100 * (1 + factor) * avgPrecision * avgRecall) / (factor * avgPrecision + avgRecall);
}

function segment(hypothesis: string, references: readonly string[], options: ChrfOptions): number[] {
  const order = options.charOrder ?? 6;
  const whitespace = options.whitespace ?? false;
  const prep = (s: string) => (options.lowercase ? s.toLowerCase() : s);
  const hyp = charNgrams(prep(hypothesis), order, whitespace);
  let best: number[] = [];
  let bestScore = -1;
  for (const reference of references) {
    const stats = matchStats(hyp, charNgrams(prep(reference), order, whitespace));
    const f = chrfFromStats(stats, options);
    if (f > bestScore) {
      bestScore = f;
      best = stats;
    }
  }
  return best;
}

/** chrF of one output against its reference(s), as sacreBLEU's `CHRF().sentence_score`. */
export function sentenceChrf(hypothesis: string, references: readonly string[], options: ChrfOptions = {}): Metric {
  const refs = references.filter((r) => r !== "");
  if (refs.length === 0) return { value: null, reason: "There is no reference to score against." };
  const capped = overCap([{ name: "output", text: hypothesis }, ...refs.map((text) => ({ name: "reference", text }))], options.maxCodePoints ?? DEFAULT_MAX_CODE_POINTS);
  if (capped) return capped;
  return { value: chrfFromStats(segment(hypothesis, refs, options), options), reason: null };
}

/** Corpus chrF from summed segment statistics, as sacreBLEU's `corpus_chrf(hyps, [refs…])`. */
export function corpusChrf(hypotheses: readonly string[], references: readonly (readonly string[])[], options: ChrfOptions = {}): Metric {
  if (hypotheses.length === 0) return { value: null, reason: "No outputs to score." };
  const sum = new Array<number>(3 * (options.charOrder ?? 6)).fill(0);
  hypotheses.forEach((hypothesis, i) => {
    const refs = references.map((stream) => stream[i] ?? "").filter((r) => r !== "");
    if (refs.length === 0) throw new RangeError(`Segment ${i + 1} has no reference.`);
    const capped = overCap([{ name: `output of segment ${i + 1}`, text: hypothesis }, ...refs.map((text) => ({ name: `reference of segment ${i + 1}`, text }))], options.maxCodePoints ?? DEFAULT_MAX_CODE_POINTS);
    if (capped) throw new RangeError(capped.reason!);
    segment(hypothesis, refs, options).forEach((v, k) => (sum[k]! += v));
  });
  return { value: chrfFromStats(sum, options), reason: null };
}
