import { sql } from "drizzle-orm";
import { z } from "zod";
import { db } from "~/db.server";
import { countAttempt } from "~/modules/auth/rate-limit.server";
import { deleteFeedbackByUser } from "~/modules/feedback/delete-by-user.server";
import { ingestRecord, ingestStream, IngestStreamError, MAX_ERRORS } from "~/modules/feedback/ingest.server";
import { authenticateIngestKey, createIngestKey, listIngestKeys, originAllowed, revokeIngestKey, updateIngestKey } from "~/modules/feedback/ingest-keys.server";
import { createIngestKeySchema, deleteByUserSchema, feedbackRecordSchema, feedbackSettingsSchema, updateIngestKeySchema } from "~/modules/feedback/schemas";
import { getFeedbackSettings, saveFeedbackSettings } from "~/modules/feedback/settings.server";
import { formatBytes } from "~/utils/format-bytes";
import { httpAnswerOf } from "~/utils/http-errors";
import { apiHandler, API_BODY_LIMIT, defineEndpoint, errorBodySchema } from "../define.server";

/** Requests a minute one client address may send to the feedback API, whatever key it uses. */
export const FEEDBACK_ADDRESS_LIMIT = 120;
const MINUTE = 60;

const err = (description: string) => ({ description, schema: errorBodySchema });
const projectParams = z.object({ projectId: z.uuid({ error: "Expected a project id (a UUID)." }) });
const keyParams = z.object({ keyId: z.uuid({ error: "Expected an ingest key id (a UUID)." }) });
const manage = {
  401: err("Missing, invalid or revoked API key"),
  403: err("Only the project's managers manage feedback ingest"),
  404: err("Not found, or not visible to you"),
};

const batchResultSchema = z
  .object({
    received: z.int().describe("Records read (non-blank lines)"),
    accepted: z.int().describe("New feedback records"),
    duplicates: z.int().describe("Records whose id the project had already"),
    rejected: z.int().describe("Bad records, all counted; the first 1,000 are in `errors`"),
    errors: z.array(z.object({ line: z.int(), field: z.string().nullable(), message: z.string() })).describe(`The first ${MAX_ERRORS} bad lines, each with its field and what was expected`),
  })
  .meta({ id: "FeedbackBatchResult" });

// ---------------------------------------------------------------- the public ingest endpoint

/** The client address of each request in flight, handed from the route (Express's req.ip) to the endpoint. */
const clientAddresses = new WeakMap<Request, string>();

export const feedbackIngestEndpoint = defineEndpoint({
  method: "post",
  path: "/api/v1/feedback",
  tags: ["feedback"],
  public: true,
  summary: "Send end-user feedback with a project ingest key: one record (JSON) or many (NDJSON, optionally gzipped)",
  description:
    "Authenticate with `Authorization: Bearer lfi_…` (a project's ingest key; it can write feedback and read nothing). " +
    "Browsers: CORS, for the origins the key lists (`OPTIONS` preflight answered for origins some live key lists; a POST from another origin is 403). " +
    `Rate limits: the key's records a minute, and ${FEEDBACK_ADDRESS_LIMIT} requests a minute per client address; over either, 429 with Retry-After. ` +
    "A record with an `id` is idempotent: the same id again is answered with the first record's id and `duplicate: true`.",
  streamedBody: {
    description: "One record (`application/json`), or one record per line (`application/x-ndjson`, `Content-Encoding: gzip` allowed)",
    content: {
      "application/json": feedbackRecordSchema.meta({ id: "FeedbackRecord" }),
      "application/x-ndjson": z.string().describe("One FeedbackRecord per line"),
    },
  },
  responses: {
    200: { description: "A record sent before (`duplicate: true`), or a batch's counts", schema: z.union([z.object({ id: z.int(), duplicate: z.literal(true) }), batchResultSchema]) },
    201: { description: "A new record", schema: z.object({ id: z.int(), duplicate: z.literal(false) }) },
    400: err("An invalid record (`issues` names the field), or an unreadable body"),
    401: err("Missing, unknown or revoked ingest key"),
    403: err("The request's Origin is not one the key allows"),
    413: err("Over the size limit (a batch: records before it went in)"),
    415: err("Unsupported content type"),
    429: { ...err("Over the key's or the address's rate limit"), headers: { "Retry-After": "Seconds until the window opens again" } },
  },
  handler: async ({ request, signal }) => ingest(request, clientAddresses.get(request) ?? "unknown", signal),
});

const answer = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store", ...headers } });

