import type { Span } from "~/modules/templates/answers";
import type { Question } from "~/modules/templates/schemas";
import { ValidationError } from "~/utils/errors";

const invalid = (message: string) => new ValidationError(`value: ${message}`, [{ field: "value", message }]);

/**
 * Reads a manager's written final answer from the adjudication form into the answer shape of the
 * question's kind. Only the form's syntax is checked here (a number, JSON for spans); whether the
 * answer is allowed is `adjudicate`'s check, the same as for a reviewer's answer.
 */
export function readFinalAnswer(question: Question, form: FormData): unknown {
  const one = () => {
    const v = form.get("value");
    return typeof v === "string" ? v : "";
  };
  switch (question.kind) {
    case "rating": {
      const text = one().trim();
      if (!/^-?\d+$/.test(text)) throw invalid(`Expected a whole number from ${question.min} to ${question.max}.`);
      return Number(text);
    }
    case "thumbs":
      return one();
    case "choice":
      return question.multiple ? form.getAll("value").map(String) : one();
    case "flags":
      return form.getAll("value").map(String);
    case "pairwise": {
      const text = one();
      if (text === "tie" && question.allowTie) return { winner: "tie", shown: [0, 1] };
      if (!/^\d+$/.test(text)) throw invalid(question.allowTie ? "Choose the better output, or a tie." : "Choose the better output.");
      return { winner: Number(text), shown: [0, 1] };
    }
    case "correction":
      return { text: one() };
    case "spans": {
      try {
        return JSON.parse(one() || "[]") as Span[];
      } catch {
        throw invalid('Expected a JSON list of spans, e.g. [{"output":0,"start":0,"end":5,"label":"hallucination","quote":"Paris"}].');
      }
    }
    case "text":
      throw invalid("A text question has no final answer.");
  }
}

/** An answer as plain words for the side-by-side view (never markup). */
export function describeAnswer(question: Question, value: unknown): string {
  if (value === undefined || value === null) return "—";
  switch (question.kind) {
    case "rating":
      return typeof value === "number" ? String(Math.round(value * 100) / 100) : String(value);
    case "pairwise": {
      const winner = (value as { winner?: unknown }).winner;
      return winner === "tie" ? "Tie" : `Response ${String.fromCharCode(65 + Number(winner))}`;
    }
    case "correction":
      return String((value as { text?: unknown }).text ?? "");
    case "spans":
      return (value as Span[]).length
        ? (value as Span[]).map((s) => `${s.label}: “${s.quote}” (output ${s.output + 1}, ${s.start}–${s.end})`).join("; ")
        : "No spans";
    default:
      return Array.isArray(value) ? (value.length ? value.join(", ") : "None") : String(value);
  }
}
