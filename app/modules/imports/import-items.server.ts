import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { Readable } from "node:stream";
import { randomUUID } from "node:crypto";
import type { Db } from "~/db.server";
import type { Actor } from "~/modules/auth/actor";
import { authorizeProject } from "~/modules/projects/authorize.server";
import { getTemplate } from "~/modules/templates/get-template.server";
import { IMPORT_LIMIT_SETTINGS, importLimits } from "~/utils/env.server";
import { DomainError } from "~/utils/errors";
import { parseOrThrow } from "~/utils/validation";
import { ImportInputError, ImportLimitError, limitText, type ReaderLimits } from "./bytes.server";
import { resolveTargets } from "./map-row";
import { suggestPreset } from "./presets";
import { isGzip, peek } from "./read-records.server";
import { PassStopped, runPass, TooManyRecordsError, type PassResult } from "./run-pass.server";
import { emptyCounts, importOptionsSchema, type ImportOptionsInput, type ImportSummary, type RowError } from "./schemas";
import { createImportRow } from "./create-import.server";
import { ImportTracker, type Progress } from "./tracker.server";

export type ImportLimits = { maxBytes: number; maxRecordBytes: number; maxInflatedBytes: number; maxDepth: number };
/** Deeper JSON than any real item needs, and well within what PostgreSQL's jsonb parser takes. */
export const MAX_JSON_DEPTH = 64;

export type ImportRequest = ImportOptionsInput & {
  projectId: string;
  /** The bytes: a stream read once, or a file (or anything) that can be opened again. */
  input: { stream: AsyncIterable<Uint8Array> } | { open: () => AsyncIterable<Uint8Array> };
  /** Stored as the items' `source`. */
  origin: "api" | "upload" | "cli";
  limits?: Partial<ImportLimits>;
  /** Refuse inputs with more rows than this (nothing is written): the JSON-array API's 1,000. */
  maxRecords?: number;
  /** Keep a progress row: the given one (a queued job's), or a new one. */
  track?: { importId?: string; fileName?: string; totalBytes?: number; instanceId?: string };
  signal?: AbortSignal;
  /** How an empty input is described ("The file is empty." by default). */
  emptyMessage?: string;
  /** Return the new items' ids (small imports only). */
  keepIds?: boolean;
  onProgress?: (progress: Progress) => void;
};

export type ImportResult = ImportSummary & { importId: string | null; ids?: number[] };

export type ImportFailure = "refused" | "no-rows" | "empty" | "unreadable" | "too-large" | "too-many-rows" | "stopped" | "failed";
const statusOf: Record<ImportFailure, number> = {
  refused: 422,
  "no-rows": 422,
  empty: 400,
  unreadable: 400,
  "too-large": 413,
  "too-many-rows": 400,
  stopped: 503,
  failed: 500,
};

/** The import could not be done, or the all-or-nothing policy refused it; `summary` says how far it got. */
export class ImportFailedError extends DomainError {
  override readonly status: number;
  constructor(
    message: string,
    readonly summary: ImportResult,
    readonly reason: ImportFailure,
    status = statusOf[reason],
  ) {
    super(message);
    this.status = status;
  }
}

/**
 * The one way items get into a project (API, upload page, background job, CLI, `addItems`):
 * streams the input through the reader, the preset/mapping and zod, and writes it in short
 * batched transactions. Bad rows are reported by line and skipped; with `all-or-nothing` the
 * input is checked completely first and nothing is written if any row is bad. Idempotent: rows
 * already in the project (by external id, else content hash) are counted as duplicates, so a
 * re-import after a crash writes each row exactly once.
 */