async function ingest(request: Request, address: string, signal: AbortSignal): Promise<Response> {
  const origin = request.headers.get("origin");
  let cors: Record<string, string> = {};
  try {
    const grant = await authenticateIngestKey(db, request.headers.get("authorization"));
    // why: servers send no Origin and are not limited by it; a browser's must be one the key lists.
    if (origin !== null && !grant.allowedOrigins.includes(origin)) {
      return answer(403, { error: `This ingest key does not allow the origin ${origin}; add it to the key's allowed origins.` });
    }
    if (origin !== null) cors = { "Access-Control-Allow-Origin": origin, Vary: "Origin", "Access-Control-Expose-Headers": "Retry-After" };
    await countRequest(grant.keyId, grant.ratePerMinute, address);
    const target = { projectId: grant.projectId, keyId: grant.keyId, redactPii: grant.redactPii, queueSampleRate: grant.queueSampleRate };
    const type = request.headers.get("content-type") ?? "";
    if (/^application\/(x-)?ndjson\b/i.test(type)) {
      try {
        return answer(200, await ingestStream(db, target, chunksOf(request.body), { signal }), cors);
      } catch (error) {
        if (!(error instanceof IngestStreamError)) throw error;
        // why: the rest of the body is left unread, so this connection cannot carry another request.
        return answer(error.status, { error: error.message, ...error.result }, { ...cors, connection: "close" });
      }
    }
    if (!/^application\/json\b/i.test(type)) {
      return answer(415, { error: `Expected Content-Type application/json (one record) or application/x-ndjson (one record a line) (got ${type || "none"}).` }, cors);
    }
    const body = await readJson(request);
    if ("error" in body) return answer(body.status, { error: body.error }, cors);
    const result = await ingestRecord(db, target, body.value);
    return answer(result.duplicate ? 200 : 201, result, cors);
  } catch (error) {
    const http = httpAnswerOf(error);
    if (http.log === "error") throw error;
    return answer(http.status, http.issues?.length ? { error: http.message, issues: http.issues } : { error: http.message }, { ...http.headers, ...cors });
  }
}

/**
 * Counts the request against its key's and its address's minute. why: without waiting for the WAL
 * flush: a counter a crash loses costs nothing, and a flush per request was half of a single
 * record's time. A refused request rolls back, which gives its count back as countAttempt does.
 */
async function countRequest(keyId: string, ratePerMinute: number, address: string) {
  await db.transaction(async (tx) => {
    await tx.execute(sql`select set_config('synchronous_commit', 'off', true)`);
    await countAttempt(
      tx,
      [
        { key: `feedback:key:${keyId}`, max: ratePerMinute },
        { key: `feedback:address:${address}`, max: FEEDBACK_ADDRESS_LIMIT },
      ],
      "Too many feedback requests for this key or from this address; wait and send again.",
      MINUTE,
    );
  });
}

async function* chunksOf(body: ReadableStream<Uint8Array> | null): AsyncGenerator<Uint8Array> {
  if (!body) return;
  for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) yield chunk;
}

async function readJson(request: Request): Promise<{ value: unknown } | { status: number; error: string }> {
  const tooLarge = { status: 413, error: `The request body is larger than the ${formatBytes(API_BODY_LIMIT)} limit.` };
  if (Number(request.headers.get("content-length")) > API_BODY_LIMIT) return tooLarge;
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of chunksOf(request.body)) {
    size += chunk.byteLength;
    if (size > API_BODY_LIMIT) return tooLarge;
    chunks.push(chunk);
  }
  try {
    return { value: JSON.parse(Buffer.concat(chunks).toString("utf8")) };
  } catch (error) {
    return { status: 400, error: `Body is not valid JSON: ${error instanceof Error ? error.message : "parse error"}.` };
  }
}

/**
 * The CORS preflight: allowed (with the headers a browser needs to send the POST) only for an
 * origin that some live ingest key lists; otherwise 403 without CORS headers. It carries no key,
 * so it cannot tell which key will be used: the POST checks that key's own list.
 */
async function preflight(request: Request): Promise<Response> {
  const origin = request.headers.get("origin");
  if (origin === null || !(await originAllowed(db, origin))) {
    return new Response(null, { status: 403 });
  }
  return new Response(null, {
    status: 204,
    headers: {
      "Access-Control-Allow-Origin": origin,
      "Access-Control-Allow-Methods": "POST",
      "Access-Control-Allow-Headers": "authorization, content-type",
      "Access-Control-Max-Age": "600",
      Vary: "Origin",
    },
  });
}

const postOnly = apiHandler(feedbackIngestEndpoint);

/** The route's loader and action: OPTIONS is the preflight; POST the endpoint, told the client's address. */
export async function feedbackRoute(args: { request: Request; params: Record<string, string | undefined>; context?: { signal?: AbortSignal; clientIp?: string } }) {
  if (args.request.method === "OPTIONS") return preflight(args.request);
  clientAddresses.set(args.request, args.context?.clientIp ?? "unknown");
  return postOnly(args);
}

