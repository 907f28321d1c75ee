import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { forwardFramePost } from "~/api/widget-forward.server";
import { db } from "~/db.server";
import { findWidgetKey } from "~/modules/feedback/widget-key.server";
import { frameHtml, problemHtml } from "~/modules/feedback/widget-pages";

/**
 * GET /widget/frame?key=…&traceId=…&lang=…: the feedback widget in a frame, for pages that may
 * not load a foreign script. The Express edge lets only the key's allowed origins frame it
 * (Content-Security-Policy frame-ancestors, server/app.ts); POST is the frame's own send.
 */
const html = (status: number, body: string) =>
  new Response(body, { status, headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" } });

export async function loader({ request }: LoaderFunctionArgs) {
  const query = new URL(request.url).searchParams;
  const key = query.get("key");
  // why: opened as a page of its own (a link, a pop-up), it could not tell who embeds it.
  const dest = request.headers.get("sec-fetch-dest");
  if (dest && dest !== "iframe" && dest !== "frame") return html(400, problemHtml("This feedback form is meant to be shown in a frame on a product's page."));
  if (!(await findWidgetKey(db, key))) return html(404, problemHtml("This feedback form is not set up correctly: unknown or revoked ingest key."));
  const text = (name: string) => query.get(name)?.slice(0, 200) || null;
  return html(
    200,
    frameHtml({
      key: key!,
      traceId: text("traceId"),
      externalId: text("externalId"),
      lang: text("lang"),
      userId: text("userId"),
      segment: text("segment"),
      model: text("model"),
      promptVersion: text("promptVersion"),
    }),
  );
}

export const action = (args: ActionFunctionArgs) => forwardFramePost(args);
