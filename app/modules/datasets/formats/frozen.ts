import type { ChatMessage, StoredInput } from "~/modules/items/schemas";
import type { Question } from "~/modules/templates/schemas";
import type { DatasetOptions, TextSource } from "../schemas";

export type Split = "train" | "validation" | "test";
export const splits: readonly Split[] = ["train", "validation", "test"];

/** One question's consensus as frozen in a snapshot (a copy of its `resolutions` row). */
export type FrozenResolution = {
  status: "resolved" | "unresolved";
  value: unknown;
  method: string;
  agreement: number | null;
  annotations: number;
};

/** One item of a snapshot, as every item format reads it. */
export type FrozenRow = {
  position: number;
  itemId: number;
  externalId: string | null;
  split: Split;
  input: StoredInput;
  outputs: { text: string; model?: string }[];
  resolutions: Record<string, FrozenResolution>;
  label: string | null;
};

/** One frozen annotation, as annotations-jsonl writes it. */
export type FrozenAnnotation = {
  position: number;
  itemId: number;
  split: Split;
  reviewer: string;
  values: Record<string, unknown>;
  templateVersion: number;
  durationMs: number | null;
  submittedAt: string | null;
  updatedAt: string;
};

/**
 * Which question plays which part in the formats, settled once per snapshot from its template
 * and options, so every row (and the card) reads the same decisions.
 */
export type Roles = {
  label: { key: string; multiple: boolean } | null;
  approval: { key: string; kind: "thumbs" } | { key: string; kind: "rating"; min: number } | null;
  correction: string | null;
  pairwise: string | null;
  textFrom: TextSource;
  preferenceFromCorrections: boolean;
};

export function settleRoles(questions: Question[], options: DatasetOptions): Roles {
  const byKey = new Map(questions.map((q) => [q.key, q]));
  const labelQ = options.labelQuestion
    ? byKey.get(options.labelQuestion)
    : questions.find((q) => q.kind === "choice" && !q.multiple) ?? questions.find((q) => q.kind === "choice");
  const approvalQ = options.approval.question ? byKey.get(options.approval.question) : questions.find((q) => q.kind === "rating" || q.kind === "thumbs");
  let approval: Roles["approval"] = null;
  if (approvalQ?.kind === "thumbs") approval = { key: approvalQ.key, kind: "thumbs" };
  if (approvalQ?.kind === "rating") approval = { key: approvalQ.key, kind: "rating", min: options.approval.minRating ?? approvalQ.max - 1 };
  return {
    label:
      labelQ && (labelQ.kind === "choice" || labelQ.kind === "thumbs")
        ? { key: labelQ.key, multiple: labelQ.kind === "choice" && labelQ.multiple }
        : null,
    approval,
    correction: questions.find((q) => q.kind === "correction")?.key ?? null,
    pairwise: questions.find((q) => q.kind === "pairwise")?.key ?? null,
    textFrom: options.textFrom,
    preferenceFromCorrections: options.preferenceFromCorrections,
  };
}

/** The class label of a row (single: the value; multi: the values sorted and joined with "|"). */
export function labelOf(resolutions: Record<string, FrozenResolution>, roles: Roles): string | string[] | null {
  if (!roles.label) return null;
  const r = resolutions[roles.label.key];
  if (!r || r.status !== "resolved" || r.value === null || r.value === undefined) return null;
  if (Array.isArray(r.value)) return r.value.map(String).sort();
  return String(r.value);
}

export const joinLabels = (label: string | string[]) => (Array.isArray(label) ? label.join("|") : label);

/** The input as chat messages: a plain prompt becomes one user message. */
export function promptMessages(input: StoredInput): ChatMessage[] {
  return input.type === "text" ? [{ role: "user", content: input.text }] : input.messages.map(({ role, content, name }) => (name ? { role, content, name } : { role, content }));
}

/**
 * The text a classifier reads and where it came from: the first output, or the prompt (the last
 * user message of a chat) — with `auto`, the output when the item has one, else the prompt.
 */
export function classifierText(row: FrozenRow, roles: Roles): { text: string; from: "output" | "prompt" } {
  const from = roles.textFrom === "input" || (roles.textFrom === "auto" && row.outputs.length === 0) ? "prompt" : "output";
  if (from === "output") return { text: row.outputs[0]?.text ?? "", from };
  if (row.input.type === "text") return { text: row.input.text, from };
  return { text: [...row.input.messages].reverse().find((m) => m.role === "user")?.content ?? "", from };
}
