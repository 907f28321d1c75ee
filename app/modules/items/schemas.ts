import { z } from "zod";

export const chatRoles = ["system", "developer", "user", "assistant", "tool"] as const;

export const chatMessageSchema = z.object({
  role: z.enum(chatRoles, { error: `Expected a role: ${chatRoles.join(", ")}.` }),
  content: z.string({ error: "Expected message content as a string." }).max(1_000_000),
  name: z.string().max(200).optional(),
});
export type ChatMessage = z.infer<typeof chatMessageSchema>;

/** The input an item shows: a plain prompt, or a chat as OpenAI-style messages. */
export const itemInputSchema = z.union(
  [
    z.string({ error: "Expected the prompt as a string." }).min(1, { error: "The prompt is empty." }).max(1_000_000),
    z.object({ messages: z.array(chatMessageSchema).min(1, { error: "Give at least one message." }).max(500) }),
  ],
  { error: "Expected input as a string or as {messages: [{role, content}]}." },
);

export const itemOutputSchema = z.object({
  text: z.string({ error: "Expected the output text as a string." }).max(1_000_000),
  model: z.string().trim().max(200).optional(),
});

export const suggestionInputSchema = z.object({
  question: z.string().min(1).max(40),
  value: z.unknown(),
  confidence: z.number().min(0).max(1).optional(),
  source: z.string().trim().min(1).max(200).default("import"),
});

export const MAX_OUTPUTS = 10;

/**
 * One item in Loupe's own shape (what the items API and the importer take). `outputs` must be
 * given; it may be empty for an item that is reviewed on its input alone (classification).
 */
export const newItemSchema = z.object({
  input: itemInputSchema,
  outputs: z
    .array(itemOutputSchema, { error: "Expected a list of outputs, each {text, model?}." })
    .max(MAX_OUTPUTS, { error: `Use at most ${MAX_OUTPUTS} outputs.` }),
  reference: z.string({ error: "Expected the reference as a string." }).max(1_000_000).optional(),
  metadata: z.record(z.string(), z.unknown(), { error: "Expected metadata as an object of fields." }).default({}),
  externalId: z.string({ error: "Expected the external id as a string." }).trim().min(1, { error: "The external id is empty." }).max(500).optional(),
  priority: z.int({ error: "Expected the priority as a whole number." }).min(-1_000_000).max(1_000_000).default(0),
  suggestions: z.array(suggestionInputSchema).max(50).default([]),
  /** Known-correct answers, question key → value in the question kind's answer shape. */
  gold: z.record(z.string(), z.unknown(), { error: "Expected gold as an object of question key → answer." }).optional(),
});
export type NewItem = z.input<typeof newItemSchema>;
export type ParsedItem = z.output<typeof newItemSchema>;

export const MAX_ITEMS_PER_REQUEST = 1000;
export const newItemsSchema = z
  .array(newItemSchema)
  .min(1, { error: "Send at least one item." })
  .max(MAX_ITEMS_PER_REQUEST, { error: `Send at most ${MAX_ITEMS_PER_REQUEST} items per request.` });

/** The stored shape of an item's input: always tagged, so readers never guess. */
export type StoredInput = { type: "text"; text: string } | { type: "messages"; messages: ChatMessage[] };

/** An input as plain text: a chat as "role: content" lines, one message after another. */
export function inputAsText(input: StoredInput, between = "\n"): string {
  return input.type === "text" ? input.text : input.messages.map((m) => `${m.role}: ${m.content}`).join(between);
}

export function toStoredInput(input: z.output<typeof itemInputSchema>): StoredInput {
  return typeof input === "string" ? { type: "text", text: input } : { type: "messages", messages: input.messages };
}

/** What the data manager and the items API sort by: item id (the order items went in, = created) or priority. */
export const itemSorts = ["id", "priority"] as const;
export type ItemSort = (typeof itemSorts)[number];
export const itemStates = ["open", "done", "held", "gold"] as const;
export type ItemState = (typeof itemStates)[number];
export const PAGE_SIZES = [25, 50, 100, 200] as const;

