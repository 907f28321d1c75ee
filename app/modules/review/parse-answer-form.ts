import { z } from "zod";
import type { Answers } from "~/modules/templates/answers";
import type { Question } from "~/modules/templates/schemas";
import { ValidationError } from "~/utils/errors";

type Outputs = { text: string }[];

// why: the screen's own fields start with "_" or hold capitals, so no question key (^[a-z][a-z0-9_]*$) can collide.
export const reviewFormSchema = z.discriminatedUnion("_intent", [
  z.object({
    _intent: z.literal("submit"),
    idempotencyKey: z.string({ error: "Missing idempotency key." }).min(8).max(200),
    durationMs: z.coerce.number().int().min(0).max(86_400_000).optional(),
  }),
  // why: the item the draft was written for; a draft that reaches another item's address is refused.
  z.object({ _intent: z.literal("draft"), _item: z.coerce.number().int().positive().optional() }),
  z.object({ _intent: z.literal("skip"), _reason: z.string().max(1000).optional() }),
  z.object({ _intent: z.literal("next") }),
  z.object({ _intent: z.literal("edit"), annotationId: z.uuid(), _version: z.coerce.number().int().min(1) }),
], { error: "Unknown action." });

// why: browsers send a textarea's line breaks as CRLF; the outputs and the JS path use LF.
const lf = (s: string) => s.replace(/\r\n?/g, "\n");

/**
 * The answers in a review form. With JavaScript the screen sends them all as one `_values` JSON
 * field; a plain (no-JS) post sends one field per question, named by its key, read here per kind.
 * Shapes are not checked here: checkAnswers does that in the verb, with a message per question.
 */
export async function readAnswers(form: FormData, template: () => Promise<{ questions: Question[]; outputs: Outputs }>): Promise<Answers> {
  const json = form.get("_values");
  if (typeof json === "string") return parseValuesJson(json);
  const { questions, outputs } = await template();
  return parseAnswerFields(questions, form, outputs);
}

export function parseValuesJson(json: string): Answers {
  try {
    const values: unknown = JSON.parse(json);
    if (values && typeof values === "object" && !Array.isArray(values)) return values as Answers;
  } catch {
    // reported below
  }
  throw new ValidationError("The answers could not be read.", [{ field: "_values", message: "Expected the answers as a JSON object." }]);
}

/** One answer per question from form fields named by question key; unanswered questions are left out. */
export function parseAnswerFields(questions: Question[], form: FormData, outputs: Outputs): Answers {
  const values: Answers = {};
  const text = (name: string) => {
    const v = form.get(name);
    return typeof v === "string" && v !== "" ? lf(v) : undefined;
  };
  const list = (name: string) => form.getAll(name).filter((v): v is string => typeof v === "string" && v !== "");
  for (const q of questions) {
    const raw = text(q.key);
    let value: unknown;
    switch (q.kind) {
      case "rating":
        value = raw === undefined ? undefined : /^-?\d+$/.test(raw) ? Number(raw) : raw;
        break;
      case "thumbs":
      case "text":
        value = raw;
        break;
      case "choice":
        value = q.multiple ? list(q.key) : raw;
        break;
      case "flags":
        value = list(q.key);
        break;
      case "pairwise": {
        if (raw === undefined) break;
        const shown = (text(`${q.key}.shown`) ?? "").split(",").map(Number);
        const strength = text(`${q.key}.strength`);
        value = { winner: raw === "tie" ? "tie" : Number(raw), shown, ...(strength && raw !== "tie" ? { strength } : {}) };
        break;
      }
      case "correction": {
        // An unchanged copy of the output is no correction (the screen does the same).
        const edited = form.get(q.key);
        value = typeof edited !== "string" || lf(edited) === lf(outputs[0]?.text ?? "") ? undefined : { text: lf(edited) };
        break;
      }
      case "spans":
        value = raw === undefined ? undefined : parseValuesList(raw);
        break;
    }
    if (value !== undefined && !(Array.isArray(value) && value.length === 0)) values[q.key] = value;
  }
  return values;
}

function parseValuesList(json: string): unknown {
  try {
    return JSON.parse(json) as unknown;
  } catch {
    return json;
  }
}
