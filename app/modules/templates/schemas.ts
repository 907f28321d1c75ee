import { z } from "zod";

import { choiceSchema } from "~/modules/questions/choice";
import { correctionSchema } from "~/modules/questions/correction";
import { flagsSchema } from "~/modules/questions/flags";
import { pairwiseSchema } from "~/modules/questions/pairwise";
import { ratingSchema } from "~/modules/questions/rating";
import { spansSchema } from "~/modules/questions/spans";
import { textSchema } from "~/modules/questions/text";
import { thumbsSchema } from "~/modules/questions/thumbs";

/**
 * Review templates: an ordered list of questions. Browser-safe, shared by the template editor,
 * the review screen, the API and the server-side check of every answer. Each kind of question is
 * defined in its own module under app/modules/questions/.
 */
export { questionKinds, type QuestionKind } from "~/modules/questions";
export { defaultSpanLabels, riskFlags } from "~/modules/questions/fields";

export const questionSchema = z.discriminatedUnion("kind", [
  ratingSchema,
  thumbsSchema,
  choiceSchema,
  pairwiseSchema,
  correctionSchema,
  spansSchema,
  textSchema,
  flagsSchema,
]);
export type Question = z.output<typeof questionSchema>;
export type QuestionInput = z.input<typeof questionSchema>;

export const templateSchema = z
  .object({
    questions: z
      .array(questionSchema)
      .min(1, { error: "A template needs at least one question." })
      .max(50, { error: "Use at most 50 questions." }),
  })
  .superRefine((t, ctx) => {
    const seen = new Set<string>();
    t.questions.forEach((q, i) => {
      if (seen.has(q.key)) {
        ctx.addIssue({ code: "custom", message: `The key "${q.key}" is used twice.`, path: ["questions", i, "key"] });
      }
      seen.add(q.key);
    });
    if (t.questions.filter((q) => q.kind === "pairwise").length > 1) {
      ctx.addIssue({ code: "custom", message: "Use at most one pairwise question.", path: ["questions"] });
    }
  });
export type Template = z.output<typeof templateSchema>;
export type TemplateInput = z.input<typeof templateSchema>;
