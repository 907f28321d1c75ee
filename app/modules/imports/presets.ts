import { splitPreferencePair } from "./hh-dialogue";
import type { Mapping, PresetName, RecordProblem } from "./schemas";

/**
 * Presets: how a row of a well-known shape becomes an item draft (Loupe's item shape, not yet
 * validated). `sources` says which field of the row each part came from, so a validation error
 * names the row's own field ("output") rather than the item's ("outputs.0.text").
 */
export type Draft = {
  input?: unknown;
  outputs?: unknown;
  reference?: unknown;
  externalId?: unknown;
  metadata?: unknown;
  priority?: unknown;
  suggestions?: unknown;
  gold?: unknown;
  /** A classification label, turned into a suggestion or gold answer by the caller. */
  label?: unknown;
};
export type Sourced = { draft: Draft; sources: Record<string, string> };
export type PresetResult = Sourced | { problem: RecordProblem };

type Row = Record<string, unknown>;

export const presetInfo: Record<PresetName, { label: string; shape: string }> = {
  generic: { label: "Generic prompt and output", shape: "{prompt, output} (or response, completion, answer; input, instruction, question)" },
  "openai-chat": { label: "OpenAI chat", shape: "{messages: [...]}: the last assistant message is the output, the rest is the input" },
  "alpaca-eval": { label: "AlpacaEval", shape: "{instruction, output, generator}: the generator is the output's model" },
  pairwise: { label: "Pairwise", shape: "{prompt, response_a, response_b} with optional model_a, model_b" },
  "hh-rlhf": { label: "Anthropic HH dialogues", shape: "{chosen, rejected}: the shared turns are the input, the two final answers the outputs" },
  "classification-csv": { label: "Classification CSV", shape: "text,label: the text is the input, the label a suggestion (or gold)" },
};

const GENERIC = {
  input: ["prompt", "input", "instruction", "question"],
  output: ["output", "response", "completion", "answer"],
  model: ["model", "generator"],
  externalId: ["externalId", "external_id", "id"],
  label: ["label", "category", "intent", "class"],
};

/** Each preset's mapping before the user's overrides; generic ones pick the first field present. */
function defaults(preset: PresetName, row: Row): Mapping {
  const first = (names: string[]) => names.find((n) => has(row, n));
  const externalId = first(GENERIC.externalId);
  switch (preset) {
    case "generic": {
      const model = first(GENERIC.model);
      return { input: first(GENERIC.input) ?? "prompt", outputs: [{ path: first(GENERIC.output) ?? "output", modelPath: model }], externalId, reference: first(["reference"]) };
    }
    case "alpaca-eval":
      return { input: "instruction", outputs: [{ path: "output", modelPath: "generator" }], externalId };
    case "pairwise":
      return {
        input: "prompt",
        outputs: [
          { path: "response_a", modelPath: has(row, "model_a") ? "model_a" : undefined },
          { path: "response_b", modelPath: has(row, "model_b") ? "model_b" : undefined },
        ],
        externalId,
      };
    case "classification-csv":
      return { input: "text", outputs: [], label: first(GENERIC.label) ?? "label", externalId };
    case "openai-chat":
      return { input: "messages", externalId };
    case "hh-rlhf":
      return { externalId };
  }
}

/** A row through a preset (or, with none, as Loupe's own item shape) and the user's mapping. */
export function applyPreset(preset: PresetName | undefined, value: unknown, overrides: Mapping): PresetResult {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return { problem: { field: null, message: `expected an object (a row of fields), got ${typeName(value)}` } };
  }
  const row = value as Row;
  if (!preset && isEmptyMapping(overrides)) return { draft: row, sources: {} };
  const mapping = { ...defaults(preset ?? "generic", row), ...definedOnly(overrides) };
  if (preset === "openai-chat") return chatRow(row, mapping);
  if (preset === "hh-rlhf") return hhRow(row, mapping);
  return mappedRow(row, mapping);
}

/** Reads fields off a row, remembering which it used (the rest become metadata) and where each part came from. */
function collector(row: Row) {
  const used = new Set<string>();
  const sources: Record<string, string> = {};
  const take = (target: string, path: string | undefined) => {
    if (!path) return undefined;
    used.add(topKey(row, path));
    sources[target] = path;
    return get(row, path);
  };
  const common = (mapping: Mapping): Draft => ({
    reference: take("reference", mapping.reference),
    externalId: idText(take("externalId", mapping.externalId)),
    label: take("label", mapping.label),
  });
  // why: fields no part was read from are kept as metadata under their own names.
  const metadata = () => {
    const kept: Row = {};
    for (const [key, value] of Object.entries(row)) {
      if (used.has(key)) continue;
      kept[key] = value;
      sources[`metadata.${key}`] = key;
    }
    return kept;
  };
  return { take, common, metadata, sources };
}

function mappedRow(row: Row, mapping: Mapping): PresetResult {
  const c = collector(row);
  const input = c.take("input", mapping.input);
  const outputs = (mapping.outputs ?? []).map((m, i) => {
    const text = c.take(`outputs.${i}`, m.path);
    const model = m.model ?? c.take(`outputs.${i}.model`, m.modelPath);
    if (text === undefined) return undefined;
    if (typeof text === "object" && text !== null && !Array.isArray(text)) return { ...(model == null ? {} : { model }), ...text };
    return model == null ? { text } : { text, model };
  });
  const draft: Draft = { ...c.common(mapping), input: Array.isArray(input) ? { messages: input } : input, outputs };
  return { draft: { ...draft, metadata: c.metadata() }, sources: c.sources };
}

