import { pipeline } from "node:stream/promises";
import express, { type Request, type Response } from "express";
import { db } from "~/db.server";
import { exportDatasetEndpoint } from "~/modules/api/endpoints/datasets.server";
import { authenticateApiKey } from "~/modules/api-keys/authenticate-api-key.server";
import type { Actor } from "~/modules/auth/actor";
import { cardMarkdown } from "~/modules/datasets/card";
import { contentDisposition, exportDataset } from "~/modules/datasets/export-dataset.server";
import type { LoupeContext } from "~/utils/context";
import { DomainError, UnauthorizedError, ValidationError } from "~/utils/errors";
import { parseOrThrow } from "~/utils/validation";
import type { Logger } from "./log";

/**
 * Dataset downloads, served by Express rather than Remix so a file of any size streams with
 * backpressure (stream.pipeline from the export's cursor-fed stream to the socket) and memory
 * stays flat. `GET /api/v1/datasets/:id/export` takes an API key; `GET /datasets/:id/download`
 * is the same file for the signed-in browser (a read, so no CSRF token is needed), and with
 * `card=md|json` that export's dataset card.
 */
export function datasetDownloads(log: Logger): express.Router {
  const router = express.Router();
  router.get("/api/v1/datasets/:datasetId/export", (req, res) =>
    send(req, res, log, "json", () => authenticateApiKey(db, req.headers.authorization ?? null)),
  );
  router.get("/datasets/:datasetId/download", (req, res) =>
    send(req, res, log, "text", async () => {
      const user = (res.locals as { context?: LoupeContext }).context?.user;
      if (!user) throw new UnauthorizedError("Sign in to download datasets.");
      return { userId: user.id, isAdmin: user.isAdmin, via: "session" } satisfies Actor;
    }),
  );
  return router;
}

async function send(req: Request, res: Response, log: Logger, errors: "json" | "text", authenticate: () => Promise<Actor>) {
  let opened: Awaited<ReturnType<typeof exportDataset>>;
  try {
    const actor = await authenticate();
    const params = parseOrThrow(exportDatasetEndpoint.params, req.params);
    // why: a form's "All splits" sends split= (empty), which means no split, not a bad one.
    const query = parseOrThrow(exportDatasetEndpoint.query, Object.fromEntries(Object.entries(req.query).filter(([, v]) => v !== "")));
    opened = await exportDataset(db, actor, params.datasetId, query);
  } catch (error) {
    return refuse(res, error, errors, log);
  }
  const { card } = opened;
  const cardAs = errors === "text" ? req.query.card : undefined;
  if (cardAs === "md" || cardAs === "json") {
    opened.body.destroy();
    const stem = opened.fileName.replace(/\.[^.]+$/, "");
    const body = cardAs === "md" ? cardMarkdown(card) : `${JSON.stringify(card, null, 2)}\n`;
    res.status(200).set({ "Content-Type": cardAs === "md" ? "text/markdown; charset=utf-8" : "application/json; charset=utf-8", "Content-Disposition": contentDisposition(`${stem}.card.${cardAs}`), "Cache-Control": "no-store" });
    return res.send(body);
  }
  const cardUrl = `/api/v1/datasets/${opened.dataset.id}/card?format=${card.export.format}${card.export.split === "all" ? "" : `&split=${card.export.split}`}`;
  res.status(200).set({
    "Content-Type": opened.contentType,
    "Content-Disposition": contentDisposition(opened.fileName),
    "Cache-Control": "no-store",
    "X-Loupe-Rows": String(card.export.rows),
    "X-Loupe-Invalid": String(card.export.invalid.count),
    "X-Loupe-Content-Hash": opened.dataset.contentHash,
    Link: `<${cardUrl}>; rel="describedby"; type="application/json"`,
  });
  if (req.method === "HEAD") {
    opened.body.destroy();
    return res.end();
  }
  try {
    await pipeline(opened.body, res);
  } catch (error) {
    // why: the status line is gone; a client that went away is normal, anything else is logged.
    if ((error as { code?: string }).code !== "ERR_STREAM_PREMATURE_CLOSE") log.error(`Export of dataset ${opened.dataset.id} failed mid-stream`, error);
    res.destroy();
  }
}

function refuse(res: Response, error: unknown, errors: "json" | "text", log: Logger) {
  if (!(error instanceof DomainError)) {
    log.error("Dataset export failed before it started", error);
    return res.status(500).json({ error: "Something went wrong on our side. Try again; if it keeps happening, tell your admin." });
  }
  if (error instanceof UnauthorizedError && errors === "json") res.set("WWW-Authenticate", 'Bearer realm="loupe"');
  const issues = error instanceof ValidationError && error.issues.length ? error.issues.map((i) => ({ ...i, field: `query.${i.field}`.replace("query.datasetId", "params.datasetId") })) : undefined;
  if (errors === "json") return res.status(error.status).json(issues ? { error: error.message, issues } : { error: error.message });
  return res.status(error.status).type("text/plain").send(error.message);
}
