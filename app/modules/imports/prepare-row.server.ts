import { createHash } from "node:crypto";
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

const hashOf = (input: string, outputs: string) => createHash("sha256").update(`[${input},${outputs}]`).digest("hex");

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
  const texts: [string, string | null | undefined][] = [
    ["input", input],
    ["outputs", outputs],
    ["metadata", metadata],
    ["reference", item.reference === undefined ? undefined : JSON.stringify(item.reference)],
    ["externalId", item.externalId === undefined ? undefined : JSON.stringify(item.externalId)],
    ["gold", gold],
    ["suggestions", item.suggestions.length ? JSON.stringify(item.suggestions) : undefined],
  ];
  for (const [field, json] of texts) {
    if (!json || !json.includes("\\u")) continue;
    if (NUL_ESCAPE.test(json)) return { problem: { field, message: `"${field}": text cannot contain the NUL character (\\u0000)` } };
    if (LONE_SURROGATE.test(json)) return { problem: { field, message: `"${field}": contains a lone UTF-16 surrogate escape (\\ud800–\\udfff), which is not text` } };
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