/** The data manager's columns; `meta:<key>` names a metadata field. */
export const itemColumns = ["externalId", "input", "models", "status", "answers", "resolved", "agreement", "priority", "created"] as const;
export type ItemColumn = (typeof itemColumns)[number];
export const columnLabels: Record<ItemColumn, string> = {
  externalId: "External id",
  input: "Input",
  models: "Models",
  status: "Status",
  answers: "Answers / overlap",
  resolved: "Resolved",
  agreement: "Agreement",
  priority: "Priority",
  created: "Created",
};
export const DEFAULT_COLUMNS: ItemColumn[] = ["externalId", "input", "models", "status", "answers", "agreement", "created"];
export const metadataKeySchema = z.string().trim().min(1).max(100).regex(/^[\w.-]+$/, { error: "Use letters, digits, _ . - only." });

/** How a page of items is chosen, besides the dataset filter: item status, full-text search, sort. */
export const itemQuerySchema = z.object({
  state: z.enum(itemStates, { error: `Expected state to be one of: ${itemStates.join(", ")}.` }).optional(),
  q: z.string().trim().max(200, { error: "Search for at most 200 characters." }).optional(),
  sort: z.enum(itemSorts, { error: `Expected sort to be one of: ${itemSorts.join(", ")}.` }).default("id"),
  dir: z.enum(["asc", "desc"], { error: "Expected dir to be asc or desc." }).default("asc"),
});
export type ItemQuery = z.output<typeof itemQuerySchema>;
export type ItemQueryInput = z.input<typeof itemQuerySchema>;

export const MAX_BULK_IDS = 1000;
const itemIds = z.array(z.int({ error: "Expected item ids (whole numbers)." }).positive()).min(1, { error: "Select at least one item." }).max(MAX_BULK_IDS, { error: `Select at most ${MAX_BULK_IDS} items, or act on the whole filter.` });

/** The items a bulk action acts on: chosen `ids`, or (without ids) every item the query and dataset filter match. */
export const bulkSelectionSchema = z.object({
  ids: itemIds.optional(),
  query: itemQuerySchema.omit({ sort: true, dir: true }).default({}),
  filter: z.unknown().optional().describe("A dataset filter (see the datasets API); its status defaults to any"),
});
export type BulkSelection = z.input<typeof bulkSelectionSchema>;

export const bulkActionSchema = z.discriminatedUnion(
  "action",
  [
    z.object({ action: z.literal("priority"), priority: z.int({ error: "Expected the priority as a whole number." }).min(-1_000_000, { error: "At least -1,000,000." }).max(1_000_000, { error: "At most 1,000,000." }) }),
    z.object({
      action: z.literal("requeue"),
      more: z
        .int({ error: "Expected how many more answers, a whole number." })
        .min(1, { error: "At least 1." })
        .max(10, { error: "At most 10." })
        .default(1)
        .describe("Answers each item gets beyond those it has (or the overlap's, if it has fewer)"),
    }),
    z.object({
      action: z.literal("gold"),
      gold: z.record(z.string(), z.unknown(), { error: "Expected the gold answer as question key → answer." }),
      explanation: z.string().trim().max(10_000, { error: "At most 10,000 characters." }).optional(),
    }),
    z.object({ action: z.literal("delete"), confirmCount: z.int({ error: "Expected the number of items you confirm deleting." }).min(0) }),
  ],
  { error: "Expected action to be one of: priority, requeue, gold, delete." },
);
export type BulkAction = z.output<typeof bulkActionSchema>;
export const bulkRequestSchema = z.object({ selection: bulkSelectionSchema, action: bulkActionSchema });
export type BulkRequest = z.input<typeof bulkRequestSchema>;
