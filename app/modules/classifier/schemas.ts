import { z } from "zod";

export const classifierSettingsSchema = z.object({
  questionKey: z.string({ error: "Choose the question the classifier learns." }).trim().min(1, { error: "Choose the question the classifier learns." }),
  includeLlm: z.boolean({ error: "Expected true or false." }).default(false).describe("LLM judge answers count as labels (source `llm`) where no person's label exists"),
  retrainEvery: z
    .int({ error: "Expected a whole number of labels." })
    .min(10, { error: "At least 10 labels between retrainings." })
    .max(1_000_000, { error: "At most 1,000,000." })
    .nullable()
    .default(null)
    .describe("retrain by itself once this many labels were added since the last model; null: only on request"),
  // why: optional, not defaulted — a form or client that does not send it leaves the rate as it was.
  reviewerHourlyUsd: z
    .number({ error: "Expected an amount in US dollars per hour." })
    .min(0, { error: "At least 0." })
    .max(100_000, { error: "At most 100,000." })
    .nullable()
    .optional()
    .describe("what an hour of a reviewer's time costs (USD), for the distillation report; null: unknown; left out: unchanged"),
});
export type ClassifierSettingsInput = z.input<typeof classifierSettingsSchema>;

/** Fewest labels, and classes, a model is trained on: below this a held-out score means nothing. */
export const MIN_TRAINING_LABELS = 20;
export const MIN_TRAINING_CLASSES = 2;
