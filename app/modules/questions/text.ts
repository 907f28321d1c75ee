import { z } from "zod";
import { questionBase } from "./fields";
import type { KindModule } from "./types";

export const textSchema = z.object({
  ...questionBase,
  kind: z.literal("text"),
  maxLength: z.int().min(1).max(20_000).default(5000),
  placeholder: z.string().trim().max(200).optional(),
});
export type TextQuestion = z.output<typeof textSchema>;

const problem = (q: TextQuestion, value: unknown) => (typeof value === "string" && value.length <= q.maxLength ? null : `Expected text of at most ${q.maxLength} characters.`);

/** A free-text comment. It has no consensus: comments are read (and coded by researchers), not voted on. */
export const text: KindModule<TextQuestion> = {
  kind: "text",
  label: "Free text",
  schema: textSchema,
  defaults: () => ({ maxLength: 5000 }),
  check: problem,
  readForm: (_q, name, fields) => fields.text(name),
  describeAnswer: (_q, value) => String(value),
  consensus: null,
  asResolution: (_q, answer) => answer,
  digit: () => null,
  // why: free text has no categories to agree on; its answers are read, not measured.
  agreement: null,
  calibration: () => ({ measure: "none", reason: "A comment has no consensus to measure a judge against." }),
  modelAnswer: {
    schema: (q) => ({ type: "string", maxLength: q.maxLength, description: "Your comment." }),
    read: (q, raw) => {
      const issue = problem(q, raw);
      return issue ? { error: issue } : { value: raw };
    },
  },
};
