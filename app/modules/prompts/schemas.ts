import { z } from "zod";
import { promptPurposes } from "~db/schema/prompts";

/** The variables a prompt may use; `metadata.<field>` reads any metadata field (dots go deeper). */
export const promptVariables = ["input", "output", "outputs", "output_a", "output_b", "reference"] as const;

export const promptParamsSchema = z
  .object({
    temperature: z.number({ error: "Expected a number." }).min(0, { error: "At least 0." }).max(2, { error: "At most 2." }).optional(),
    maxTokens: z.int({ error: "Expected a whole number." }).min(1, { error: "At least 1." }).max(200_000, { error: "At most 200,000." }).optional(),
    seed: z.int({ error: "Expected a whole number." }).min(0).max(2 ** 31 - 1).optional(),
    topP: z.number({ error: "Expected a number." }).gt(0, { error: "Above 0." }).max(1, { error: "At most 1." }).optional(),
  })
  .strict();

export const promptInputSchema = z.object({
  name: z.string().trim().min(1, { error: "Name the prompt." }).max(120, { error: "Use at most 120 characters." }),
  purpose: z.enum(promptPurposes, { error: `Expected one of: ${promptPurposes.join(", ")}.` }),
  system: z.string().max(100_000, { error: "Keep the system prompt under 100,000 characters." }).default(""),
  user: z.string().trim().min(1, { error: "Write the user message (e.g. {{input}})." }).max(100_000, { error: "Keep the message under 100,000 characters." }),
  params: promptParamsSchema.default({}),
  /** A judge answers these template questions (by key); none for generation. */
  questions: z.array(z.string().max(40)).max(50).default([]),
});
export type PromptInput = z.input<typeof promptInputSchema>;
export type PromptDefinition = z.output<typeof promptInputSchema>;