export async function importItems(db: Db, actor: Actor, request: ImportRequest): Promise<ImportResult> {
  await authorizeProject(db, actor, request.projectId, "items.import");
  const options = parseOrThrow(importOptionsSchema, {
    format: request.format,
    fileType: request.fileType,
    mapping: request.mapping,
    mode: request.mode,
    policy: request.policy,
    gold: request.gold,
  });
  const targets = resolveTargets(await getTemplate(db, request.projectId), options);
  const configured = importLimits();
  const limits: ImportLimits = { ...configured, maxDepth: MAX_JSON_DEPTH, ...request.limits };
  // why: a message names the setting to change only when the limit is that setting's value.
  const setting = (key: keyof typeof IMPORT_LIMIT_SETTINGS) => (limits[key] === configured[key] ? IMPORT_LIMIT_SETTINGS[key] : undefined);
  const readerLimits: ReaderLimits = { ...limits, settings: { maxRecordBytes: setting("maxRecordBytes"), maxInflatedBytes: setting("maxInflatedBytes") } };
  const tooLarge = () => new ImportLimitError(`The upload is larger than ${limitText(limits.maxBytes, setting("maxBytes"))}.`);
  const importId = request.track
    ? (request.track.importId ??
      (await createImportRow(db, actor, { projectId: request.projectId, origin: request.origin, options, ...request.track })))
    : null;
  const tracker = importId ? new ImportTracker(db, importId) : null;
  await tracker?.start();

  let spooled: string | null = null;
  let counted = 0;
  const count = async function* (stream: AsyncIterable<Uint8Array>) {
    counted = 0;
    for await (const chunk of stream) {
      counted += chunk.byteLength;
      if (counted > limits.maxBytes) throw tooLarge();
      yield chunk;
    }
  };
  const summarize = (progress: Progress, errors: RowError[], fileType = options.fileType ?? "jsonl"): ImportResult => ({
    ...progress,
    errors,
    fileType,
    importId,
  });
  const pass = (dryRun: boolean, bytes: AsyncIterable<Uint8Array>) =>
    runPass({
      db,
      projectId: request.projectId,
      source: request.origin,
      bytes: count(bytes),
      options,
      targets,
      limits: readerLimits,
      dryRun,
      maxRecords: request.maxRecords,
      emptyMessage: request.emptyMessage,
      keepIds: request.keepIds ?? false,
      signal: request.signal,
      bytesRead: () => counted,
      record: tracker ? (tx, progress) => tracker.record(tx, progress) : undefined,
      onProgress: async (progress, errors) => {
        if (!dryRun) request.onProgress?.(progress);
        await tracker?.report(dryRun ? { ...emptyCounts(), bytesRead: progress.bytesRead, lastLine: 0 } : null, dryRun ? [] : errors);
      },
    });

  let result: PassResult | undefined;
  try {
    let open = "open" in request.input ? request.input.open : null;
    let stream: AsyncIterable<Uint8Array> | null = null;
    if (!open) {
      const peeked = await peek((request.input as { stream: AsyncIterable<Uint8Array> }).stream, 2);
      stream = peeked.stream;
      // why: a one-time stream goes to disk first when it must be read twice (all or nothing), and
      // when it is gzipped: inflating it can take far longer than receiving it, and a connection
      // left paused meanwhile would never show its client leaving (the socket is not read).
      if (options.policy === "all-or-nothing" || isGzip(peeked.head)) {
        spooled = await spool(peeked.stream, limits.maxBytes, tooLarge, request.signal);
        const file = spooled;
        open = () => fs.createReadStream(file, { highWaterMark: 256 * 1024 });
      }
    }
    if (options.policy === "all-or-nothing") {
      const check = await pass(true, open!());
      if (check.progress.rejected > 0) {
        const bad = check.progress.rejected;
        const summary = { ...summarize({ ...emptyCounts(), received: check.progress.received, rejected: bad, bytesRead: 0, lastLine: 0 }, check.errors, check.fileType) };
        throw new ImportFailedError(`Nothing was imported: ${bad} of ${check.progress.received} rows ${bad === 1 ? "is" : "are"} bad, and the import is all or nothing.`, summary, "refused");
      }
    }
    result = await pass(false, open ? open() : stream!);
    const { progress } = result;
    const summary: ImportResult = { ...summarize(progress, result.errors, result.fileType), ...(request.keepIds ? { ids: result.ids } : {}) };
    if (progress.received > 0 && progress.rejected === progress.received) {
      summary.hint = hintFor(result.firstValue, options.format);
      throw new ImportFailedError(`No row could be imported: all ${progress.received} rows were rejected.${summary.hint ? ` ${summary.hint}` : ""}`, summary, "no-rows");
    }
    await tracker?.finish("succeeded", progress, [], null);
    return summary;
  } catch (error) {
    // why: a client that goes away mid-body fails the read first; the abort is what happened.
    const failed = asImportFailure(request.signal?.aborted ? stoppedBy(error, request.signal.reason) : error, summarize);
    if (tracker) {
      const s = failed.summary;
      await tracker.finish("failed", s, s.errors, failed.message).catch(() => {});
    }
    throw failed;
  } finally {
    if (spooled) fs.rmSync(spooled, { force: true });
  }
}

