import { z } from "zod";
import { llmRunItemStates, llmRunKinds, llmRunStates } from "~db/schema/llm-runs";

export const itemFilterSchema = z.discriminatedUnion(
  "type",
  [
    z.object({ type: z.literal("all") }),
    z.object({ type: z.literal("unreviewed").describe("items without a submitted annotation") }),
    z.object({ type: z.literal("ids"), ids: z.array(z.int().positive()).min(1, { error: "List at least one item id." }).max(100_000, { error: "At most 100,000 ids." }) }),
    z.object({
      type: z.literal("metadata"),
      field: z.string().trim().regex(/^[\w-]+(\.[\w-]+)*$/, { error: "Name a metadata field, e.g. segment or user.tier." }),
      value: z.string().max(1000),
    }),
  ],
  { error: "Expected a filter: {type: all | unreviewed | ids | metadata}." },
);
export type ItemFilter = z.infer<typeof itemFilterSchema>;

export const newLlmRunSchema = z.object({
  kind: z.enum(llmRunKinds, { error: `Expected one of: ${llmRunKinds.join(", ")}.` }),
  providerId: z.uuid({ error: "Choose a provider (its id)." }),
  model: z.string().trim().min(1, { error: "Choose a model." }).max(200),
  promptVersionId: z.uuid({ error: "Choose a prompt version (its id)." }),
  filter: itemFilterSchema.default({ type: "all" }),
  budgetUsd: z.number({ error: "Expected an amount in US dollars." }).positive({ error: "Above 0, or leave it out for no cap." }).max(1_000_000).nullable().optional(),
  timeoutSeconds: z.number({ error: "Expected seconds." }).min(0.05).max(600).default(60).describe("per request"),
  maxAttempts: z.int({ error: "Expected a whole number." }).min(1).max(10).default(4).describe("tries per item, the first included; 429, 5xx, timeouts and dropped connections are tried again"),
});
export type NewLlmRun = z.input<typeof newLlmRunSchema>;

export type LlmRunState = (typeof llmRunStates)[number];
export type LlmRunItemState = (typeof llmRunItemStates)[number];
export const finishedStates: readonly LlmRunState[] = ["done", "failed", "cancelled"];
