import { z } from "zod";
import { db } from "~/db.server";
import { ImportFailedError, importItems, type ImportResult } from "~/modules/imports/import-items.server";
import { fileTypes, importModes, importPolicies, MappingSyntaxError, parseMapPairs, presetNames, type FileType } from "~/modules/imports/schemas";
import { arrayImport } from "~/modules/items/add-items.server";
import { listItems, MAX_PAGE } from "~/modules/items/queries.server";
import { BULK_BATCH, BULK_CAP, bulkItems } from "~/modules/items/bulk-items.server";
import { bulkRequestSchema, itemSorts, itemStates, MAX_BULK_IDS, MAX_ITEMS_PER_REQUEST, newItemSchema, newItemsSchema } from "~/modules/items/schemas";
import { IMPORT_LIMIT_SETTINGS, importLimits } from "~/utils/env.server";
import { ValidationError } from "~/utils/errors";
import { formatBytes } from "~/utils/format-bytes";
import { API_BODY_LIMIT, defineEndpoint, errorBodySchema } from "../define.server";

/** An item as the API returns it (the claim and the item list). */
export const storedItemSchema = z.object({
  id: z.int(),
  externalId: z.string().nullable(),
  input: z.unknown().describe("{type:'text', text} or {type:'messages', messages}"),
  outputs: z.array(z.object({ text: z.string(), model: z.string().optional() })),
  reference: z.string().nullable(),
  metadata: z.record(z.string(), z.unknown()),
});

const projectParams = z.object({ projectId: z.uuid({ error: "Expected a project id (a UUID)." }) });
const err = (description: string) => ({ description, schema: errorBodySchema });

const rowError = z.object({ line: z.int(), record: z.int(), field: z.string().nullable(), message: z.string() });
const counts = {
  received: z.int().describe("Rows read"),
  inserted: z.int().describe("New items"),
  matched: z.int().describe("Add-outputs mode: rows that found their item"),
  duplicates: z.int().describe("Rows already in the project, or whose outputs the item already had"),
  unmatched: z.int().describe("Add-outputs mode: rows that found no item"),
  outputsAdded: z.int(),
  rejected: z.int().describe("Bad rows, all counted; the first 1,000 are in `errors`"),
  errors: z.array(rowError).describe("The first 1,000 bad rows, each with its line, field and what was expected"),
};
const importResultSchema = z
  .object({ ...counts, importId: z.uuid().nullable(), ids: z.array(z.int()).optional().describe("New item ids (JSON-array bodies only)") })
  .meta({ id: "ImportResult" });
const importFailureSchema = errorBodySchema.extend(counts).meta({ id: "ImportFailure" });

const booleanFlag = z.enum(["true", "false"]).transform((v) => v === "true");

