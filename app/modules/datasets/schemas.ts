import { z } from "zod";

/**
 * What a dataset is made of: which items (the filter) and how they are shaped (the options).
 * Browser-safe: the builder form, the API body and the snapshot verb all parse with these.
 */
export const exportFormats = [
  "openai-chat",
  "openai-preference",
  "dpo",
  "classification-csv",
  "classification-jsonl",
  "parquet",
  "annotations-jsonl",
] as const;
export type ExportFormat = (typeof exportFormats)[number];

export const formatLabels: Record<ExportFormat, string> = {
  "openai-chat": "OpenAI chat fine-tuning (JSONL)",
  "openai-preference": "OpenAI preference fine-tuning (JSONL)",
  dpo: "DPO prompt/chosen/rejected (JSONL)",
  "classification-csv": "Classification text,label,split (CSV)",
  "classification-jsonl": "Classification (JSONL)",
  parquet: "Classification (Parquet)",
  "annotations-jsonl": "Every annotation (JSONL)",
};

/** Where the classifier formats' text comes from (see `options.textFrom`). */
export const textSources = ["auto", "output", "input"] as const;
export type TextSource = (typeof textSources)[number];
export const textSourceLabels: Record<TextSource, string> = {
  auto: "The output, or the prompt when an item has no output",
  output: "The output (items without one are left out)",
  input: "The prompt (the last user message of a chat)",
};

export const machineLabelChoices = ["exclude", "include", "only"] as const;
export const machineLabelChoiceLabels: Record<(typeof machineLabelChoices)[number], string> = {
  exclude: "People's labels only",
  include: "People's labels and machine labels (classifier, LLM)",
  only: "Machine labels only",
};

const questionKey = z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, { error: "Expected a question key." });
const share = z.number({ error: "Expected a number from 0 to 1." }).min(0, { error: "Expected a number from 0 to 1." }).max(1, { error: "Expected a number from 0 to 1." });
const shortText = z.string().trim().min(1, { error: "Enter a value." }).max(200);
const date = z.iso.date({ error: "Expected a date as YYYY-MM-DD." });

export const metadataConditionSchema = z
  .object({
    key: z.string().trim().min(1, { error: "Name the metadata field." }).max(100).regex(/^[\w.-]+$/, { error: "Use letters, digits, _ . - only." }),
    op: z.enum(["eq", "neq", "exists", "missing", "gte", "lte"], { error: "Expected eq, neq, exists, missing, gte or lte." }).default("eq"),
    value: z.union([z.string().max(500), z.number(), z.boolean()]).optional(),
  })
  .refine((c) => c.op === "exists" || c.op === "missing" || c.value !== undefined, { error: "This condition needs a value.", path: ["value"] })
  .refine((c) => !(c.op === "gte" || c.op === "lte") || typeof c.value === "number", { error: "Compare with a number.", path: ["value"] });

export const datasetFilterSchema = z
  .object({
    /** Items with consensus (the default), without, or both. */
    status: z.enum(["resolved", "unresolved", "any"], { error: "Expected resolved, unresolved or any." }).default("resolved"),
    ratings: z
      .array(z.object({ question: questionKey, min: z.number().optional(), max: z.number().optional() }).refine((r) => r.min !== undefined || r.max !== undefined, { error: "Give min or max." }))
      .max(10)
      .default([]),
    /** Only items with (true) or without (false) a resolved correction. */
    hasCorrection: z.boolean().optional(),
    labels: z.object({ question: questionKey, in: z.array(shortText).min(1, { error: "Choose at least one label." }).max(200) }).optional(),
    flags: z.object({ question: questionKey.optional(), present: z.array(shortText).max(20).default([]), absent: z.array(shortText).max(20).default([]) }).optional(),
    /** Agreement of the consensus (0–1) on one question, or on every question that has one. */
    agreement: z.object({ question: questionKey.optional(), min: share }).optional(),
    /** Output model (outputs[].model) or metadata.model. */
    models: z.array(shortText).max(50).default([]),
    metadata: z.array(metadataConditionSchema).max(10).default([]),
    /**
     * Labels machines gave under the routing policy (machine_labels: classifier or LLM, marked by
     * source as the consensus `method`): left out (the default), counted as labels beside the
     * people's, or the only items taken. A person's consensus always wins over a machine label.
     */
    machineLabels: z.enum(machineLabelChoices, { error: "Expected exclude, include or only." }).optional(),
    /**
     * Imported gold answers (items.gold) as labels where an item has no consensus for the
     * question ("include"), marked with the method "gold"; left out by default. Gold items
     * (status 'gold', reviewers' training items) are in a dataset only with "include".
     */
    gold: z.enum(["exclude", "include"], { error: "Expected exclude or include." }).optional(),
    /** Item creation date, inclusive, UTC. */
    createdFrom: date.optional(),
    createdTo: date.optional(),
  })
  .refine((f) => !f.createdFrom || !f.createdTo || f.createdFrom <= f.createdTo, { error: "The start date is after the end date.", path: ["createdTo"] });
