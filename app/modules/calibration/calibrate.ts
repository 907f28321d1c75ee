/**
 * Judge calibration: how well a judge (a model asked by one prompt version) agrees with the
 * people's consensus on one question, set beside how well each reviewer agrees with the
 * consensus of the others. Pure and browser-safe; calibration.server.ts reads the rows. The
 * question's kind decides what is measured (KindModule.calibration): labels by Cohen's κ and a
 * confusion matrix, label sets option by option, ratings by mean absolute error and Spearman's ρ.
 * See docs/decisions/0014-judge-calibration.md.
 */
import { kindOf, type Question } from "~/modules/questions";
import type { CalibrationMeasure, Vote } from "~/modules/questions/types";
import { cohensKappaInterval, confusionMatrix, meanAbsoluteError, type ConfusionMatrix } from "~/modules/stats/classification";
import { spearman } from "~/modules/stats/correlation";
import { noEstimate } from "~/modules/stats/estimate";
import { positionBias } from "~/modules/stats/pairwise";
import { wilsonInterval } from "~/modules/stats/proportion";
import type { Figures, JudgeCalibration, JudgeLabel, PositionCheck, QuestionCalibration, ReviewerCalibration } from "./report";
import { verdictOf } from "./verdict";

/** One resolved item: its consensus, the reviewers' submitted answers, and judges' answers newest first. */
export type CalibrationItem = { itemId: number; consensus: unknown; votes: Vote[]; judged: { judge: string; value: unknown }[] };

export type CalibrationInput = {
  question: Question;
  items: CalibrationItem[];
  /** Judge id (as in `judged`) → how it is shown. */
  judges: Map<string, JudgeLabel>;
  /** Reviewer user id → how the actor may see them (name or pseudonym). */
  reviewers: Map<string, string>;
  /** All resolved items of the question, where `items` are only those a judge answered; `items.length` when left out. */
  resolvedItems?: number;
  options?: { minItems?: number; level?: number };
};

export const DEFAULT_MIN_ITEMS = 20;
export const CHOSEN = "chosen";
export const NOT_CHOSEN = "not chosen";

type Measured = Figures & { confusion: ConfusionMatrix | null; optionConfusion: { option: string; matrix: ConfusionMatrix }[] | null };

/**
 * Whether an answer agrees with a reference (a consensus, or a gold answer) as the figures count
 * it: a score within half a point, the same label, the same set of labels. Null when either is not
 * a value of the kind.
 */
export function agreesWith(m: Exclude<CalibrationMeasure, { measure: "none" }>, reference: unknown, answer: unknown): boolean | null {
  if (m.measure === "score") {
    const [r, a] = [m.score(reference), m.score(answer)];
    return r === null || a === null ? null : Math.abs(r - a) <= 0.5;
  }
  if (m.measure === "label") {
    const [r, a] = [m.label(reference), m.label(answer)];
    return r === null || a === null ? null : r === a;
  }
  const [r, a] = [m.set(reference), m.set(answer)];
  return r === null || a === null ? null : sameSet(r, a);
}

/** The figures of (reference, answer) pairs, reference first; pairs whose values are not of the kind are left out. */
export function figuresOf(m: Exclude<CalibrationMeasure, { measure: "none" }>, pairs: [unknown, unknown][], level = 0.95): Measured {
  const none = { kappa: null, mae: null, spearman: null, confusion: null, optionConfusion: null };
  if (m.measure === "score") {
    const scored = pairs.map(([r, a]) => [m.score(r), m.score(a)] as const).filter((p): p is readonly [number, number] => p[0] !== null && p[1] !== null);
    const close = pairs.filter(([r, a]) => agreesWith(m, r, a) === true).length;
    return { ...none, items: scored.length, agreement: wilsonInterval(close, scored.length, { level }), mae: meanAbsoluteError(scored, { level }), spearman: spearman(scored, { level }) };
  }
  if (m.measure === "label") {
    const labelled = pairs.map(([r, a]) => [m.label(r), m.label(a)] as const).filter((p): p is readonly [string, string] => p[0] !== null && p[1] !== null);
    const matrix = confusionMatrix(labelled, m.labels ?? undefined);
    const same = pairs.filter(([r, a]) => agreesWith(m, r, a) === true).length;
    return { ...none, items: labelled.length, agreement: wilsonInterval(same, labelled.length, { level }), kappa: cohensKappaInterval(matrix, { level }), confusion: matrix };
  }
  const sets = pairs.map(([r, a]) => [m.set(r), m.set(a)] as const).filter((p): p is readonly [string[], string[]] => p[0] !== null && p[1] !== null);
  const decide = (list: string[], option: string) => (list.includes(option) ? CHOSEN : NOT_CHOSEN);
  const optionConfusion = m.labels.map((option) => ({ option, matrix: confusionMatrix(sets.map(([r, a]) => [decide(r, option), decide(a, option)] as const), [CHOSEN, NOT_CHOSEN]) }));
  // why: κ over every (item, option) decision pooled, so one figure stands for the question.
  const pooled: ConfusionMatrix = {
    labels: [CHOSEN, NOT_CHOSEN],
    counts: [0, 1].map((i) => [0, 1].map((j) => optionConfusion.reduce((s, o) => s + o.matrix.counts[i]![j]!, 0))),
    n: sets.length * m.labels.length,
  };
  const same = pairs.filter(([r, a]) => agreesWith(m, r, a) === true).length;
  const kappa = cohensKappaInterval(pooled, { level });
  return {
    ...none,
    items: sets.length,
    agreement: wilsonInterval(same, sets.length, { level }),
    kappa: kappa.value === null ? kappa : { ...kappa, basis: `${pooled.n} decisions: ${sets.length} item(s) × ${m.labels.length} option(s)` },
    optionConfusion,
  };
}

