import type { z } from "zod";
import { newItemSchema, type ParsedItem } from "~/modules/items/schemas";
import { checkAnswers } from "~/modules/templates/answers";
import type { Template } from "~/modules/templates/schemas";
import { ValidationError } from "~/utils/errors";
import { applyPreset, get, typeName, type Draft } from "./presets";
import type { ImportOptions, RecordProblem } from "./schemas";

/** Where labels and preferences go in this project: resolved once per import from its template. */
export type Targets = {
  template: Template | null;
  /** The first single-choice question: imported labels answer it. */
  label?: { key: string; options: Set<string> };
  /** The first pairwise question: HH preferences answer it when imported as gold. */
  pairwise?: string;
  gold: boolean;
};

/** Checks up front that the project can take what the options ask for, and says what is missing. */
export function resolveTargets(template: Template | null, options: ImportOptions): Targets {
  const wantsLabel = options.format === "classification-csv" || options.mapping.label !== undefined;
  if (options.mode === "add-outputs" && options.format === "classification-csv") {
    throw new ValidationError("classification-csv rows have no outputs to add; import them as new items.");
  }
  const targets: Targets = { template, gold: options.gold };
  if (wantsLabel) {
    const question = template?.questions.find((q) => q.kind === "choice" && !q.multiple);
    if (!question || question.kind !== "choice") {
      throw new ValidationError(
        "This project's template has no single-choice question to put the labels on. Add one (the Classify template has one) and import again.",
      );
    }
    targets.label = { key: question.key, options: new Set(question.options.map((o) => o.value)) };
  } else if (options.gold && options.format === "hh-rlhf") {
    const question = template?.questions.find((q) => q.kind === "pairwise");
    if (!question) throw new ValidationError("This project's template has no pairwise question to record the preferences on as gold. Add one and import again.");
    targets.pairwise = question.key;
  } else if (options.gold) {
    throw new ValidationError("Gold answers come from labels (classification-csv, or a mapped label) or HH preferences (hh-rlhf).");
  }
  return targets;
}

/** A mapped row: the item, and which of the row's fields each of its parts came from. */
export type Mapped = { item: ParsedItem; sources: Record<string, string> } | { problem: RecordProblem };

/** One parsed row → a valid item in Loupe's shape, or the first thing wrong with it, naming the row's field. */
export function mapRow(value: unknown, options: Pick<ImportOptions, "format" | "mapping">, targets: Targets): Mapped {
  const result = applyPreset(options.format, value, options.mapping);
  if ("problem" in result) return result;
  const { sources } = result;
  const draft: Draft = { ...result.draft };
  if (targets.label) {
    const problem = attachLabel(draft, sources.label ?? "label", targets);
    if (problem) return { problem };
  }
  delete draft.label;
  if (targets.pairwise) draft.gold = { ...(draft.gold as object), [targets.pairwise]: { winner: 0, shown: [0, 1] } };

  const parsed = newItemSchema.safeParse(draft);
  if (!parsed.success) return { problem: describeIssue(parsed.error.issues[0]!, draft, sources) };
  const item = parsed.data;
  if (item.gold) {
    const problem = checkGold(item, targets.template);
    if (problem) return { problem };
  }
  return { item, sources };
}

function attachLabel(draft: Draft, field: string, targets: Targets): RecordProblem | null {
  const label = typeof draft.label === "string" ? draft.label.trim() : draft.label;
  if (label === undefined || label === "") return { field, message: `"${field}" is missing` };
  if (typeof label !== "string") return { field, message: `"${field}": expected the label as text, got ${typeName(label)}` };
  const { key, options } = targets.label!;
  if (!options.has(label)) return { field, message: `"${field}": "${label}" is not an option of the question "${key}"` };
  if (targets.gold) draft.gold = { ...(draft.gold as object), [key]: label };
  else draft.suggestions = [...((draft.suggestions as unknown[]) ?? []), { question: key, value: label, source: "import" }];
  return null;
}

function checkGold(item: ParsedItem, template: Template | null): RecordProblem | null {
  if (!template) return { field: "gold", message: '"gold": the project has no template to check gold answers against' };
  const issue = checkAnswers(template, item.gold!, { outputs: item.outputs }, true)[0];
  if (!issue) return null;
  const field = issue.field.replace(/^values\./, "gold.");
  return { field, message: `"${field}": ${issue.message}` };
}

/** `"output" is missing`, or `"outputs.0.text": Expected … (got a number).` */
export function describeIssue(issue: z.core.$ZodIssue, draft: Draft, sources: Record<string, string>): RecordProblem {
  const path = issue.path.join(".");
  const field = rowField(path, sources) || "(row)";
  const value = path ? get(draft as Record<string, unknown>, path) : draft;
  if (value === undefined) return { field, message: `"${field}" is missing` };
  const got = issue.code === "invalid_type" || issue.code === "invalid_union" ? ` (got ${typeName(value)})` : "";
  return { field, message: `"${field}": ${issue.message.replace(/\.$/, "")}${got}` };
}

/**
 * The row's own name for an item path: the longest mapped prefix, else the path itself. An input
 * read from a list of messages keeps the list's indexes (`messages.3.content`).
 */
export function rowField(path: string, sources: Record<string, string>): string {
  for (let prefix = path; prefix; prefix = prefix.slice(0, Math.max(0, prefix.lastIndexOf(".")))) {
    if (sources[prefix]) {
      if (prefix !== path && prefix.startsWith("outputs.")) return sources[prefix]!;
      return sources[prefix]! + path.slice(prefix.length).replace(/^\.messages(?=\.)/, "");
    }
    if (!prefix.includes(".")) break;
  }
  return path;
}
