/**
 * A reviewer's answer set against an item's gold answer, question by question. Whether two answers
 * agree is the calibration's own comparison (`agreesWith`: a score within half a point, the same
 * label, the same set of labels); kinds without a right answer (free text, spans, corrections) are
 * not scored, and say why. Pure and browser-safe.
 */
import { agreesWith } from "~/modules/calibration/calibrate";
import { kindOf, type Question } from "~/modules/questions";
import { isEmptyAnswer } from "~/modules/questions/types";

export type GoldQuestionCheck = {
  key: string;
  text: string;
  /** The gold answer and the reviewer's, in words. */
  expected: string;
  given: string;
} & ({ scored: true; correct: boolean } | { scored: false; reason: string });

export type GoldCheck = {
  questions: GoldQuestionCheck[];
  /** Every scored question right; null when no question of the item could be scored. */
  correct: boolean | null;
};

/** Why a question is not scored against gold, or null when it is. */
export function notScoredReason(q: Question, gold: Record<string, unknown>): string | null {
  if (kindOf(q).calibration(q).measure === "none") return `A ${kindOf(q).label.toLowerCase()} answer has no single right answer, so it is not scored.`;
  if (isEmptyAnswer(gold[q.key])) return "This item has no gold answer to this question.";
  return null;
}

/** Whether one answer matches the gold answer to one question; null when the question is not scored. */
export function matchesGold(q: Question, gold: Record<string, unknown>, answer: unknown): boolean | null {
  const m = kindOf(q).calibration(q);
  if (m.measure === "none" || isEmptyAnswer(gold[q.key])) return null;
  // why: an unanswered (or malformed) question is not the right answer.
  return agreesWith(m, gold[q.key], answer) === true;
}

export function checkAgainstGold(questions: Question[], gold: Record<string, unknown>, answers: Record<string, unknown>): GoldCheck {
  const checks = questions.map((q): GoldQuestionCheck => {
    const kind = kindOf(q);
    const words = (value: unknown) => (isEmptyAnswer(value) ? "(no answer)" : kind.describeAnswer(q, value));
    const base = { key: q.key, text: q.text, expected: words(gold[q.key]), given: words(answers[q.key]) };
    const reason = notScoredReason(q, gold);
    return reason ? { ...base, scored: false, reason } : { ...base, scored: true, correct: matchesGold(q, gold, answers[q.key]) === true };
  });
  const scored = checks.filter((c): c is GoldQuestionCheck & { scored: true; correct: boolean } => c.scored);
  return { questions: checks, correct: scored.length ? scored.every((c) => c.correct) : null };
}
