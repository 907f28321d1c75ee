import { kindOf } from "~/modules/questions";
import { isEmptyAnswer, type AnswerContext } from "~/modules/questions/types";
import type { FieldIssue } from "~/utils/errors";
import type { Template } from "./schemas";

export type { AnswerContext, PairwiseAnswer, Span } from "~/modules/questions/types";
export type Answers = Record<string, unknown>;

/**
 * Checks answers against a template: every value has the shape its question's kind asks for,
 * required questions are answered, unknown keys are refused. Returns one issue per bad field
 * (`values.<key>`), so the screen can show each message next to its question.
 * A draft (`partial`) may leave required questions unanswered.
 */
export function checkAnswers(template: Template, values: Answers, context: AnswerContext, partial = false): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const keys = new Set(template.questions.map((q) => q.key));
  for (const key of Object.keys(values)) {
    if (!keys.has(key)) issues.push({ field: `values.${key}`, message: "There is no question with this key." });
  }
  for (const question of template.questions) {
    const value = values[question.key];
    if (isEmptyAnswer(value)) {
      if (question.required && !partial) issues.push({ field: `values.${question.key}`, message: "This question needs an answer." });
      continue;
    }
    const problem = kindOf(question).check(question, value, context);
    if (problem) issues.push({ field: `values.${question.key}`, message: problem });
  }
  return issues;
}

/** Which output goes left for this reviewer and item: fixed per pair, random across pairs. */
export function pairwiseOrder(userId: string, itemId: number, outputCount: number): number[] {
  let h = 2166136261;
  for (const ch of `${userId}:${itemId}`) h = Math.imul(h ^ ch.charCodeAt(0), 16777619);
  const order = [...Array(outputCount).keys()].slice(0, 2);
  return (h >>> 0) % 2 === 0 ? order : order.reverse();
}
