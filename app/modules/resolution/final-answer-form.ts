import { kindOf } from "~/modules/questions";
import { formFields } from "~/modules/questions/form-fields";
import type { Question } from "~/modules/templates/schemas";
import { ValidationError } from "~/utils/errors";

/**
 * Reads a manager's written final answer from the adjudication form (one field, `value`) into the
 * answer shape of the question's kind, with the same reader as a reviewer's form. Whether the
 * answer is allowed is `adjudicate`'s check, the same as for a reviewer's answer.
 */
export function readFinalAnswer(question: Question, form: FormData, outputs: { text: string }[] = []): unknown {
  if (!kindOf(question).consensus) throw new ValidationError("value: A text question has no final answer.", [{ field: "value", message: "A text question has no final answer." }]);
  return kindOf(question).readForm(question, "value", formFields(form), { outputs, unchangedCorrectionIsNoAnswer: false });
}

/** An answer as plain words for the side-by-side view (never markup). */
export function describeAnswer(question: Question, value: unknown): string {
  if (value === undefined || value === null) return "—";
  return kindOf(question).describeAnswer(question, value);
}
