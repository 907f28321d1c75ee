import crypto from "node:crypto";
import { emptyPiiCounts, redactText } from "~/modules/datasets/pii";
import { contentKeys } from "~/modules/imports/prepare-row.server";
import { toStoredInput } from "~/modules/items/schemas";
import { feedbackRecordSchema, recordIssueOf, type FeedbackRecord, type RecordIssue } from "./schemas";

/** What a record is written with: the project's settings the ingest key brings. */
export type IngestSettings = { projectId: string; redactPii: boolean; queueSampleRate: number };

/** An inline output ready for the items table: its JSON serialized, its identity hashed as imports do. */
export type PreparedItem = { externalId: string | null; inputKey: string; outputsKey: string; input: string; outputs: string; metadata: string; open: boolean };

/** A feedback row ready for the batch insert (JSON-ready field names). */
export type PreparedFeedback = {
  line: number;
  clientId: string | null;
  traceId: string | null;
  externalId: string | null;
  item: PreparedItem | null;
  scoreKind: "thumbs" | "stars" | null;
  score: number | null;
  comment: string;
  pii: Record<string, number> | null;
  userId: string | null;
  segment: string | null;
  model: string | null;
  promptVersion: string | null;
  metadata: Record<string, unknown>;
  occurredAt: string | null;
};

/**
 * Checks one record against the contract and turns it into a row: the score as kind + number,
 * the comment redacted when the project asks (with what was replaced counted), the inline output
 * keyed like an imported item (so the same content is the same item) and sampled into the review
 * queue from the client id (so a retried record decides the same). Returns the first problem
 * instead, naming its field.
 */
export function prepareRecord(value: unknown, line: number, settings: IngestSettings): PreparedFeedback | { issue: RecordIssue } {
  const parsed = feedbackRecordSchema.safeParse(value);
  if (!parsed.success) return { issue: recordIssueOf(parsed.error) };
  const record = parsed.data;
  const bad = badText(record, "");
  if (bad) return { issue: { field: bad.path || null, message: bad.nul ? "Text cannot contain the NUL character (\\u0000)." : "Contains a lone UTF-16 surrogate escape (\\ud800–\\udfff), which is not text." } };
  let comment = record.comment ?? "";
  let pii: Record<string, number> | null = null;
  if (settings.redactPii && comment) {
    const counts = emptyPiiCounts();
    comment = redactText(comment, counts);
    const found = Object.entries(counts).filter(([, n]) => n > 0);
    if (found.length) pii = Object.fromEntries(found);
  }
  return {
    line,
    clientId: record.id ?? null,
    traceId: record.traceId ?? null,
    externalId: record.externalId ?? null,
    item: record.item ? prepareItem(record, settings) : null,
    scoreKind: record.thumbs !== undefined ? "thumbs" : record.rating !== undefined ? "stars" : null,
    score: record.thumbs !== undefined ? (record.thumbs === "up" ? 1 : 0) : (record.rating ?? null),
    comment,
    pii,
    userId: record.userId ?? null,
    segment: record.segment ?? null,
    model: record.model ?? record.item?.model ?? null,
    promptVersion: record.promptVersion ?? record.item?.promptVersion ?? null,
    metadata: record.metadata ?? {},
    occurredAt: record.timestamp ?? null,
  };
}

function prepareItem(record: FeedbackRecord, settings: IngestSettings): PreparedItem {
  const inline = record.item!;
  const input = Array.isArray(inline.input) ? { messages: inline.input } : inline.input;
  const model = inline.model ?? record.model;
  // why: the key order of an imported output ({text, model}), so the same content hashes the same.
  const outputs = [model ? { text: inline.output, model } : { text: inline.output }];
  const keys = contentKeys(settings.projectId, { input, outputs });
  const promptVersion = inline.promptVersion ?? record.promptVersion;
  const sampleKey = record.id ?? `${keys.inputKey}${keys.outputsKey}`;
  return {
    externalId: record.traceId ?? null,
    ...keys,
    input: JSON.stringify(toStoredInput(input)),
    outputs: JSON.stringify(outputs),
    metadata: JSON.stringify(promptVersion ? { promptVersion } : {}),
    open: settings.queueSampleRate > 0 && unitHash(`${settings.projectId}\n${sampleKey}`) < settings.queueSampleRate,
  };
}

/** A number in [0, 1) from SHA-256: the same text always gives the same number. */
export function unitHash(text: string): number {
  return parseInt(crypto.createHash("sha256").update(text).digest("hex").slice(0, 8), 16) / 2 ** 32;
}

const isWellFormed = (text: string) => !/[\ud800-\udfff]/.test(text) || (text as unknown as { isWellFormed(): boolean }).isWellFormed();

/** The first string or key PostgreSQL cannot store (a NUL, or a lone surrogate in jsonb), by its path. */
function badText(value: unknown, path: string): { path: string; nul: boolean } | null {
  if (typeof value === "string") return value.includes("\0") ? { path, nul: true } : isWellFormed(value) ? null : { path, nul: false };
  if (typeof value !== "object" || value === null) return null;
  for (const [key, child] of Object.entries(value)) {
    const at = path ? `${path}.${key}` : key;
    if (key.includes("\0") || !isWellFormed(key)) return { path: at, nul: key.includes("\0") };
    const found = badText(child, at);
    if (found) return found;
  }
  return null;
}
