import { kindOf, type Question } from "~/modules/questions";

/** How a classifier reads and writes one question's answers: its classes, and the class an answer is. */
export type ClassifiedQuestion = { key: string; title: string; labels: string[]; label(value: unknown): string | null };

/**
 * The question as a classifier sees it, or null when it is not one label out of a fixed list
 * (a single-choice question, thumbs): a multi-choice question would need one model per option,
 * a rating or a comparison is not a class.
 */
export function classifiedQuestion(question: Question): ClassifiedQuestion | null {
  const measure = kindOf(question).calibration(question);
  if (measure.measure !== "label" || !measure.labels || measure.position) return null;
  return { key: question.key, title: question.text, labels: measure.labels, label: measure.label };
}

/** Why a question cannot be learnt, for the field error. */
export const NOT_CLASSIFIABLE = "The classifier learns a question with one answer out of a fixed list (a single choice, or thumbs).";
