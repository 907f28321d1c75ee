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

/**
 * A filter from its type and one line of text, as the runs panel and the CLI take it: `ids` lists
 * item ids (`12, 13`), `metadata` is `field=value`. What cannot be read is returned as an issue.
 */
export function filterFromText(type: string, text: string): ItemFilter | { issue: string } {
  const t = text.trim();
  if (type === "all" || type === "unreviewed") return { type };
  if (type === "ids") {
    const ids = t.split(/[\s,]+/).filter(Boolean).map(Number);
    if (!ids.length || ids.some((id) => !Number.isInteger(id) || id <= 0)) return { issue: "List item ids, e.g. 12, 13, 14." };
    return { type, ids };
  }
  if (type === "metadata") {
    const at = t.indexOf("=");
    if (at <= 0) return { issue: "Write field=value, e.g. segment=enterprise." };
    return { type, field: t.slice(0, at).trim(), value: t.slice(at + 1) };
  }
  return { issue: "Choose all, unreviewed, item ids or a metadata field." };
}
