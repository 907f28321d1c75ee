import { labelFor, letterOf } from "~/modules/questions/labels";
import type { Question } from "~/modules/questions";

const clip = (text: string, length: number) => (text.length > length ? `${text.slice(0, length - 1)}…` : text);

/**
 * One answer as a reviewer reads it back in My work: in the words of the question's kind, and for
 * a pairwise answer the response as *they* saw it (A is the one shown on the left), never the
 * stored output index.
 */
export function describeMyAnswer(q: Question, value: unknown): string {
  switch (q.kind) {
    case "rating":
      return typeof value === "number" ? `${value} of ${q.max}` : "—";
    case "thumbs":
      return value === "up" ? "👍 yes" : value === "down" ? "👎 no" : "—";
    case "choice": {
      const labelOf = (v: unknown) => q.options.find((o) => o.value === v)?.label ?? String(v);
      return Array.isArray(value) ? (value.length ? value.map(labelOf).join(", ") : "none") : labelOf(value);
    }
    case "flags":
      return Array.isArray(value) ? (value.length ? value.map((v) => labelFor(String(v))).join(", ") : "none") : "—";
    case "pairwise": {
      const answer = value as { winner?: unknown; shown?: unknown; strength?: unknown } | null;
      if (answer?.winner === "tie") return "a tie";
      const shown = Array.isArray(answer?.shown) ? (answer.shown as unknown[]) : [];
      const position = shown.indexOf(answer?.winner);
      const which = `response ${letterOf(position >= 0 ? position : Number(answer?.winner))}`;
      return answer?.strength === "much" ? `${which}, much better` : answer?.strength === "slightly" ? `${which}, slightly better` : which;
    }
    case "correction": {
      const text = (value as { text?: unknown } | null)?.text;
      return typeof text === "string" ? `corrected (${text.length.toLocaleString("en")} characters)` : "—";
    }
    case "spans":
      return Array.isArray(value) ? (value.length === 1 ? "1 passage marked" : `${value.length} passages marked`) : "—";
    case "text":
      return typeof value === "string" ? `“${clip(value.trim(), 60)}”` : "—";
  }
}

/** The answered questions of one annotation, in the template's order, as "Question: answer". */
export function describeMyWork(questions: readonly Question[] | undefined, values: Record<string, unknown>): string[] {
  if (!questions) return Object.keys(values).map((key) => `${key}: answered`);
  return questions.filter((q) => values[q.key] !== undefined && values[q.key] !== null).map((q) => `${clip(q.text, 40)}: ${describeMyAnswer(q, values[q.key])}`);
}