function chatRow(row: Row, mapping: Mapping): PresetResult {
  const path = mapping.input ?? "messages";
  const c = collector(row);
  const messages = c.take("input", path);
  if (messages === undefined) return { problem: { field: path, message: `"${path}" is missing` } };
  if (!Array.isArray(messages)) return { problem: { field: path, message: `"${path}": expected a list of {role, content} messages, got ${typeName(messages)}` } };
  const last = messages.findLastIndex((m) => (m as { role?: unknown })?.role === "assistant");
  if (last < 0) return { problem: { field: path, message: `"${path}" has no assistant message to use as the output` } };
  if (last < messages.length - 1) return { problem: { field: path, message: `"${path}": the last assistant message is the output, so it must be the last message` } };
  if (last === 0) return { problem: { field: path, message: `"${path}" has no messages before the assistant's answer to use as the input` } };
  const text = textOf((messages[last] as { content?: unknown }).content);
  const model = c.take("outputs.0.model", has(row, "model") ? "model" : undefined);
  c.sources["outputs.0"] = `${path}.${last}.content`;
  const draft: Draft = {
    ...c.common(mapping),
    input: { messages: messages.slice(0, last).map(flattenContent) },
    outputs: [model == null ? { text } : { text, model }],
  };
  return { draft: { ...draft, metadata: c.metadata() }, sources: c.sources };
}

function hhRow(row: Row, mapping: Mapping): PresetResult {
  const c = collector(row);
  const [chosen, rejected] = [c.take("outputs.0", "chosen"), c.take("outputs.1", "rejected")];
  for (const [field, value] of [["chosen", chosen], ["rejected", rejected]] as const) {
    if (value === undefined) return { problem: { field, message: `"${field}" is missing` } };
    if (typeof value !== "string") return { problem: { field, message: `"${field}": expected the dialogue as text, got ${typeName(value)}` } };
  }
  const pair = splitPreferencePair(chosen as string, rejected as string);
  if ("problem" in pair) return { problem: { field: pair.field, message: `"${pair.field}": ${pair.problem}` } };
  c.sources.input = "chosen";
  const draft: Draft = {
    ...c.common({ externalId: mapping.externalId, reference: mapping.reference }),
    input: { messages: pair.input },
    // why: the model names keep which answer people preferred; pairwise review never shows them.
    outputs: [
      { text: pair.chosen, model: "chosen" },
      { text: pair.rejected, model: "rejected" },
    ],
  };
  return { draft: { ...draft, metadata: c.metadata() }, sources: c.sources };
}

/** Which preset a row looks like, for the upload page's default and a hint when rows fail. */
export function suggestPreset(value: unknown): PresetName | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const row = value as Row;
  const any = (names: string[]) => names.some((n) => n in row);
  if ("outputs" in row && "input" in row) return undefined;
  if (Array.isArray(row.messages)) return "openai-chat";
  if ("chosen" in row && "rejected" in row) return "hh-rlhf";
  if ("response_a" in row && "response_b" in row) return "pairwise";
  if ("instruction" in row && "output" in row && "generator" in row) return "alpaca-eval";
  if ("text" in row && any(GENERIC.label) && !any(GENERIC.output)) return "classification-csv";
  if (any(GENERIC.input) && any(GENERIC.output)) return "generic";
  return undefined;
}

/** Reads `path` from a row: the key itself if the row has it (CSV columns may contain dots), else a dotted path. */
export function get(row: Row, path: string): unknown {
  if (Object.hasOwn(row, path)) return row[path];
  let value: unknown = row;
  for (const part of path.split(".")) {
    if (typeof value !== "object" || value === null || !Object.hasOwn(value, part)) return undefined;
    value = (value as Row)[part];
  }
  return value;
}

const has = (row: Row, key: string) => Object.hasOwn(row, key);
const topKey = (row: Row, path: string) => (Object.hasOwn(row, path) ? path : path.split(".")[0]!);
const isEmptyMapping = (m: Mapping) => Object.values(m).every((v) => v === undefined || (Array.isArray(v) && v.length === 0));
const definedOnly = (m: Mapping): Mapping => Object.fromEntries(Object.entries(m).filter(([, v]) => v !== undefined && !(Array.isArray(v) && v.length === 0)));
const idText = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? String(v) : v);

/** OpenAI content may be a list of parts; Loupe keeps the text. */
function textOf(content: unknown): unknown {
  if (Array.isArray(content)) return content.map((p) => (typeof p === "string" ? p : ((p as { text?: unknown })?.text ?? ""))).join("");
  return content ?? "";
}

function flattenContent(message: unknown): unknown {
  if (typeof message !== "object" || message === null) return message;
  const m = message as { role?: unknown; content?: unknown; name?: unknown };
  return m.name === undefined ? { role: m.role, content: textOf(m.content) } : { role: m.role, content: textOf(m.content), name: m.name };
}

export function typeName(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "an object";
  if (typeof value === "string") return value === "" ? "an empty string" : "a string";
  if (typeof value === "number") return "a number";
  if (typeof value === "boolean") return "true/false";
  return typeof value;
}