/** The pass's progress, with the abort's reason as what stopped it. */
function stoppedBy(error: unknown, reason: unknown): unknown {
  const abort = (reason as { name?: string })?.name === "AbortError" ? reason : new DOMException("This operation was aborted", "AbortError");
  return error instanceof PassStopped ? new PassStopped(abort, error.progress, error.errors) : abort;
}

/** Any way an import can end badly, as one error carrying the counts committed before it. */
function asImportFailure(error: unknown, summarize: (p: Progress, e: RowError[]) => ImportResult): ImportFailedError {
  if (error instanceof ImportFailedError) return error;
  const stopped = error instanceof PassStopped ? error : null;
  const reason = stopped ? stopped.reason : error;
  const summary = summarize(stopped?.progress ?? { ...emptyCounts(), bytesRead: 0, lastLine: 0 }, stopped?.errors ?? []);
  const where = summary.lastLine ? ` Rows up to line ${summary.lastLine} are in; import the file again to finish (rows already in are skipped).` : "";
  if (reason instanceof ImportLimitError) {
    // why: importing the same file again meets the same limit; say what is in, not "again".
    const before = reason.message.startsWith("Stopped at line")
      ? " The rows before it that could be read are in; fix the file and import it again (rows already in are skipped)."
      : summary.lastLine
        ? ` Rows up to line ${summary.lastLine} are in.`
        : "";
    return new ImportFailedError(`${reason.message}${before}`, summary, "too-large");
  }
  if (reason instanceof TooManyRecordsError) return new ImportFailedError("Too many rows for one request: nothing was imported.", summary, "too-many-rows");
  if (reason instanceof ImportInputError) return new ImportFailedError(reason.message, summary, reason.empty ? "empty" : "unreadable");
  if (reason instanceof DomainError) return new ImportFailedError(reason.message, summary, "failed", reason.status);
  if ((reason as { name?: string })?.name === "AbortError") {
    const message = (reason as Error).message;
    const why = message && message !== "This operation was aborted" ? ` ${message}` : "";
    return new ImportFailedError(`Stopped before the end.${why}${where}`, summary, "stopped");
  }
  const wrapped = new ImportFailedError(`The import failed: ${reason instanceof Error ? reason.message : String(reason)}.${where}`, summary, "failed");
  (wrapped as { cause?: unknown }).cause = reason;
  return wrapped;
}

function hintFor(first: unknown, used: string | undefined): string | undefined {
  const suggested = suggestPreset(first);
  if (!suggested || suggested === used) return undefined;
  return `The rows look like the ${suggested} format: try format ${suggested}.`;
}

/** Copies a one-time stream to a temporary file (within the size limit) so it can be read twice. */
async function spool(stream: AsyncIterable<Uint8Array>, maxBytes: number, tooLarge: () => Error, signal?: AbortSignal): Promise<string> {
  const file = path.join(os.tmpdir(), `loupe-import-${randomUUID()}`);
  let size = 0;
  try {
    await pipeline(
      Readable.from(stream),
      async function* (chunks: AsyncIterable<Uint8Array>) {
        for await (const chunk of chunks) {
          signal?.throwIfAborted();
          size += chunk.byteLength;
          if (size > maxBytes) throw tooLarge();
          yield chunk;
        }
      },
      fs.createWriteStream(file, { mode: 0o600 }),
    );
    return file;
  } catch (error) {
    fs.rmSync(file, { force: true });
    throw error;
  }
}
