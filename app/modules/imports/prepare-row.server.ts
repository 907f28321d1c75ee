import crypto from "node:crypto";
import { toStoredInput, type ParsedItem } from "~/modules/items/schemas";
import { rowField } from "./map-row";
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

/**
 * Serializes a validated item for the batch insert, refusing what PostgreSQL would refuse for
 * the whole batch: a NUL character (in text or jsonb) or a lone UTF-16 surrogate (in jsonb), both
 * only reachable through JSON `\u` escapes (raw bytes are checked when the row is read). The
 * problem names the field that holds it, as the row calls it (`sources`, from the mapping).
 */
export function prepareRow(item: ParsedItem, line: number, record: number, projectId: string, sources: Record<string, string> = {}): PreparedRow | { problem: RecordProblem } {
  const input = JSON.stringify(toStoredInput(item.input));
  const outputs = JSON.stringify(item.outputs);
  const metadata = JSON.stringify(item.metadata);
  const gold = item.gold ? JSON.stringify(item.gold) : null;
  // why: the serialized JSON is searched first (one pass, no escape in nearly every row); only a
  // row that has one is walked to find the field.
  const json = [input, outputs, metadata, gold, ...item.suggestions.map((s) => JSON.stringify(s.value ?? null))];
  const texts = [item.reference, item.externalId, ...item.suggestions.flatMap((s) => [s.question, s.source])];
  const escaped = json.some((text) => text !== null && text.includes("\\u") && (NUL_ESCAPE.test(text) || LONE_SURROGATE.test(text)));
  if (escaped || texts.some((t) => t !== undefined && (t.includes("\0") || !isWellFormed(t)))) {
    const bad = badText(item.input, "input") ?? badText(item.outputs, "outputs") ?? badText(item.reference, "reference") ?? badText(item.externalId, "externalId") ??
      badText(item.metadata, "metadata") ?? badText(item.gold, "gold") ?? badText(item.suggestions, "suggestions");
    if (bad) {
      const field = rowField(bad.path, sources);
      const what = bad.nul ? "text cannot contain the NUL character (\\u0000)" : "contains a lone UTF-16 surrogate escape (\\ud800–\\udfff), which is not text";
      return { problem: { field, message: `"${field}": ${what}` } };
    }
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

const isWellFormed = (text: string) => !/[\ud800-\udfff]/.test(text) || (text as unknown as { isWellFormed(): boolean }).isWellFormed();
/** A key as a field name shows it: its escapes written out, so a NUL is visible. */
const keyName = (key: string) => (key.includes("\0") || !isWellFormed(key) ? JSON.stringify(key).slice(1, -1) : key);

/** The first string or key in `value` (by path) that PostgreSQL cannot store, and whether it holds a NUL. */
function badText(value: unknown, path: string): { path: string; nul: boolean } | null {
  if (typeof value === "string") return value.includes("\0") ? { path, nul: true } : isWellFormed(value) ? null : { path, nul: false };
  if (typeof value !== "object" || value === null) return null;
  for (const [key, child] of Object.entries(value)) {
    const at = `${path}.${keyName(key)}`;
    if (key.includes("\0") || !isWellFormed(key)) return { path: at, nul: key.includes("\0") };
    const found = badText(child, at);
    if (found) return found;
  }
  return null;
}

// why: an escape only when the backslash is not itself escaped (an odd run of backslashes).
const NUL_ESCAPE = /(?<!\\)(?:\\\\)*\\u0000/;
const LONE_SURROGATE = /(?<!\\)(?:\\\\)*(?:\\ud[89ab][0-9a-f]{2}(?!\\ud[c-f][0-9a-f]{2})|(?<!\\ud[89ab][0-9a-f]{2})\\ud[c-f][0-9a-f]{2})/i;