export const addItemsEndpoint = defineEndpoint({
  method: "post",
  path: "/api/v1/projects/{projectId}/items",
  tags: ["items"],
  summary: "Add items: a JSON array of up to 1,000, or an NDJSON (or CSV) stream of any length",
  description:
    "`application/json`: an array of up to 1,000 items, all or nothing (a bad item fails the request with 400). " +
    "`application/x-ndjson` (or `text/csv`, or either gzipped): a stream of any length, read as it arrives; bad rows are reported by line and skipped " +
    "(`policy=all-or-nothing` refuses the whole stream instead). Rows are in Loupe's item shape unless `format` names a preset. " +
    "Idempotent: rows already in the project (by externalId, else by content) count as duplicates.",
  params: projectParams,
  query: z.object({
    format: z.enum(presetNames).optional().describe("A preset for the rows' shape; without one, rows are Loupe items"),
    fileType: z.enum(fileTypes).optional().describe("Overrides what the content type (or the content) says"),
    map: z.string().optional().describe("field=path (input, output, reference, externalId, label); repeat for several, e.g. map=input=question&map=output=answer@gpt-4o"),
    mode: z.enum(importModes).optional().describe("add-outputs: rows add their outputs to the items they match (by externalId, else exact input)"),
    policy: z.enum(importPolicies).optional(),
    gold: booleanFlag.optional().describe("Labels (or HH preferences) become gold answers instead of suggestions"),
  }),
  streamedBody: {
    description: "Items, or rows in the shape `format` names",
    content: {
      "application/json": newItemsSchema.meta({ id: "NewItems" }),
      "application/x-ndjson": newItemSchema.meta({ id: "NewItem", description: "One item (or preset row) per line" }),
      "text/csv": z.string().describe("A header row, then one row per item; `,` `;` or tab"),
    },
  },
  responses: {
    200: { description: "What went in; counts are exact, errors the first 1,000", schema: importResultSchema },
    400: { description: "Unreadable or empty input, or (JSON arrays) an invalid item", schema: importFailureSchema },
    401: err("Missing, invalid or revoked API key"),
    403: err("Your role may not import items"),
    404: err("Not found, or not visible to you"),
    413: { description: "Over the size limit; rows before it went in", schema: importFailureSchema },
    415: err("Unsupported content type"),
    422: { description: "No row could be imported, or all-or-nothing refused the input", schema: importFailureSchema },
  },
  handler: async ({ actor, params, query, request, signal }) => {
    const options = {
      format: query.format,
      fileType: query.fileType,
      mode: query.mode,
      policy: query.policy,
      gold: query.gold,
      mapping: mappingFrom(new URL(request.url).searchParams.getAll("map")),
    };
    const body = chunksOf(request.body);
    const kind = bodyKind(request.headers.get("content-type"));
    const { maxBytes } = importLimits();
    if (kind !== "json-array" && Number(request.headers.get("content-length")) > maxBytes) {
      return { status: 413, body: { error: `The upload is larger than the ${formatBytes(maxBytes)} limit (${IMPORT_LIMIT_SETTINGS.maxBytes}).` } };
    }
    const client = new AbortController();
    const gone = () => client.abort(new DOMException("The client closed the connection.", "AbortError"));
    signal.addEventListener("abort", gone, { once: true });
    try {
      if (kind === "json-array") {
        const result = await arrayImport(db, actor, params.projectId, { stream: body }, "api", { maxBytes: API_BODY_LIMIT, ...options });
        return { status: 200, body: { ...result, importId: null } };
      }
      const result = await importItems(db, actor, {
        projectId: params.projectId,
        ...options,
        fileType: options.fileType ?? kind,
        input: { stream: body },
        origin: "api",
        signal: client.signal,
        emptyMessage: "The body is empty: send one item per line.",
        track: { fileName: "API stream", totalBytes: Number(request.headers.get("content-length")) || undefined },
      });
      return { status: 200, body: answer(result) };
    } catch (error) {
      if (!(error instanceof ImportFailedError)) throw error;
      // why: the rest of the body is left unread, so this connection cannot carry another request.
      return { status: error.status, body: { error: error.message, ...answer(error.summary) }, headers: { connection: "close" } };
    } finally {
      signal.removeEventListener("abort", gone);
    }
  },
});

const filterParam = z
  .string()
  .max(10_000)
  .transform((text, ctx) => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      ctx.addIssue({ code: "custom", message: "Expected a dataset filter as JSON." });
      return z.NEVER;
    }
  });

export const listItemsEndpoint = defineEndpoint({
  method: "get",
  path: "/api/v1/projects/{projectId}/items",
  tags: ["items"],
  summary: "List a project's items with their outputs and metadata: in the order they went in, or by priority; filtered and searched (keyset pages)",
  description:
    "Without `sort`, `state`, `q` or `filter`, every item in id order (the order they went in). `q` searches the words of the input and the outputs " +
    "(web-search syntax: quoted phrases, `or`, `-word`). `filter` is a dataset filter as JSON (the datasets API's `filter`; its `status` defaults to `any` here). " +
    "Pages are keyset pages: pass `nextCursor` as `cursor` for the next one, `prevCursor` as `before` for the one before, with the same sort.",
  params: projectParams,
  query: z.object({
    cursor: z.string().max(100).optional().describe("`nextCursor` from the previous page"),
    before: z.string().max(100).optional().describe("`prevCursor` of a page: the page before it"),
    limit: z.coerce.number({ error: `Expected a page size from 1 to ${MAX_PAGE}.` }).int().min(1).max(MAX_PAGE, { error: `At most ${MAX_PAGE}.` }).default(100),
    sort: z.enum(itemSorts, { error: `Expected sort to be one of: ${itemSorts.join(", ")}.` }).optional().describe("id (the default: the order items went in) or priority"),
    dir: z.enum(["asc", "desc"], { error: "Expected dir to be asc or desc." }).optional(),
    state: z.enum(itemStates, { error: `Expected state to be one of: ${itemStates.join(", ")}.` }).optional().describe("Only items with this status"),
    q: z.string().max(200, { error: "Search for at most 200 characters." }).optional().describe("Full-text search over input and outputs"),
    filter: filterParam.optional().describe("A dataset filter as JSON, e.g. {\"models\":[\"gpt-4o\"],\"agreement\":{\"min\":0.8}}"),
  }),
  responses: {
    200: {
      description: "One page; `nextCursor` is null on the last, `prevCursor` on the first",
      schema: z
        .object({
          items: z.array(
            storedItemSchema.extend({
              gold: z.record(z.string(), z.unknown()).nullable(),
              priority: z.int(),
              status: z
                .enum(itemStates)
                .describe(
                  "open: in the review queue; done: answered as often as the overlap asks (or labelled by a machine); held: stored but not queued (an output end-user feedback is about); gold: a training item with a known answer, handed to reviewers at the gold rate and in onboarding rounds, out of progress",
                ),
              source: z.string(),
              createdAt: z.iso.datetime(),
            }),
          ),
          nextCursor: z.string().nullable(),
          prevCursor: z.string().nullable(),
        })
        .meta({ id: "ItemPage" }),
    },
    400: err("Invalid cursor, limit, sort, search or filter (the issue names the field)"),
    401: err("Missing, invalid or revoked API key"),
    404: err("Not found, or not visible to you"),
  },
  handler: async ({ actor, params, query }) => {
    const { cursor, before, limit, filter, ...rest } = query;
    const page = await listItems(db, actor, params.projectId, { query: rest, filter, cursor, before, limit });
    return { status: 200, body: { ...page, items: page.items.map((i) => ({ ...i, createdAt: i.createdAt.toISOString() })) } };
  },
});

