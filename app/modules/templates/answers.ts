import type { FieldIssue } from "~/utils/errors";
import type { Question, Template } from "./schemas";

/** The outputs an answer is checked against (span offsets, pairwise choices). */
export type AnswerContext = { outputs: { text: string }[] };

export type Span = { output: number; start: number; end: number; label: string; quote: string };
export type PairwiseAnswer = { winner: number | "tie"; strength?: "slightly" | "much"; shown: number[] };
export type Answers = Record<string, unknown>;

const isEmpty = (value: unknown) =>
  value === undefined || value === null || value === "" || (Array.isArray(value) && value.length === 0);

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
    if (isEmpty(value)) {
      if (question.required && !partial) issues.push({ field: `values.${question.key}`, message: "This question needs an answer." });
      continue;
    }
    const problem = checkValue(question, value, context);
    if (problem) issues.push({ field: `values.${question.key}`, message: problem });
  }
  return issues;
}

function checkValue(q: Question, value: unknown, context: AnswerContext): string | null {
  switch (q.kind) {
    case "rating":
      return Number.isInteger(value) && (value as number) >= q.min && (value as number) <= q.max
        ? null
        : `Expected a whole number from ${q.min} to ${q.max}.`;
    case "thumbs":
      return value === "up" || value === "down" ? null : 'Expected "up" or "down".';
    case "choice": {
      const allowed = new Set(q.options.map((o) => o.value));
      if (q.multiple) {
        if (!Array.isArray(value) || value.some((v) => typeof v !== "string" || !allowed.has(v))) {
          return `Expected a list of: ${[...allowed].join(", ")}.`;
        }
        return new Set(value).size === value.length ? null : "Each option may be chosen once.";
      }
      return typeof value === "string" && allowed.has(value) ? null : `Expected one of: ${[...allowed].join(", ")}.`;
    }
    case "pairwise":
      return checkPairwise(q, value, context);
    case "correction": {
      const text = (value as { text?: unknown }).text;
      return typeof value === "object" && typeof text === "string" && text.length <= 200_000
        ? null
        : "Expected {text} with the corrected output.";
    }
    case "spans":
      return checkSpans(q.labels, value, context);
    case "text":
      return typeof value === "string" && value.length <= q.maxLength ? null : `Expected text of at most ${q.maxLength} characters.`;
    case "flags":
      return Array.isArray(value) && value.every((v) => typeof v === "string" && q.options.includes(v))
        ? null
        : `Expected a list of: ${q.options.join(", ")}.`;
  }
}

function checkPairwise(q: Extract<Question, { kind: "pairwise" }>, value: unknown, context: AnswerContext): string | null {
  const answer = value as Partial<PairwiseAnswer>;
  const n = context.outputs.length;
  if (n < 2) return "This item has fewer than two outputs to compare.";
  if (typeof value !== "object" || value === null) return "Expected {winner, shown}.";
  const winnerOk = answer.winner === "tie" ? q.allowTie : Number.isInteger(answer.winner) && answer.winner! >= 0 && answer.winner! < n;
  if (!winnerOk) return q.allowTie ? `Expected winner to be an output index below ${n} or "tie".` : `Expected winner to be an output index below ${n}.`;
  if (answer.strength !== undefined && (!q.strength || !["slightly", "much"].includes(answer.strength))) {
    return q.strength ? 'Expected strength "slightly" or "much".' : "This question does not ask for a strength.";
  }
  const shown = answer.shown;
  if (!Array.isArray(shown) || shown.length !== 2 || shown.some((i) => !Number.isInteger(i) || i < 0 || i >= n) || shown[0] === shown[1]) {
    return "Expected shown to list the two output indexes in the order they were displayed.";
  }
  if (answer.winner !== "tie" && !shown.includes(answer.winner as number)) return "The winner must be one of the outputs shown.";
  return null;
}

function checkSpans(labels: string[], value: unknown, context: AnswerContext): string | null {
  if (!Array.isArray(value)) return "Expected a list of spans.";
  for (const [i, span] of (value as Partial<Span>[]).entries()) {
    const output = context.outputs[span.output ?? -1];
    if (!output) return `Span ${i + 1}: no output ${String(span.output)}.`;
    const { start, end } = span;
    if (!Number.isInteger(start) || !Number.isInteger(end) || start! < 0 || end! <= start! || end! > output.text.length) {
      return `Span ${i + 1}: expected 0 ≤ start < end ≤ ${output.text.length}.`;
    }
    if (!labels.includes(span.label ?? "")) return `Span ${i + 1}: label must be one of ${labels.join(", ")}.`;
    if (output.text.slice(start, end) !== span.quote) return `Span ${i + 1}: the quote does not match the output at ${start}–${end}.`;
  }
  return null;
}

/** Which output goes left for this reviewer and item: fixed per pair, random across pairs. */
export function pairwiseOrder(userId: string, itemId: number, outputCount: number): number[] {
  let h = 2166136261;
  for (const ch of `${userId}:${itemId}`) h = Math.imul(h ^ ch.charCodeAt(0), 16777619);
  const order = [...Array(outputCount).keys()].slice(0, 2);
  return (h >>> 0) % 2 === 0 ? order : order.reverse();
}
