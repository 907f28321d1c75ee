import { z } from "zod";

/**
 * What an import is asked to do: browser-safe, shared by the upload page, the API's query
 * string, the CLI's flags and the job payload.
 */

/** Presets fill the mapping for common file shapes; the same names in the UI, API (`?format=`) and CLI. */
export const presetNames = ["generic", "openai-chat", "alpaca-eval", "pairwise", "hh-rlhf", "classification-csv"] as const;
export type PresetName = (typeof presetNames)[number];

/** How the bytes are written; detected from the content when not given. */
export const fileTypes = ["jsonl", "json", "csv"] as const;
export type FileType = (typeof fileTypes)[number];

export const importModes = ["new-items", "add-outputs"] as const;
export type ImportMode = (typeof importModes)[number];

export const importPolicies = ["keep-good-rows", "all-or-nothing"] as const;
export type ImportPolicy = (typeof importPolicies)[number];

// why: stored with the import's options (jsonb), which cannot hold it; no real field name has one.
const noNul = (text: string) => !text.includes("\0");
const NUL_MESSAGE = "Cannot contain the NUL character (\\u0000).";

const path = z
  .string()
  .trim()
  .min(1, { error: "Name a field (a column, or a dotted path such as meta.id)." })
  .max(200, { error: "Use at most 200 characters." })
  .refine(noNul, { error: NUL_MESSAGE });

export const outputMappingSchema = z.object({
  path,
  /** A model name for every output read from this field… */
  model: z.string().trim().min(1).max(200).refine(noNul, { error: NUL_MESSAGE }).optional(),
  /** …or the field that holds it. */
  modelPath: path.optional(),
});
export type OutputMapping = z.infer<typeof outputMappingSchema>;

/**
 * Where an item's parts are in a row. Every part is optional: a preset supplies the rest.
 * Fields not mapped to anything are kept as the item's metadata.
 */
export const mappingSchema = z.object({
  input: path.optional(),
  outputs: z.array(outputMappingSchema).max(10, { error: "Map at most 10 outputs." }).optional(),
  reference: path.optional(),
  externalId: path.optional(),
  label: path.optional(),
});
export type Mapping = z.infer<typeof mappingSchema>;

export const importOptionsSchema = z.object({
  format: z.enum(presetNames, { error: `Choose a format: ${presetNames.join(", ")}.` }).optional(),
  fileType: z.enum(fileTypes, { error: `Choose a file type: ${fileTypes.join(", ")}.` }).optional(),
  mapping: mappingSchema.default({}),
  mode: z.enum(importModes, { error: `Choose a mode: ${importModes.join(", ")}.` }).default("new-items"),
  policy: z.enum(importPolicies, { error: `Choose a policy: ${importPolicies.join(", ")}.` }).default("keep-good-rows"),
  /** Labels (and HH preferences) become gold answers instead of suggestions. */
  gold: z.boolean().default(false),
});
export type ImportOptions = z.output<typeof importOptionsSchema>;
export type ImportOptionsInput = z.input<typeof importOptionsSchema>;

/** A problem with one row: the field to blame (when one is) and what was expected. */
export type RecordProblem = { field: string | null; message: string };

/**
 * One rejected row: its line (a CSV record's first line), the field when one is to blame, and
 * why. `record` is the row's position among the file's rows (1-based; a JSON array's element).
 */
export type RowError = { line: number; record: number; field: string | null; message: string };

/** What an import did. Every row received is counted once in exactly one of the other counts. */
export type ImportCounts = {
  received: number;
  /** New items. */
  inserted: number;
  /** Add-outputs mode: rows that found their item (their new outputs are in `outputsAdded`). */
  matched: number;
  /** Rows already in the project (new-items mode), or whose outputs the item already had. */
  duplicates: number;
  /** Add-outputs mode: rows that found no item. */
  unmatched: number;
  rejected: number;
  outputsAdded: number;
};

