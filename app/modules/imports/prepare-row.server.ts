import crypto from "node:crypto";
import { toStoredInput, type ParsedItem } from "~/modules/items/schemas";
import type { RecordProblem } from "./schemas";

export type StoredOutput = { text: string; model?: string };

/** An item ready for the database: its JSON columns already serialized, its identity hashed. */
export type PreparedRow = {
  line: number;
  record: number;
  externalId: string | null;
  contentHash: string;
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
 * What identifies an item's content when it has no external id: SHA-256 of `[input, outputs]`
 * as JSON, input in its stored (tagged) form. Outputs added later do not change it.
 */
export function contentHash(item: Pick<ParsedItem, "input" | "outputs">): string {
  return hashOf(JSON.stringify(toStoredInput(item.input)), JSON.stringify(item.outputs));
}

// why: crypto.hash (Node 20.12+) is the one-shot form, about twice as fast per row.
const sha256 = (text: string): string =>
  typeof (crypto as { hash?: unknown }).hash === "function"
    ? (crypto as unknown as { hash: (algorithm: string, data: string) => string }).hash("sha256", text)
    : crypto.createHash("sha256").update(text).digest("hex");
const hashOf = (input: string, outputs: string) => sha256(`[${input},${outputs}]`);

const nul = (field: string) => ({ field, message: `"${field}": text cannot contain the NUL character (\\u0000)` });
const surrogate = (field: string) => ({ field, message: `"${field}": contains a lone UTF-16 surrogate escape (\\ud800–\\udfff), which is not text` });
const isWellFormed = (text: string) => !/[\ud800-\udfff]/.test(text) || (text as unknown as { isWellFormed(): boolean }).isWellFormed();

/**
 * Serializes a validated item for the batch insert, refusing what PostgreSQL would refuse for
 * the whole batch: a NUL character or a lone UTF-16 surrogate (both only reachable through
 * JSON `\u` escapes; raw bytes are checked when the row is read).
 */
export function prepareRow(item: ParsedItem, line: number, record: number): PreparedRow | { problem: RecordProblem } {
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
    contentHash: hashOf(input, outputs),
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
