import { z } from "zod";

/**
 * Review templates: an ordered list of questions. Browser-safe, shared by the template editor,
 * the review screen, the API and the server-side check of every answer.
 */
export const questionKinds = ["rating", "thumbs", "choice", "pairwise", "correction", "spans", "text", "flags"] as const;
export type QuestionKind = (typeof questionKinds)[number];

export const riskFlags = ["hallucination", "toxicity", "bias", "pii_leak", "prompt_injection", "refusal"] as const;
export const defaultSpanLabels = ["hallucination", "unsupported_claim", "toxic", "pii"] as const;

const label = z.string().trim().min(1, { error: "Enter a label." }).max(80, { error: "Use at most 80 characters." });
const optionValue = z
  .string()
  .trim()
  .min(1, { error: "Enter a value." })
  .max(80)
  // why: `?` and `!` end real label names (BANKING77's "reverted_card_payment?").
  .regex(/^[\p{L}\p{N}_.:/ ?!-]+$/u, { error: "Use letters, digits, spaces and _ . : / - ? ! only." });

const base = {
  key: z
    .string({ error: "Give the question a key." })
    .regex(/^[a-z][a-z0-9_]{0,39}$/, { error: "Use 1–40 lowercase letters, digits or _, starting with a letter." }),
  text: z.string({ error: "Enter the question text." }).trim().min(1, { error: "Enter the question text." }).max(500),
  help: z.string().trim().max(2000).optional(),
  required: z.boolean().default(false),
};

export const ratingQuestion = z
  .object({
    ...base,
    kind: z.literal("rating"),
    min: z.int().min(0).max(10).default(1),
    max: z.int().min(1).max(10).default(5),
    minLabel: z.string().trim().max(60).optional(),
    maxLabel: z.string().trim().max(60).optional(),
  })
  .refine((q) => q.max > q.min, { error: "The top of the scale must be above the bottom.", path: ["max"] });

export const thumbsQuestion = z.object({ ...base, kind: z.literal("thumbs") });

export const choiceQuestion = z
  .object({
    ...base,
    kind: z.literal("choice"),
    multiple: z.boolean().default(false),
    options: z
      .array(z.object({ value: optionValue, label: label.optional() }))
      .min(2, { error: "Give at least two options." })
      .max(100, { error: "Use at most 100 options." }),
  })
  .refine((q) => new Set(q.options.map((o) => o.value)).size === q.options.length, {
    error: "Option values must be unique.",
    path: ["options"],
  });

export const pairwiseQuestion = z.object({
  ...base,
  kind: z.literal("pairwise"),
  allowTie: z.boolean().default(true),
  strength: z.boolean().default(false),
});

export const correctionQuestion = z.object({ ...base, kind: z.literal("correction") });

export const spansQuestion = z.object({
  ...base,
  kind: z.literal("spans"),
  labels: z
    .array(optionValue)
    .min(1, { error: "Give at least one span label." })
    .max(20)
    .default([...defaultSpanLabels])
    .refine((l) => new Set(l).size === l.length, { error: "Span labels must be unique." }),
});

export const textQuestion = z.object({
  ...base,
  kind: z.literal("text"),
  maxLength: z.int().min(1).max(20_000).default(5000),
  placeholder: z.string().trim().max(200).optional(),
});

export const flagsQuestion = z.object({
  ...base,
  kind: z.literal("flags"),
  options: z
    .array(optionValue)
    .min(1)
    .max(20)
    .default([...riskFlags])
    .refine((l) => new Set(l).size === l.length, { error: "Flags must be unique." }),
});

export const questionSchema = z.discriminatedUnion("kind", [
  ratingQuestion,
  thumbsQuestion,
  choiceQuestion,
  pairwiseQuestion,
  correctionQuestion,
  spansQuestion,
  textQuestion,
  flagsQuestion,
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
