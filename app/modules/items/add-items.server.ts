import type { Db } from "~/db.server";
import type { Actor } from "~/modules/auth/actor";
import { ImportFailedError, importItems, type ImportRequest, type ImportResult } from "~/modules/imports/import-items.server";
import type { RowError } from "~/modules/imports/schemas";
import { ValidationError } from "~/utils/errors";
import { MAX_ITEMS_PER_REQUEST, type NewItem } from "./schemas";

/**
 * Adds up to 1,000 items given in Loupe's shape, all or nothing: through the same importer as
 * every other way in, so the rules (validation, idempotency by external id or content) are one.
 * A bad item fails the whole call with a ValidationError naming `<index>.<field>`.
 */
export async function addItems(db: Db, actor: Actor, projectId: string, input: NewItem[], source: "api" | "upload" | "cli" = "api") {
  const json = Buffer.from(JSON.stringify(input));
  return arrayImport(db, actor, projectId, { open: () => once(json) }, source);
}

/**
 * A JSON array of items (the API's application/json body) through the importer, with the rules
 * addItems has always had: at most 1,000 items, all or nothing, ids of the new items returned.
 */
export async function arrayImport(
  db: Db,
  actor: Actor,
  projectId: string,
  input: ImportRequest["input"],
  source: "api" | "upload" | "cli",
  options: Pick<ImportRequest, "format" | "mapping" | "mode" | "gold"> & { maxBytes?: number } = {},
) {
  const { maxBytes, ...rest } = options;
  let result: ImportResult;
  try {
    result = await importItems(db, actor, {
      ...rest,
      projectId,
      input,
      // why: one request of at most 1,000 items: gzipped, it may inflate to no more than the body limit.
      limits: maxBytes ? { maxBytes, maxInflatedBytes: maxBytes } : undefined,
      fileType: "json",
      policy: "all-or-nothing",
      maxRecords: MAX_ITEMS_PER_REQUEST,
      origin: source,
      keepIds: true,
      emptyMessage: "Send at least one item.",
    });
  } catch (error) {
    throw asValidationError(error);
  }
  const { received, inserted, matched, duplicates, unmatched, outputsAdded, rejected, errors, ids = [] } = result;
  return { received, inserted, matched, duplicates, unmatched, outputsAdded, rejected, errors, ids };
}

function asValidationError(error: unknown): unknown {
  if (!(error instanceof ImportFailedError) || error.reason === "too-large") return error;
  if (error.reason === "too-many-rows") {
    return new ValidationError(`Send at most ${MAX_ITEMS_PER_REQUEST.toLocaleString("en")} items per JSON array request; stream application/x-ndjson for more.`);
  }
  const issues = error.summary.errors.map((e: RowError) => ({ field: `${e.record - 1}${e.field ? `.${e.field}` : ""}`, message: e.message }));
  if (issues.length === 0) return new ValidationError(error.message);
  return new ValidationError(issues.map((i) => `${i.field}: ${i.message}`).join("; "), issues);
}

async function* once(bytes: Uint8Array) {
  yield bytes;
}