export const bulkItemsEndpoint = defineEndpoint({
  method: "post",
  path: "/api/v1/projects/{projectId}/items/bulk",
  tags: ["items"],
  summary: "Act on many items: set priority, send back to the queue, mark as gold with an answer, or delete",
  description:
    `\`selection\` is \`{ids: [...]}\` (up to ${MAX_BULK_IDS.toLocaleString("en")}) or \`{query: {state, q}, filter}\`: every item the search and dataset filter match, ` +
    `up to ${BULK_CAP.toLocaleString("en")} per request (narrow the filter for more). Items change in id-ordered batches of ${BULK_BATCH.toLocaleString("en")}, each its own transaction; ` +
    "each changed item gets an audit entry, the action one on the project. `requeue` opens items whose answers are fewer than the project's overlap " +
    "(those that have them are counted in `skipped`: raise the overlap to ask for more). `gold` is checked against the template. " +
    "`delete` needs `confirmCount`, the number of items you expect it to delete; a different number refuses with 409. Managers only.",
  params: projectParams,
  body: bulkRequestSchema.meta({ id: "BulkItemsRequest" }),
  responses: {
    200: {
      description: "What was done: items matched, changed, and skipped (requeue: already had their answers)",
      schema: z.object({ action: z.enum(["priority", "requeue", "gold", "delete"]), matched: z.int(), changed: z.int(), skipped: z.int() }).meta({ id: "BulkItemsResult" }),
    },
    400: err("Invalid selection or action (the issue names the field), or a filter matching too many items"),
    401: err("Missing, invalid or revoked API key"),
    403: err("Only managers act on items in bulk"),
    404: err("Not found, or not visible to you"),
    409: err("delete: confirmCount differs from the items that match now"),
  },
  handler: async ({ actor, params, body }) => ({ status: 200, body: await bulkItems(db, actor, params.projectId, body) }),
});

function answer(result: ImportResult) {
  const { received, inserted, matched, duplicates, unmatched, outputsAdded, rejected, errors, importId } = result;
  return { received, inserted, matched, duplicates, unmatched, outputsAdded, rejected, errors, importId };
}

/** What the content type says the body is; anything else is refused with 415. */
function bodyKind(contentType: string | null): "json-array" | FileType | undefined {
  const type = (contentType ?? "").split(";")[0]!.trim().toLowerCase();
  if (type === "application/json") return "json-array";
  if (["application/x-ndjson", "application/jsonl", "application/x-jsonlines", "application/ndjson"].includes(type)) return "jsonl";
  if (type === "text/csv" || type === "text/tab-separated-values") return "csv";
  if (type === "application/gzip" || type === "application/octet-stream") return undefined;
  throw new Response(
    JSON.stringify({
      error: `Expected Content-Type application/json (an array of up to ${MAX_ITEMS_PER_REQUEST.toLocaleString("en")} items), application/x-ndjson or text/csv (got ${type || "none"}).`,
    }),
    { status: 415, headers: { "content-type": "application/json; charset=utf-8" } },
  );
}

function mappingFrom(pairs: string[]) {
  try {
    return parseMapPairs(pairs);
  } catch (error) {
    if (error instanceof MappingSyntaxError) throw new ValidationError(`map: ${error.message}`, [{ field: "query.map", message: error.message }]);
    throw error;
  }
}

/**
 * The body's chunks. Stopping early releases the stream without cancelling it: a cancel destroys
 * the request's socket, often before the answer saying why the import stopped is written.
 */
async function* chunksOf(body: ReadableStream<Uint8Array> | null): AsyncGenerator<Uint8Array> {
  if (!body) return;
  const reader = body.getReader();
  try {
    for (let next = await reader.read(); !next.done; next = await reader.read()) yield next.value;
  } finally {
    reader.releaseLock();
  }
}
