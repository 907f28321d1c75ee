import { kindOf } from "~/modules/questions";
import type { ModelContext } from "~/modules/questions/types";
import type { Question } from "~/modules/templates/schemas";

export type JudgeAnswer = {
  rationale: string | null;
  /** Per question key: the answer in its kind's shape, or why the model's answer could not be one. */
  answers: Record<string, { value: unknown } | { error: string }>;
};

/**
 * The model's reply read as a judge answer. The reply should be exactly the JSON asked for; a
 * server without structured output may wrap it in prose or a ```json fence, so the first JSON
 * object in the text is taken (the fallback parse). A reply with no JSON object at all, or one
 * without `answers`, is an error for the whole item; a single bad answer fails only its question.
 */
export function readJudgeAnswer(questions: Question[], content: string, ctx: ModelContext): JudgeAnswer | { error: string } {
  const parsed = firstJsonObject(content);
  if (!parsed) return { error: `The reply holds no JSON object: ${JSON.stringify(content.slice(0, 200))}` };
  const answers = (parsed as { answers?: unknown }).answers;
  if (!answers || typeof answers !== "object" || Array.isArray(answers)) return { error: "The reply's JSON has no `answers` object." };
  const rationale = typeof (parsed as { rationale?: unknown }).rationale === "string" ? ((parsed as { rationale: string }).rationale as string) : null;
  const out: JudgeAnswer["answers"] = {};
  for (const q of questions) {
    const raw = (answers as Record<string, unknown>)[q.key];
    if (raw === undefined) {
      out[q.key] = { error: `No answer for "${q.key}".` };
      continue;
    }
    const read = kindOf(q).modelAnswer.read(q, raw, ctx);
    if ("error" in read) {
      out[q.key] = read;
      continue;
    }
    const problem = kindOf(q).check(q, read.value, ctx);
    out[q.key] = problem ? { error: `${JSON.stringify(raw)}: ${problem}` } : read;
  }
  return { rationale, answers: out };
}

/** The first complete JSON object in a text (a fenced block, or braces balanced outside strings). */
export function firstJsonObject(text: string): Record<string, unknown> | null {
  const trimmed = text.trim();
  try {
    const whole = JSON.parse(trimmed) as unknown;
    if (whole && typeof whole === "object" && !Array.isArray(whole)) return whole as Record<string, unknown>;
  } catch {
    // not the whole text: look inside it
  }
  for (let start = text.indexOf("{"); start >= 0; start = text.indexOf("{", start + 1)) {
    const end = matchingBrace(text, start);
    if (end < 0) continue;
    try {
      const value = JSON.parse(text.slice(start, end + 1)) as unknown;
      if (value && typeof value === "object" && !Array.isArray(value)) return value as Record<string, unknown>;
    } catch {
      // a brace that did not open an object: keep looking
    }
  }
  return null;
}

function matchingBrace(text: string, start: number): number {
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      if (ch === "\\") i++;
      else if (ch === '"') inString = false;
    } else if (ch === '"') inString = true;
    else if (ch === "{") depth++;
    else if (ch === "}" && --depth === 0) return i;
  }
  return -1;
}
