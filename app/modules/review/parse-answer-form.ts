import { z } from "zod";
import { kindOf } from "~/modules/questions";
import { formFields } from "~/modules/questions/form-fields";
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

/**
 * The answers in a review form. With JavaScript the screen sends them all as one `_values` JSON
 * field; a plain (no-JS) post sends one field per question, named by its key, read by its kind's
 * module (the same reader the adjudication form uses).
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
  const fields = formFields(form);
  const values: Answers = {};
  for (const q of questions) {
    const value = kindOf(q).readForm(q, q.key, fields, { outputs, unchangedCorrectionIsNoAnswer: true });
    if (value !== undefined && !(Array.isArray(value) && value.length === 0)) values[q.key] = value;
  }
  return values;
}
