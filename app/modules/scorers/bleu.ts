/**
 * BLEU (Papineni et al. 2002) as sacreBLEU 2.x computes it by default (Post 2018): the 13a
 * tokenizer (mteval-v13a.pl), n-grams up to 4, clipped counts against the best of the
 * references, the closest reference length (the shorter on a tie) for the brevity penalty, and
 * "exp" smoothing (Chen & Cherry 2014, method 3). Sentence BLEU uses effective order, as
 * sacreBLEU's `sentence_bleu` and its documentation recommend; corpus BLEU does not. Scores are
 * 0–100 like sacreBLEU's. Checked against sacreBLEU's published test values in bleu.test.ts.
 */
import type { Metric } from "~/modules/stats/estimate";
import { DEFAULT_MAX_CODE_POINTS, overCap, pyRstrip, pySplit } from "./text";

const MAX_ORDER = 4;

// sacrebleu/tokenizers/tokenizer_re.py, applied in order to " " + line + " ".
const RULES: [RegExp, string][] = [
  // why: the character class is sacreBLEU's [\{-\~\[-\` -\&\(-\+\:-\@\/]: ASCII punctuation and symbols except . , - and '.
  [/([{-~[-` -&(-+:-@/])/g, " $1 "],
  [/([^0-9])([.,])/g, "$1 $2 "],
  [/([.,])([^0-9])/g, " $1 $2"],
  [/([0-9])(-)/g, "$1 $2 "],
];

/** sacreBLEU's 13a tokenizer (tokenizer_13a.py + tokenizer_re.py); returns the tokens. */
export function tokenize13a(line: string): string[] {
  let s = line.replaceAll("<skipped>", "").replaceAll("-\n", "").replaceAll("\n", " ");
  s = s.replaceAll("&quot;", '"').replaceAll("&amp;", "&").replaceAll("&lt;", "<").replaceAll("&gt;", ">");
  s = ` ${s} `;
  for (const [pattern, replacement] of RULES) s = s.replace(pattern, replacement);
  return pySplit(s);
}

/** sacreBLEU's `none` tokenizer: Python whitespace split only. */
export function tokenizeNone(line: string): string[] {
  return pySplit(line);
}

export type BleuTokenizer = "13a" | "none";
export type BleuOptions = { tokenize?: BleuTokenizer; lowercase?: boolean; maxCodePoints?: number };

/** The sufficient statistics of one segment: lengths, matches and totals per n-gram order. */
export type BleuStats = { hypLen: number; refLen: number; correct: number[]; total: number[] };

export type BleuScore = Metric & { precisions: number[]; brevityPenalty: number | null; hypLen: number; refLen: number };

/** n-gram counts keyed "n:id,id,…", tokens replaced by ids so that no token text can collide. */
function ngrams(tokens: string[], ids: Map<string, number>): Map<string, number> {
  const seq = tokens.map((t) => {
    if (!ids.has(t)) ids.set(t, ids.size);
    return ids.get(t)!;
  });
  const counts = new Map<string, number>();
  for (let n = 1; n <= MAX_ORDER; n++) {
    for (let i = 0; i + n <= seq.length; i++) {
      const key = `${n}:${seq.slice(i, i + n).join(",")}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  }
  return counts;
}

function preprocess(text: string, options: BleuOptions): string[] {
  const s = options.lowercase ? text.toLowerCase() : text;
  return (options.tokenize ?? "13a") === "13a" ? tokenize13a(pyRstrip(s)) : tokenizeNone(pyRstrip(s));
}

/** One segment's statistics against one or more references (BLEU._compute_segment_statistics). */
export function segmentStats(hypothesis: string, references: readonly string[], options: BleuOptions = {}): BleuStats {
  const hyp = preprocess(hypothesis, options);
  const ids = new Map<string, number>();
  const refNgrams = new Map<string, number>();
  const refLens: number[] = [];
  for (const reference of references) {
    const tokens = preprocess(reference, options);
    refLens.push(tokens.length);
    for (const [g, c] of ngrams(tokens, ids)) refNgrams.set(g, Math.max(refNgrams.get(g) ?? 0, c));
  }
  let refLen = -1;
  let closest = -1;
  for (const len of refLens) {
    const diff = Math.abs(hyp.length - len);
    if (closest === -1 || diff < closest || (diff === closest && len < refLen)) {
      closest = diff;
      refLen = len;
    }
  }
  const correct = new Array<number>(MAX_ORDER).fill(0);
  const total = new Array<number>(MAX_ORDER).fill(0);
  for (const [g, count] of ngrams(hyp, ids)) {
    const n = Number(g.slice(0, g.indexOf(":"))) - 1;
    total[n]! += count;
    correct[n]! += Math.min(count, refNgrams.get(g) ?? 0);
  }
  return { hypLen: hyp.length, refLen, correct, total };
}

/** BLEU from summed statistics with exp smoothing (sacreBLEU's BLEU.compute_bleu). */
export function bleuFromStats(stats: BleuStats, effectiveOrder: boolean): BleuScore {
  const { hypLen, refLen, correct, total } = stats;
  const brevityPenalty = hypLen < refLen ? (hypLen > 0 ? Math.exp(1 - refLen / hypLen) : 0) : 1;
  const precisions = new Array<number>(MAX_ORDER).fill(0);
  const base = { reason: null, brevityPenalty, hypLen, refLen };
  // why: sacreBLEU returns 0 outright when nothing matches (its issue #141), before smoothing.
  if (!correct.some((c) => c > 0)) return { value: 0, precisions, ...base };
  let smooth = 1;
  let order = MAX_ORDER;
  for (let n = 1; n <= MAX_ORDER; n++) {
    if (total[n - 1] === 0) break;
    if (effectiveOrder) order = n;
    if (correct[n - 1] === 0) {
      smooth *= 2;
      precisions[n - 1] = 100 / (smooth * total[n - 1]!);
    } else precisions[n - 1] = (100 * correct[n - 1]!) / total[n - 1]!;
  }
  // sacreBLEU's my_log: log(0) is taken as −9999999999.
  const logSum = precisions.slice(0, order).reduce((s, p) => s + (p === 0 ? -9999999999 : Math.log(p)), 0);
  return { value: brevityPenalty * Math.exp(logSum / order), precisions, ...base };
}

function refuse(reason: string): BleuScore {
  return { value: null, reason, precisions: [], brevityPenalty: null, hypLen: 0, refLen: 0 };
}

/**
 * Sentence BLEU of one output against its reference(s), as sacreBLEU's
 * `BLEU(effective_order=True).sentence_score(hypothesis, references)`.
 */
export function sentenceBleu(hypothesis: string, references: readonly string[], options: BleuOptions = {}): BleuScore {
  if (references.length === 0 || references.every((r) => r === "")) return refuse("There is no reference to score against.");
  const max = options.maxCodePoints ?? DEFAULT_MAX_CODE_POINTS;
  const capped = overCap([{ name: "output", text: hypothesis }, ...references.map((text) => ({ name: "reference", text }))], max);
  if (capped) return refuse(capped.reason!);
  return bleuFromStats(
    segmentStats(
      hypothesis,
      references.filter((r) => r !== ""),
      options,
    ),
    true,
  );
}

/**
 * Corpus BLEU as sacreBLEU's `corpus_bleu(hypotheses, [refs1, refs2, …])`: `references[k][i]` is
 * the k-th reference of segment i; an empty or missing reference string is skipped for that
 * segment, and a segment with none is an error naming it (sacreBLEU raises too).
 */
export function corpusBleu(hypotheses: readonly string[], references: readonly (readonly string[])[], options: BleuOptions = {}): BleuScore {
  if (hypotheses.length === 0) return refuse("No outputs to score.");
  const sum: BleuStats = { hypLen: 0, refLen: 0, correct: new Array<number>(MAX_ORDER).fill(0), total: new Array<number>(MAX_ORDER).fill(0) };
  const max = options.maxCodePoints ?? DEFAULT_MAX_CODE_POINTS;
  hypotheses.forEach((hypothesis, i) => {
    const refs = references.map((stream) => stream[i] ?? "").filter((r) => r !== "");
    if (refs.length === 0) throw new RangeError(`Segment ${i + 1} has no reference.`);
    const capped = overCap([{ name: `output of segment ${i + 1}`, text: hypothesis }, ...refs.map((text) => ({ name: `reference of segment ${i + 1}`, text }))], max);
    if (capped) throw new RangeError(capped.reason!);
    const s = segmentStats(hypothesis, refs, options);
    sum.hypLen += s.hypLen;
    sum.refLen += s.refLen;
    for (let n = 0; n < MAX_ORDER; n++) {
      sum.correct[n]! += s.correct[n]!;
      sum.total[n]! += s.total[n]!;
    }
  });
  return bleuFromStats(sum, false);
}
