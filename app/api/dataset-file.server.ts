import type { Db } from "~/db.server";
import type { Actor } from "~/modules/auth/actor";
import { cardMarkdown } from "~/modules/datasets/card";
import { contentDisposition, exportDataset } from "~/modules/datasets/export-dataset.server";
import type { ExportQuery } from "~/modules/datasets/schemas";
import { webStreamOf } from "~/utils/web-stream.server";

/**
 * A snapshot's export as an HTTP answer that streams with backpressure (the export's cursor reads
 * only as fast as the client takes bytes), with its file name and card link; or, with `cardAs`,
 * that export's dataset card. Shared by the API (`GET /api/v1/datasets/:id/export`) and the
 * browser's download (`GET /datasets/:id/download`).
 */
export async function datasetFileResponse(db: Db, actor: Actor, datasetId: string, query: ExportQuery, options: { head?: boolean; cardAs?: "md" | "json" } = {}): Promise<Response> {
  const opened = await exportDataset(db, actor, datasetId, query);
  const { card } = opened;
  if (options.cardAs) {
    opened.body.destroy();
    const stem = opened.fileName.replace(/\.[^.]+$/, "");
    const body = options.cardAs === "md" ? cardMarkdown(card) : `${JSON.stringify(card, null, 2)}\n`;
    return new Response(body, {
      headers: {
        "Content-Type": options.cardAs === "md" ? "text/markdown; charset=utf-8" : "application/json; charset=utf-8",
        "Content-Disposition": contentDisposition(`${stem}.card.${options.cardAs}`),
        "Cache-Control": "no-store",
      },
    });
  }
  const cardUrl = `/api/v1/datasets/${opened.dataset.id}/card?format=${card.export.format}${card.export.split === "all" ? "" : `&split=${card.export.split}`}`;
  const headers = {
    "Content-Type": opened.contentType,
    "Content-Disposition": contentDisposition(opened.fileName),
    "Cache-Control": "no-store",
    "X-Loupe-Rows": String(card.export.rows),
    "X-Loupe-Invalid": String(card.export.invalid.count),
    "X-Loupe-Content-Hash": opened.dataset.contentHash,
    Link: `<${cardUrl}>; rel="describedby"; type="application/json"`,
  };
  if (options.head) {
    opened.body.destroy();
    return new Response(null, { headers });
  }
  return new Response(webStreamOf(opened.body), { headers });
}
