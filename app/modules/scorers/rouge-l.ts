/**
 * ROUGE-L F-measure (Lin 2004, § 3.1: longest common subsequence of tokens, F = 2PR / (P + R))
 * with the tokenisation of Google's rouge-score package by default (`RougeScorer(["rougeL"])`,
 * no stemming): lower-case, every run of characters other than a–z and 0–9 becomes a space,
 * split, keep tokens matching ^[a-z0-9]+$. Non-Latin text therefore has no tokens, exactly as in
 * rouge-score. The LCS keeps one row of the table (memory linear in the shorter text); time is
 * bounded by `maxTokens` per side (10,000, about 10⁸ steps). Checked against rouge-score's
 * published test values in rouge-l.test.ts.
 */
import type { Metric } from "~/modules/stats/estimate";
import { DEFAULT_MAX_CODE_POINTS, overCap } from "./text";

/** rouge-score's tokenize.tokenize(text, stemmer=None). */
export function rougeTokens(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, " ")
    .split(/\s+/)
    .filter((t) => /^[a-z0-9]+$/.test(t));
}

export type RougeScore = Metric & { precision: number | null; recall: number | null };

export function lcsLength(a: readonly string[], b: readonly string[]): number {
  // why: comparing small integers in the inner loop is several times faster than comparing strings.
  const ids = new Map<string, number>();
  const toIds = (tokens: readonly string[]) => Int32Array.from(tokens, (t) => ids.get(t) ?? (ids.set(t, ids.size), ids.size - 1));
  const [long, short] = a.length >= b.length ? [toIds(a), toIds(b)] : [toIds(b), toIds(a)];
  const row = new Int32Array(short.length + 1);
  for (let i = 1; i <= long.length; i++) {
    let diagonal = 0;
    let left = 0;
    const token = long[i - 1];
    for (let j = 1; j <= short.length; j++) {
      const above = row[j]!;
      const v = token === short[j - 1] ? diagonal + 1 : above > left ? above : left;
      row[j] = v;
      left = v;
      diagonal = above;
    }
  }
  return row[short.length]!;
}

/**
 * ROUGE-L of `output` against `reference` (rouge-score's `score(target=reference,
 * prediction=output)`): precision = LCS / output tokens, recall = LCS / reference tokens, value =
 * their F1, 0–1. An empty side scores 0, as in rouge-score.
 */
export function rougeL(output: string, reference: string, options: { maxTokens?: number; maxCodePoints?: number } = {}): RougeScore {
  const capped = overCap(
    [
      { name: "output", text: output },
      { name: "reference", text: reference },
    ],
    options.maxCodePoints ?? DEFAULT_MAX_CODE_POINTS,
  );
  if (capped) return { ...capped, precision: null, recall: null };
  const prediction = rougeTokens(output);
  const target = rougeTokens(reference);
  const maxTokens = options.maxTokens ?? 10_000;
  if (prediction.length > maxTokens || target.length > maxTokens) {
    return { value: null, reason: `The ${prediction.length > maxTokens ? "output" : "reference"} has more than ${maxTokens} tokens, the limit for ROUGE-L.`, precision: null, recall: null };
  }
  if (prediction.length === 0 || target.length === 0) return { value: 0, reason: null, precision: 0, recall: 0 };
  const lcs = lcsLength(target, prediction);
  const precision = lcs / prediction.length;
  const recall = lcs / target.length;
  return { value: precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0, reason: null, precision, recall };
}