// ---------------------------------------------------------------- managing ingest

const ingestKeySchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    prefix: z.string().describe("The key's visible start, e.g. lfi_1a2b3c4d"),
    allowedOrigins: z.array(z.string()),
    ratePerMinute: z.int(),
    createdAt: z.iso.datetime(),
    lastUsedAt: z.iso.datetime().nullable(),
    revokedAt: z.iso.datetime().nullable(),
  })
  .meta({ id: "IngestKey" });

export const listIngestKeysEndpoint = defineEndpoint({
  method: "get",
  path: "/api/v1/projects/{projectId}/ingest-keys",
  tags: ["feedback"],
  summary: "A project's feedback ingest keys (managers), revoked ones included; never their secrets",
  params: projectParams,
  responses: { 200: { description: "Newest first", schema: z.object({ keys: z.array(ingestKeySchema) }) }, ...manage },
  handler: async ({ actor, params }) => ({ status: 200, body: { keys: await listIngestKeys(db, actor, params.projectId) } }),
});

export const createIngestKeyEndpoint = defineEndpoint({
  method: "post",
  path: "/api/v1/projects/{projectId}/ingest-keys",
  tags: ["feedback"],
  summary: "Create a feedback ingest key (managers); the key is in this answer only",
  params: projectParams,
  body: createIngestKeySchema,
  responses: {
    201: { description: "The key, shown once", schema: ingestKeySchema.extend({ key: z.string().describe("lfi_<8 hex>_<secret>: store it now, it is not shown again") }) },
    400: err("An invalid field (`issues` names it)"),
    ...manage,
  },
  handler: async ({ actor, params, body }) => ({ status: 201, body: await createIngestKey(db, actor, params.projectId, body) }),
});

export const updateIngestKeyEndpoint = defineEndpoint({
  method: "patch",
  path: "/api/v1/ingest-keys/{keyId}",
  tags: ["feedback"],
  summary: "Rename an ingest key or change its allowed origins or rate (managers)",
  params: keyParams,
  body: updateIngestKeySchema,
  responses: { 200: { description: "The key as it is now", schema: ingestKeySchema }, 400: err("An invalid field (`issues` names it)"), ...manage },
  handler: async ({ actor, params, body }) => ({ status: 200, body: await updateIngestKey(db, actor, params.keyId, body) }),
});

export const revokeIngestKeyEndpoint = defineEndpoint({
  method: "delete",
  path: "/api/v1/ingest-keys/{keyId}",
  tags: ["feedback"],
  summary: "Revoke an ingest key (managers): requests with it get 401 from now on",
  params: keyParams,
  responses: { 204: { description: "Revoked" }, ...manage },
  handler: async ({ actor, params }) => {
    await revokeIngestKey(db, actor, params.keyId);
    return { status: 204 };
  },
});

const settingsSchema = feedbackSettingsSchema.meta({ id: "FeedbackSettings" });

export const getFeedbackSettingsEndpoint = defineEndpoint({
  method: "get",
  path: "/api/v1/projects/{projectId}/feedback-settings",
  tags: ["feedback"],
  summary: "A project's feedback settings: PII redaction on ingest, retention days, queue sample rate (managers)",
  params: projectParams,
  responses: { 200: { description: "The settings (defaults when never saved)", schema: settingsSchema }, ...manage },
  handler: async ({ actor, params }) => ({ status: 200, body: await getFeedbackSettings(db, actor, params.projectId) }),
});

export const saveFeedbackSettingsEndpoint = defineEndpoint({
  method: "put",
  path: "/api/v1/projects/{projectId}/feedback-settings",
  tags: ["feedback"],
  summary: "Save a project's feedback settings (managers)",
  params: projectParams,
  body: feedbackSettingsSchema,
  responses: { 200: { description: "The settings saved", schema: settingsSchema }, 400: err("An invalid field (`issues` names it)"), ...manage },
  handler: async ({ actor, params, body }) => ({ status: 200, body: await saveFeedbackSettings(db, actor, params.projectId, body) }),
});

export const deleteFeedbackByUserEndpoint = defineEndpoint({
  method: "post",
  path: "/api/v1/projects/{projectId}/feedback/delete-user",
  tags: ["feedback"],
  summary: "Delete every feedback record of one pseudonymous user id (a data-subject request; managers, audited without the id)",
  params: projectParams,
  body: deleteByUserSchema,
  responses: { 200: { description: "How many records were deleted", schema: z.object({ deleted: z.int() }) }, 400: err("An invalid field"), ...manage },
  handler: async ({ actor, params, body }) => ({ status: 200, body: await deleteFeedbackByUser(db, actor, params.projectId, body) }),
});