const sameSet = (a: string[], b: string[]) => a.length === b.length && a.every((x) => b.includes(x));

/** Calibration of every judge on one question, beside every reviewer. */
export function calibrateQuestion(input: CalibrationInput): QuestionCalibration {
  const { question: q, items } = input;
  const minItems = input.options?.minItems ?? DEFAULT_MIN_ITEMS;
  const level = input.options?.level ?? 0.95;
  const kind = kindOf(q);
  const m = kind.calibration(q);
  const base = { key: q.key, kind: q.kind, text: q.text, resolvedItems: input.resolvedItems ?? items.length, judgedItems: items.length, minItems };
  if (m.measure === "none" || !kind.consensus) {
    return { ...base, figure: null, reason: m.measure === "none" ? m.reason : "This kind has no consensus.", judges: [], reviewers: [] };
  }
  const figure = m.measure === "score" ? "mae" : "kappa";

  const reviewerPairs = new Map<string, [unknown, unknown][]>();
  for (const item of items) {
    for (const vote of item.votes) {
      const others = item.votes.filter((v) => v.userId !== vote.userId);
      if (!others.length) continue;
      const loo = kind.consensus(q, others);
      if (loo.status !== "resolved") continue;
      reviewerPairs.set(vote.userId, [...(reviewerPairs.get(vote.userId) ?? []), [loo.value, vote.value]]);
    }
  }
  const reviewers: ReviewerCalibration[] = [...reviewerPairs]
    .map(([userId, pairs]) => {
      const { confusion: _c, optionConfusion: _o, ...f } = figuresOf(m, pairs, level);
      return { reviewer: input.reviewers.get(userId) ?? "unknown", ...f };
    })
    .sort((a, b) => (a.reviewer < b.reviewer ? -1 : a.reviewer > b.reviewer ? 1 : 0));

  const judges: JudgeCalibration[] = [...input.judges].map(([id, label]) => {
    const answers = items.map((item) => ({ item, answers: item.judged.filter((j) => j.judge === id).map((j) => j.value) })).filter((x) => x.answers.length);
    const measured = figuresOf(m, answers.map(({ item, answers: [newest] }) => [item.consensus, newest]), level);
    const position = m.measure === "label" && m.position ? positionCheck(m.position, answers.map((a) => a.answers), m.label, level) : null;
    return { ...label, ...measured, position, verdict: verdictOf(figure, measured, reviewers, minItems) };
  });
  return { ...base, figure, reason: null, judges, reviewers };
}

/**
 * Items a judge answered in both orders (A/B and B/A, newest answer per order): how often the
 * winner changed; and of all its sided answers (newest per order), the share that chose the left.
 */
function positionCheck(
  position: NonNullable<Extract<CalibrationMeasure, { measure: "label" }>["position"]>,
  perItem: unknown[][],
  label: (value: unknown) => string | null,
  level: number,
): PositionCheck {
  let swappedItems = 0;
  let flips = 0;
  const sides = { left: 0, right: 0, ties: 0 };
  for (const answers of perItem) {
    const byOrder = new Map<string, unknown>();
    for (const value of answers) {
      const p = position(value);
      if (p && !byOrder.has(p.order)) byOrder.set(p.order, value);
    }
    for (const value of byOrder.values()) {
      const side = position(value)!.side;
      if (side === "tie") sides.ties++;
      else sides[side]++;
    }
    const swapped = [...byOrder.keys()].find((order) => byOrder.has(order.split(",").reverse().join(",")));
    if (swapped) {
      swappedItems++;
      if (label(byOrder.get(swapped)) !== label(byOrder.get(swapped.split(",").reverse().join(",")))) flips++;
    }
  }
  return {
    swappedItems,
    flips: swappedItems ? wilsonInterval(flips, swappedItems, { level }) : noEstimate("No item was judged with its outputs in both orders (run the judge again with A and B swapped)."),
    left: positionBias(sides, { level }),
  };
}