export type DatasetFilter = z.output<typeof datasetFilterSchema>;
export type DatasetFilterInput = z.input<typeof datasetFilterSchema>;

export const datasetOptionsSchema = z
  .object({
    /** Keep one item per prompt, compared lower-cased with whitespace collapsed (the oldest item wins). */
    dedup: z.boolean().default(false),
    /** Replace emails, phone numbers, Luhn-valid card numbers, IBANs and IP addresses with [EMAIL] etc. */
    redactPii: z.boolean().default(false),
    split: z
      .object({
        train: share.default(0.8),
        validation: share.default(0.1),
        test: share.default(0.1),
        seed: z.int({ error: "Expected a whole number." }).min(0).max(2_147_483_647).default(42),
      })
      .default({ train: 0.8, validation: 0.1, test: 0.1, seed: 42 })
      .refine((s) => Math.abs(s.train + s.validation + s.test - 1) < 1e-9, { error: "Train, validation and test must add up to 100%." }),
    /** The choice or thumbs question whose consensus is the class label (default: the first single-choice question). */
    labelQuestion: questionKey.optional(),
    /** Keep at most this many items per class (after dedup), chosen by the seed. */
    maxPerClass: z.int({ error: "Expected a whole number." }).min(1).max(10_000_000).optional(),
    /**
     * What the classifier formats take as text: `auto` (the default) the item's first output, or its
     * prompt when it has no output (a classification project's items); `output` or `input` always.
     */
    textFrom: z.enum(textSources, { error: `Expected textFrom to be one of: ${textSources.join(", ")}.` }).default("auto"),
    approval: z
      .object({
        /** The rating or thumbs question that approves an output (default: the first one in the template). */
        question: questionKey.optional(),
        /** A rating at or above this approves (default: the top two points of the scale). */
        minRating: z.number().optional(),
      })
      .default({}),
    /** Also make preference pairs from corrections: the correction preferred over the original output. */
    preferenceFromCorrections: z.boolean().default(false),
  })
  .default({
    dedup: false,
    redactPii: false,
    split: { train: 0.8, validation: 0.1, test: 0.1, seed: 42 },
    textFrom: "auto",
    approval: {},
    preferenceFromCorrections: false,
  });
export type DatasetOptions = z.output<typeof datasetOptionsSchema>;

export const datasetNameSchema = z
  .string({ error: "Name the dataset." })
  .trim()
  .min(1, { error: "Name the dataset." })
  .max(120, { error: "Use at most 120 characters." });

export const newDatasetSchema = z.object({
  name: datasetNameSchema,
  format: z
    .enum(exportFormats, { error: `Expected format to be one of: ${exportFormats.join(", ")}.` })
    .optional()
    .describe("the export the dataset is made for: its page opens on it (any format can still be downloaded)"),
  filter: datasetFilterSchema.default({ status: "resolved", ratings: [], models: [], metadata: [] }),
  options: datasetOptionsSchema,
});
export type NewDatasetInput = z.input<typeof newDatasetSchema>;

export const exportQuerySchema = z.object({
  format: z.enum(exportFormats, { error: `Expected format to be one of: ${exportFormats.join(", ")}.` }),
  // why: a form's "All splits" sends split= (empty), which means no split, not a bad one.
  split: z.preprocess((v) => (v === "" ? undefined : v), z.enum(["train", "validation", "test"], { error: "Expected split to be train, validation or test." }).optional()),
});
export type ExportQuery = z.output<typeof exportQuerySchema>;
