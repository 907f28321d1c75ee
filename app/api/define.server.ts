import { z } from "zod";
import { db } from "~/db.server";
import type { Actor } from "~/modules/auth/actor";
import { authenticateApiKey } from "~/modules/api-keys/authenticate-api-key.server";
import { ValidationError, type FieldIssue } from "~/utils/errors";
import { httpAnswerOf } from "~/utils/http-errors";
import { issuesOf } from "~/utils/validation";
import { formatBytes } from "~/utils/format-bytes";
import { appLog } from "~/utils/log.server";
import { findNul, findNulInFields, NUL_MESSAGE, nulIssue } from "~/utils/nul";

export type Method = "get" | "post" | "put" | "patch" | "delete";
type AnyObject = z.ZodObject;

export type Endpoint<P extends AnyObject = AnyObject, Q extends AnyObject = AnyObject, B extends z.ZodType = z.ZodType> = {
  method: Method;
  /** OpenAPI-style path, e.g. `/api/v1/projects/{projectId}/members`. */
  path: string;
  summary: string;
  description?: string;
  tags: string[];
  /** Public endpoints need no API key. */
  public?: boolean;
  params?: P;
  query?: Q;
  body?: B;
  /**
   * A body the handler streams itself from `request.body` (any length): its content types, for
   * the OpenAPI document. The endpoint then has no `body` to parse.
   */
  streamedBody?: { description: string; content: Record<string, z.ZodType> };
  /**
   * What each status answers: a JSON `schema`, or `content` types for a file (the handler then
   * returns a Response itself, streaming it), and the `headers` worth documenting.
   */
  responses: Record<number, { description: string; schema?: z.ZodType; content?: string[]; headers?: Record<string, string> }>;
  handler: (input: {
    actor: Actor;
    params: z.output<P>;
    query: z.output<Q>;
    body: z.output<B>;
    request: Request;
    /** Aborted when the client goes away (LoupeContext.signal; `request.signal` can miss it). */
    signal: AbortSignal;
  }) => Promise<{ status: number; body?: unknown; headers?: Record<string, string> } | Response>;
};

/** Every endpoint defined anywhere, in definition order: the OpenAPI document is made from this. */
export const endpoints: Endpoint[] = [];

export function defineEndpoint<P extends AnyObject = AnyObject, Q extends AnyObject = AnyObject, B extends z.ZodType = z.ZodType>(
  endpoint: Endpoint<P, Q, B>,
): Endpoint<P, Q, B> {
  endpoints.push(endpoint as unknown as Endpoint);
  return endpoint;
}

/** The largest JSON body an endpoint reads into memory (streamed bodies have their own limit). */
export const API_BODY_LIMIT = 10 * 1024 * 1024;

export const errorBodySchema = z
  .object({
    error: z.string(),
    issues: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
  })
  .meta({ id: "Error" });

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(body === undefined ? null : JSON.stringify(body), {
    status,
    headers: { ...(body === undefined ? {} : { "content-type": "application/json; charset=utf-8" }), "cache-control": "no-store", ...headers },
  });

const failure = (status: number, error: string, issues?: FieldIssue[], headers?: Record<string, string>) =>
  json(status, issues?.length ? { error, issues } : { error }, headers);

/** Runs one endpoint: authenticate → parse params, query and body → handler → JSON; errors mapped once. */
export async function runEndpoint(endpoint: Endpoint, request: Request, rawParams: Record<string, string | undefined>, signal = request.signal, observed?: { actor?: string }) {
  try {
    const actor = endpoint.public ? ({ userId: "", isAdmin: false, via: "api-key" } as Actor) : await authenticateApiKey(db, request.headers.get("authorization"));
    if (observed && !endpoint.public) observed.actor = `user:${actor.userId}`;
    const params = parsePart(endpoint.params, rawParams, "params");
    const searchParams = new URL(request.url).searchParams;
    const nulInQuery = findNulInFields(searchParams);
    if (nulInQuery !== null) throw nulError(`query.${nulInQuery}`);
    const query = parsePart(endpoint.query, Object.fromEntries(searchParams), "query");
    const body = endpoint.body ? parsePart(endpoint.body, await readJson(request), "body") : undefined;
    const result = await endpoint.handler({ actor, params, query, body, request, signal } as Parameters<Endpoint["handler"]>[0]);
    return result instanceof Response ? result : json(result.status, result.body, result.headers);
  } catch (error) {
    if (error instanceof Response) return error;
    const answer = httpAnswerOf(error);
    // why: nobody reads the answer to a client that went away; its cut-off body is no failure here.
    if (answer.log === "error" && signal.aborted) return failure(400, "The client closed the connection before the end of the request.");
    if (answer.log === "error") appLog().error(`Unhandled error on ${request.method} ${new URL(request.url).pathname}`, error);
    if (answer.current !== undefined) return json(answer.status, { error: answer.message, current: answer.current }, answer.headers);
    return failure(answer.status, answer.message, answer.issues, answer.headers);
  }
}

function parsePart(schema: z.ZodType | undefined, value: unknown, part: "params" | "query" | "body") {
  if (!schema) return {};
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = issuesOf(result.error).map((i) => ({ ...i, field: part === "body" ? i.field : `${part}.${i.field}` }));
  throw new ValidationError(issues.map((i) => `${i.field}: ${i.message}`).join("; "), issues);
}

async function readJson(request: Request): Promise<unknown> {
  const type = request.headers.get("content-type") ?? "";
  if (!/^application\/json\b/i.test(type)) {
    throw failure(415, `Expected a JSON body with Content-Type: application/json (got ${type || "none"}).`);
  }
  const text = await readLimited(request, API_BODY_LIMIT);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw failure(400, `Body is not valid JSON: ${error instanceof Error ? error.message : "parse error"}.`);
  }
  // why: one check for every JSON body, before any endpoint's schema or SQL sees the text.
  const nul = findNul(value);
  if (nul !== null) throw nulError(nul);
  return value;
}

function nulError(field: string) {
  return new ValidationError(`${field}: ${NUL_MESSAGE}`, [nulIssue(field)]);
}

const tooLarge = (limit: number) => failure(413, `The request body is larger than the ${formatBytes(limit)} limit.`);

/** The body as text, refusing (413) as soon as it passes `limit` bytes, declared or streamed. */
async function readLimited(request: Request, limit: number): Promise<string> {
  if (Number(request.headers.get("content-length")) > limit) throw tooLarge(limit);
  if (!request.body) return "";
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of request.body as unknown as AsyncIterable<Uint8Array>) {
    size += chunk.byteLength;
    if (size > limit) throw tooLarge(limit);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/**
 * The handler a route file exports as both `loader` and `action` for these endpoints (one path,
 * several methods). Written as two plain exports so Remix strips it from the client bundle.
 */
export function apiHandler(...served: Endpoint[]) {
  return async ({ request, params, context }: { request: Request; params: Record<string, string | undefined>; context?: { signal?: AbortSignal; observed?: { actor?: string } } }) => {
    // why: HTTP requires HEAD wherever GET is served; Remix hands HEAD to the loader as is.
    const method = request.method === "HEAD" ? "get" : request.method.toLowerCase();
    const endpoint = served.find((e) => e.method === method);
    if (!endpoint) {
      const allow = served.map((e) => e.method.toUpperCase()).join(", ");
      return failure(405, `${request.method} is not supported here; use ${allow}.`, undefined, { Allow: allow });
    }
    return runEndpoint(endpoint, request, params, context?.signal, context?.observed);
  };
}