export type ImportSummary = ImportCounts & {
  /** The first 1,000 rejected rows (all are counted in `rejected`). */
  errors: RowError[];
  bytesRead: number;
  lastLine: number;
  fileType: FileType;
  /** Set when the rows look like a preset other than the one used (a hint for the next try). */
  hint?: string;
};

export const MAX_STORED_ERRORS = 1000;

export type PreviewRow = {
  line: number;
  /** The row as read, each value cut to a readable length. */
  fields: Record<string, string>;
  item?: { input: string; outputs: { text: string; model?: string }[]; externalId?: string; suggestions: string[]; gold?: string };
  problem?: RecordProblem;
};

export type Preview = {
  fileType: FileType;
  suggestedFormat: PresetName | null;
  columns: string[];
  rows: PreviewRow[];
  /** Why nothing could be shown: an empty or unreadable file, or options the project cannot take. */
  error?: string;
};


export const emptyCounts = (): ImportCounts => ({
  received: 0,
  inserted: 0,
  matched: 0,
  duplicates: 0,
  unmatched: 0,
  rejected: 0,
  outputsAdded: 0,
});

/** `line 18: "outputs" is missing` — how a row error reads in the CLI, the page and the CSV. */
export function formatRowError(error: RowError): string {
  return `line ${error.line}: ${error.message}`;
}

/** Parses `field=path` pairs (the CLI's --map, the API's ?map=) into a mapping. */
export function parseMapPairs(pairs: string[]): Mapping {
  const mapping: Mapping = {};
  for (const pair of pairs) {
    const eq = pair.indexOf("=");
    const key = eq > 0 ? pair.slice(0, eq).trim() : "";
    const value = eq > 0 ? pair.slice(eq + 1).trim() : "";
    if (!value) throw new MappingSyntaxError(`"${pair}": write field=path, e.g. input=question or output=answer@gpt-4o.`);
    if (key === "output") {
      (mapping.outputs ??= []).push(parseOutput(value));
    } else if (key === "input" || key === "reference" || key === "externalId" || key === "label") {
      mapping[key] = value;
    } else {
      throw new MappingSyntaxError(`"${key}" is not a field to map; use input, output, reference, externalId or label.`);
    }
  }
  return mapping;
}

/** `answer`, `answer@gpt-4o` (a model name) or `answer@{model_a}` (the model is in a field). */
function parseOutput(value: string): OutputMapping {
  const at = value.lastIndexOf("@");
  if (at <= 0) return { path: value };
  const model = value.slice(at + 1);
  const braced = /^\{(.+)\}$/.exec(model);
  return braced ? { path: value.slice(0, at), modelPath: braced[1]! } : { path: value.slice(0, at), model };
}

export class MappingSyntaxError extends Error {}

/**
 * The upload form's fields as import options (the form and the server read the same names):
 * format, mode, policy, gold, map_input, map_reference, map_externalId, map_label, and per output
 * output_path, output_model, output_model_field (repeated, in order). Empty fields mean "unset".
 */
export function optionsFromForm(all: (name: string) => string[]): ImportOptionsInput {
  const one = (name: string) => all(name)[0]?.trim() || undefined;
  const paths = all("output_path");
  const models = all("output_model");
  const modelFields = all("output_model_field");
  const outputs = paths
    .map((path, i) => ({ path: path.trim(), model: models[i]?.trim() || undefined, modelPath: modelFields[i]?.trim() || undefined }))
    .filter((o) => o.path);
  return {
    format: one("format") as ImportOptionsInput["format"],
    fileType: one("fileType") as ImportOptionsInput["fileType"],
    mode: one("mode") as ImportOptionsInput["mode"],
    policy: one("policy") as ImportOptionsInput["policy"],
    gold: one("gold") === "true",
    mapping: {
      input: one("map_input"),
      reference: one("map_reference"),
      externalId: one("map_externalId"),
      label: one("map_label"),
      outputs: outputs.length ? outputs : undefined,
    },
  };
}
