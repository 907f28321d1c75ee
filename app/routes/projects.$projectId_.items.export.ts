import { Readable } from "node:stream";
import type { LoaderFunctionArgs } from "@remix-run/node";
import { db } from "~/db.server";
import { readBrowseParams } from "~/modules/items/browse-params";
import { exportItems } from "~/modules/items/export-items.server";
import { contentDisposition } from "~/modules/datasets/export-dataset.server";
import { requireActor, throwAsResourceResponse } from "~/utils/http.server";
import { webStreamOf } from "~/utils/web-stream.server";

/**
 * `GET /projects/:projectId/items/export?format=csv|jsonl&ids=…` or `&scope=all&search=<the data
 * manager's query string>`: the data manager's download of chosen items, streamed in batches.
 */
export async function loader({ context, request, params }: LoaderFunctionArgs) {
  const actor = requireActor(context, request);
  const url = new URL(request.url);
  const format = url.searchParams.get("format") === "jsonl" ? "jsonl" : "csv";
  const browse = readBrowseParams(new URLSearchParams(url.searchParams.get("search") ?? ""));
  const selection =
    url.searchParams.get("scope") === "all" ? { query: { q: browse.query.q, state: browse.query.state }, filter: browse.filter } : { ids: url.searchParams.getAll("ids").map(Number) };
  try {
    const lines = await exportItems(db, actor, params.projectId ?? "", selection, format);
    return new Response(webStreamOf(Readable.from(lines)), {
      headers: {
        "Content-Type": format === "csv" ? "text/csv; charset=utf-8" : "application/x-ndjson; charset=utf-8",
        "Content-Disposition": contentDisposition(`items.${format}`),
        "Cache-Control": "no-store",
      },
    });
  } catch (error) {
    throwAsResourceResponse(error);
  }
}
