import crypto from "node:crypto";
import { toStoredInput, type ParsedItem } from "~/modules/items/schemas";
import type { RecordProblem } from "./schemas";

export type StoredOutput = { text: string; model?: string };

/** An item ready for the database: its JSON columns already serialized, its identity hashed. */
export type PreparedRow = {
  line: number;
  record: number;
  externalId: string | null;
  /** itemKey(project id, input JSON): with `outputsKey`, the item's identity without an external id. */
  inputKey: string;
  outputsKey: string;
  input: string;
  outputs: string;
  outputList: StoredOutput[];
  reference: string | null;
  metadata: string;
  priority: number;
  gold: string | null;
  suggestions: ParsedItem["suggestions"];
  /** Roughly what the row costs in a batch (its JSON text). */
  size: number;
};

/**
 * What identifies an item's content when it has no external id: the keys of its input (within
 * its project) and of its outputs, each over the JSON as stored (input in its tagged form).
 * Outputs added later change neither.
 */
export function contentKeys(projectId: string, item: Pick<ParsedItem, "input" | "outputs">): { inputKey: string; outputsKey: string } {
  return { inputKey: inputKeyOf(projectId, JSON.stringify(toStoredInput(item.input))), outputsKey: itemKey(JSON.stringify(item.outputs)) };
}

/** The key "add outputs" imports find an item's exact input by. */
export const inputKeyOf = (projectId: string, inputJson: string) => itemKey(projectId.toLowerCase(), inputJson);

/**
 * The first 16 bytes of SHA-256 over the parts joined by a newline, as a uuid: the same value as
 * SQL's `loupe_key(parts…)` (db/functions/loupe_key.sql). 16 bytes keep the unique index small enough
 * to stay in memory at millions of items; 2⁻⁶⁴ collision odds at 4 billion items are ample.
 */
export function itemKey(...parts: string[]): string {
  const hex = sha256(parts.join("\n"));
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

// why: crypto.hash (Node 20.12+) is the one-shot form, about twice as fast per row.
const sha256 = (text: string): string =>
  typeof (crypto as { hash?: unknown }).hash === "function"
    ? (crypto as unknown as { hash: (algorithm: string, data: string) => string }).hash("sha256", text)
    : crypto.createHash("sha256").update(text).digest("hex");

const nul = (field: string) => ({ field, message: `"${field}": text cannot contain the NUL character (\\u0000)` });
const surrogate = (field: string) => ({ field, message: `"${field}": contains a lone UTF-16 surrogate escape (\\ud800–\\udfff), which is not text` });
const isWellFormed = (text: string) => !/[\ud800-\udfff]/.test(text) || (text as unknown as { isWellFormed(): boolean }).isWellFormed();

/**
 * Serializes a validated item for the batch insert, refusing what PostgreSQL would refuse for
 * the whole batch: a NUL character or a lone UTF-16 surrogate (both only reachable through
 * JSON `\u` escapes; raw bytes are checked when the row is read).
 */
export function prepareRow(item: ParsedItem, line: number, record: number, projectId: string): PreparedRow | { problem: RecordProblem } {
  const input = JSON.stringify(toStoredInput(item.input));
  const outputs = JSON.stringify(item.outputs);
  const metadata = JSON.stringify(item.metadata);
  const gold = item.gold ? JSON.stringify(item.gold) : null;
  const json: [string, string | null][] = [
    ["input", input],
    ["outputs", outputs],
    ["metadata", metadata],
    ["gold", gold],
  ];
  for (const [field, text] of json) {
    if (!text || !text.includes("\\u")) continue;
    if (NUL_ESCAPE.test(text)) return { problem: nul(field) };
    if (LONE_SURROGATE.test(text)) return { problem: surrogate(field) };
  }
  for (const [field, text] of [["reference", item.reference], ["externalId", item.externalId]] as const) {
    if (text === undefined) continue;
    if (text.includes("\0")) return { problem: nul(field) };
    if (!isWellFormed(text)) return { problem: surrogate(field) };
  }
  for (const s of item.suggestions) {
    const text = JSON.stringify(s.value ?? null);
    if (text.includes("\\u") && (NUL_ESCAPE.test(text) || LONE_SURROGATE.test(text))) return { problem: { field: "suggestions", message: `"suggestions": the value of "${s.question}" is not text PostgreSQL can store` } };
  }
  return {
    line,
    record,
    externalId: item.externalId ?? null,
    inputKey: inputKeyOf(projectId, input),
    outputsKey: itemKey(outputs),
    input,
    outputs,
    outputList: item.outputs,
    reference: item.reference ?? null,
    metadata,
    priority: item.priority,
    gold,
    suggestions: item.suggestions,
    size: input.length + outputs.length + metadata.length + (item.reference?.length ?? 0),
  };
}

// why: an escape only when the backslash is not itself escaped (an odd run of backslashes).
const NUL_ESCAPE = /(?<!\\)(?:\\\\)*\\u0000/;
const LONE_SURROGATE = /(?<!\\)(?:\\\\)*(?:\\ud[89ab][0-9a-f]{2}(?!\\ud[c-f][0-9a-f]{2})|(?<!\\ud[89ab][0-9a-f]{2})\\ud[c-f][0-9a-f]{2})/i;
