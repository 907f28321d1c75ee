import { z } from "zod";
import { db } from "~/db.server";
import { ImportFailedError, importItems, type ImportResult } from "~/modules/imports/import-items.server";
import { fileTypes, importModes, importPolicies, MappingSyntaxError, parseMapPairs, presetNames, type FileType } from "~/modules/imports/schemas";
import { arrayImport } from "~/modules/items/add-items.server";
import { listItems, MAX_PAGE } from "~/modules/items/queries.server";
import { MAX_ITEMS_PER_REQUEST, newItemSchema, newItemsSchema } from "~/modules/items/schemas";
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

export const listItemsEndpoint = defineEndpoint({
  method: "get",
  path: "/api/v1/projects/{projectId}/items",
  tags: ["items"],
  summary: "List a project's items with their outputs and metadata, in the order they went in (keyset pages)",
  params: projectParams,
  query: z.object({
    cursor: z.string().max(100).optional().describe("`nextCursor` from the previous page"),
    limit: z.coerce.number({ error: `Expected a page size from 1 to ${MAX_PAGE}.` }).int().min(1).max(MAX_PAGE, { error: `At most ${MAX_PAGE}.` }).default(100),
  }),
  responses: {
    200: {
      description: "One page; `nextCursor` is null on the last",
      schema: z
        .object({
          items: z.array(
            storedItemSchema.extend({
              gold: z.record(z.string(), z.unknown()).nullable(),
              priority: z.int(),
              status: z
                .enum(["open", "done", "held", "gold"])
                .describe(
                  "open: in the review queue; done: answered as often as the overlap asks (or labelled by a machine); held: stored but not queued (an output end-user feedback is about); gold: a training item with a known answer, handed to reviewers at the gold rate and in onboarding rounds, out of progress",
                ),
              source: z.string(),
              createdAt: z.iso.datetime(),
            }),
          ),
          nextCursor: z.string().nullable(),
        })
        .meta({ id: "ItemPage" }),
    },
    400: err("Invalid cursor or limit"),
    401: err("Missing, invalid or revoked API key"),
    404: err("Not found, or not visible to you"),
  },
  handler: async ({ actor, params, query }) => {
    const page = await listItems(db, actor, params.projectId, query);
    return { status: 200, body: { ...page, items: page.items.map((i) => ({ ...i, createdAt: i.createdAt.toISOString() })) } };
  },
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
