import { and, eq } from "drizzle-orm";
import { feedback, feedbackSettings } from "~db/schema";
import type { Db } from "~/db.server";
import type { Actor } from "~/modules/auth/actor";
import { ImportInputError, ImportLimitError, limitText, type ReaderLimits } from "~/modules/imports/bytes.server";
import { MAX_JSON_DEPTH } from "~/modules/imports/import-items.server";
import { openRecords } from "~/modules/imports/read-records.server";
import { isDataError } from "~/modules/imports/write-rows.server";
import { authorizeProject } from "~/modules/projects/authorize.server";
import { IMPORT_LIMIT_SETTINGS, importLimits } from "~/utils/env.server";
import { DomainError, ValidationError } from "~/utils/errors";
import { prepareRecord, type IngestSettings, type PreparedFeedback } from "./prepare-record.server";
import { writeFeedback } from "./write-feedback.server";

/** Where records go and how: the project's settings, and the key that sent them (null from the CLI). */
export type IngestTarget = IngestSettings & { keyId: string | null };

/** A batch is written when it reaches this many records. */
const BATCH_ROWS = 2_000;
/** Errors an answer lists; all are counted. */
export const MAX_ERRORS = 1_000;

export type RecordError = { line: number; field: string | null; message: string };
export type BatchResult = { received: number; accepted: number; duplicates: number; rejected: number; errors: RecordError[] };

/** A batch that could not be read to its end (empty, not gzip, over a limit); what came before it is in. */
export class IngestStreamError extends DomainError {
  override readonly status: number;
  constructor(
    message: string,
    readonly result: BatchResult,
    status: number,
  ) {
    super(message);
    this.status = status;
  }
}

/**
 * One record: checked (a ValidationError names the field), written idempotently. Sending the same
 * client id again returns the first record's id with `duplicate: true` — also when both arrive at
 * once (the unique index decides; the loser reads the winner's row).
 */
export async function ingestRecord(db: Db, target: IngestTarget, value: unknown): Promise<{ id: number; duplicate: boolean }> {
  const row = prepareRecord(value, 1, target);
  if ("issue" in row) {
    const field = row.issue.field ?? "(body)";
    throw new ValidationError(`${field}: ${row.issue.message}`, [{ field, message: row.issue.message }]);
  }
  const [id] = (
    await writeFeedback(db, { projectId: target.projectId, keyId: target.keyId }, [row]).catch((error: unknown) => {
      if (!isDataError(error)) throw error;
      const message = `The database refused this record (${error instanceof Error ? error.message : String(error)}).`;
      throw new ValidationError(message, [{ field: "(body)", message }]);
    })
  ).ids;
  if (id !== null && id !== undefined) return { id, duplicate: false };
  const [existing] = await db
    .select({ id: feedback.id })
    .from(feedback)
    .where(and(eq(feedback.projectId, target.projectId), eq(feedback.clientId, row.clientId!)));
  return { id: existing!.id, duplicate: true };
}

/**
 * An NDJSON stream of records (gzipped or not), read line by line with the imports' reader and
 * limits, written in batches: good lines go in, bad ones are counted and the first 1,000 named by
 * line and field. Memory stays bounded whatever the length. Retrying a stream adds only what was
 * not in yet (client ids).
 */
