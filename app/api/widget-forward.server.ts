import type { ActionFunction, ActionFunctionArgs } from "@remix-run/node";
import { db } from "~/db.server";
import { findWidgetKey } from "~/modules/feedback/widget-key.server";
import { feedbackRoute } from "./endpoints/feedback-ingest.server";

/**
 * The feedback widget's frame and demo page post to Loupe itself (same origin, no session), and
 * this hands the record on to POST /api/v1/feedback — the one ingest path, with its checks,
 * limits (per key and per client address: the same request context) and idempotency.
 *
 * `origin` is the Origin the API sees: the embedding page's origin for the frame (checked against
 * the key here first, as the frame-ancestors the frame was served with did), or none for the demo
 * page, which then counts as a server (servers are not limited by the allow-list; the key is
 * public on every embedding page anyway, so this gives no one more than they already had).
 */

export type WidgetPost = { embedder: string | null; record: unknown };

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store", ...headers } });

/** Reads the widget's `{ embedder, record }` body; null when it is not that shape. */
export async function readWidgetPost(request: Request): Promise<WidgetPost | null> {
  try {
    const body = (await request.json()) as { embedder?: unknown; record?: unknown };
    if (!body || typeof body !== "object" || !body.record || typeof body.record !== "object") return null;
    return { embedder: typeof body.embedder === "string" ? body.embedder : null, record: body.record };
  } catch {
    return null;
  }
}

/** The bearer ingest key of a request, or null. */
export function bearerKey(request: Request): string | null {
  const match = /^Bearer\s+(\S+)$/i.exec(request.headers.get("authorization") ?? "");
  return match ? match[1]! : null;
}

/**
 * The frame's post: the embedding page's origin must be one of the key's allowed origins (the
 * same list its frame-ancestors named), then the record goes to the API as from that origin.
 */
export async function forwardFramePost(args: ActionFunctionArgs): Promise<Response> {
  const key = bearerKey(args.request);
  const found = await findWidgetKey(db, key);
  if (!found) return json(401, { error: "Unknown or revoked ingest key." });
  const post = await readWidgetPost(args.request);
  if (!post) return json(400, { error: "Expected a JSON body { embedder, record }." });
  if (!post.embedder || !found.allowedOrigins.includes(post.embedder)) {
    return json(403, { error: `This ingest key does not accept feedback from ${post.embedder ?? "a page it cannot tell"}.` });
  }
  return forward(args, key!, post.embedder, post.record);
}

/** The demo page's post: as a server's, with no Origin. */
export async function forwardDemoPost(args: ActionFunctionArgs): Promise<Response> {
  const key = bearerKey(args.request);
  if (!(await findWidgetKey(db, key))) return json(401, { error: "Unknown or revoked ingest key." });
  const post = await readWidgetPost(args.request);
  if (!post) return json(400, { error: "Expected a JSON body { record }." });
  return forward(args, key!, null, post.record);
}

async function forward(args: ActionFunctionArgs, key: string, origin: string | null, record: unknown): Promise<Response> {
  const action: ActionFunction = feedbackRoute;
  const headers: Record<string, string> = { authorization: `Bearer ${key}`, "content-type": "application/json" };
  if (origin) headers.origin = origin;
  const request = new Request(new URL("/api/v1/feedback", args.request.url), { method: "POST", headers, body: JSON.stringify(record) });
  let answer: unknown;
  try {
    answer = await action({ request, context: args.context, params: {} });
  } catch (thrown) {
    if (thrown instanceof Response) answer = thrown;
    else throw thrown;
  }
  if (!(answer instanceof Response)) return json(200, answer);
  // The API's answer, less what only cross-origin callers need.
  const out = new Headers({ "content-type": answer.headers.get("content-type") ?? "application/json; charset=utf-8", "cache-control": "no-store" });
  const retryAfter = answer.headers.get("retry-after");
  if (retryAfter) out.set("retry-after", retryAfter);
  return new Response(await answer.text(), { status: answer.status, headers: out });
}
