import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { forwardDemoPost } from "~/api/widget-forward.server";
import { db } from "~/db.server";
import { findWidgetKey } from "~/modules/feedback/widget-key.server";
import { demoHtml, problemHtml } from "~/modules/feedback/widget-pages";
import { env } from "~/utils/env.server";

/** GET /widget/demo?key=…: the feedback widget under a made-up product answer, with the snippet to copy. */
const html = (status: number, body: string) =>
  new Response(body, { status, headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" } });

export async function loader({ request }: LoaderFunctionArgs) {
  const query = new URL(request.url).searchParams;
  const key = query.get("key");
  if (!key) return html(400, problemHtml("Open this page with your ingest key: /widget/demo?key=lfi_…"));
  if (!(await findWidgetKey(db, key))) return html(404, problemHtml("Unknown or revoked ingest key."));
  const loupeUrl = env().publicUrl ?? new URL(request.url).origin;
  return html(200, demoHtml({ loupeUrl, key, lang: query.get("lang")?.slice(0, 20) || null }));
}

export const action = (args: ActionFunctionArgs) => forwardDemoPost(args);