export async function ingestStream(db: Db, target: IngestTarget, bytes: AsyncIterable<Uint8Array>, options: { signal?: AbortSignal } = {}): Promise<BatchResult> {
  const result: BatchResult = { received: 0, accepted: 0, duplicates: 0, rejected: 0, errors: [] };
  const configured = importLimits();
  const limits: ReaderLimits = {
    maxRecordBytes: configured.maxRecordBytes,
    maxInflatedBytes: configured.maxInflatedBytes,
    maxDepth: MAX_JSON_DEPTH,
    settings: { maxRecordBytes: IMPORT_LIMIT_SETTINGS.maxRecordBytes, maxInflatedBytes: IMPORT_LIMIT_SETTINGS.maxInflatedBytes },
  };
  const reject = (line: number, field: string | null, message: string) => {
    result.rejected++;
    if (result.errors.length < MAX_ERRORS) result.errors.push({ line, field, message });
  };
  let batch: PreparedFeedback[] = [];
  // why: one batch is written while the next is read and checked, so Node's work and the
  // database's overlap instead of taking turns; batches still go in one after another, in order.
  let writing: Promise<void> = Promise.resolve();
  const flush = async () => {
    const rows = batch;
    batch = [];
    await writing;
    writing = write(rows);
    // why: handled here so a failure while the next batch is read is no unhandled rejection; the next await still throws it.
    writing.catch(() => {});
  };
  const write = async (rows: PreparedFeedback[]) => {
    if (rows.length === 0) return;
    const writer = { projectId: target.projectId, keyId: target.keyId };
    const count = (ids: (number | null)[]) => {
      const accepted = ids.filter((id) => id !== null).length;
      result.accepted += accepted;
      result.duplicates += ids.length - accepted;
    };
    try {
      count((await writeFeedback(db, writer, rows)).ids);
    } catch (error) {
      if (!isDataError(error)) throw error;
      // why: one record PostgreSQL refuses must not cost the good ones around it.
      for (const row of rows) {
        try {
          count((await writeFeedback(db, writer, [row])).ids);
        } catch (rowError) {
          if (!isDataError(rowError)) throw rowError;
          reject(row.line, null, `The database refused this record (${rowError instanceof Error ? rowError.message : String(rowError)}).`);
        }
      }
    }
  };
  try {
    const { records } = await openRecords(counted(bytes, configured.maxBytes), {
      fileType: "jsonl",
      limits,
      empty: "The body is empty: send one feedback record per line.",
      signal: options.signal,
    });
    for await (const raw of records) {
      result.received++;
      if ("problem" in raw) {
        reject(raw.line, raw.problem.field, capitalize(raw.problem.message));
        if (raw.stop) break;
        continue;
      }
      const row = prepareRecord(raw.value, raw.line, target);
      if ("issue" in row) reject(raw.line, row.issue.field, row.issue.message);
      else batch.push(row);
      if (batch.length >= BATCH_ROWS) await flush();
    }
    await flush();
    await writing;
    // why: a refused record of a batch written in the background is named after later lines were checked.
    result.errors.sort((a, b) => a.line - b.line);
    return result;
  } catch (error) {
    // why: a write still running must settle before the answer is made from the counts.
    await writing.catch(() => {});
    if (error instanceof ImportLimitError) throw new IngestStreamError(error.message, result, 413);
    if (error instanceof ImportInputError) throw new IngestStreamError(error.message, result, 400);
    throw error;
  }
}

const capitalize = (text: string) => text.charAt(0).toUpperCase() + text.slice(1) + (text.endsWith(".") ? "" : ".");

/** The bytes, refused once they pass the body limit. */
async function* counted(bytes: AsyncIterable<Uint8Array>, max: number): AsyncGenerator<Uint8Array> {
  let total = 0;
  for await (const chunk of bytes) {
    total += chunk.byteLength;
    if (total > max) throw new ImportLimitError(`The body is larger than ${limitText(max, IMPORT_LIMIT_SETTINGS.maxBytes)}.`);
    yield chunk;
  }
}

/** A project's ingest settings for a writer without a key (the CLI, a benchmark): no authorization here. */
export async function ingestTargetOf(db: Db, projectId: string): Promise<IngestTarget> {
  const [row] = await db
    .select({ redactPii: feedbackSettings.redactPii, queueSampleRate: feedbackSettings.queueSampleRate })
    .from(feedbackSettings)
    .where(eq(feedbackSettings.projectId, projectId));
  return { projectId, keyId: null, redactPii: row?.redactPii ?? false, queueSampleRate: row?.queueSampleRate ?? 0 };
}

/** A file of feedback records brought in by a manager (the CLI): ingestStream into their project, without a key. */
export async function importFeedback(db: Db, actor: Actor, projectId: string, bytes: AsyncIterable<Uint8Array>, options: { signal?: AbortSignal } = {}): Promise<BatchResult> {
  await authorizeProject(db, actor, projectId, "feedback.manage");
  return ingestStream(db, await ingestTargetOf(db, projectId), bytes, options);
}
