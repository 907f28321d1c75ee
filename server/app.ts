import { randomBytes } from "node:crypto";
import path from "node:path";
import { Readable } from "node:stream";
import { createRequestHandler, type ServerBuild } from "@remix-run/node";
import compression from "compression";
import express, { type NextFunction, type Request, type Response } from "express";
import { anonCookie, csrfTokenFor, sessionCookie } from "~/modules/auth/cookies.server";
import { findSessionUser } from "~/modules/auth/sessions.server";
import { db } from "~/db.server";
import type { LoupeContext } from "~/utils/context";
import type { Env } from "~/utils/env.server";
import { isDatabaseUnavailable } from "~/utils/database-errors";
import { ValidationError } from "~/utils/errors";
import { BodyTooLargeError, readBody, refuseNul } from "./body";
import { checkCsrf } from "./csrf";
import { datasetDownloads } from "./dataset-downloads";
import { healthCheck } from "./health";
import { importUpload } from "./import-upload";
import type { Logger } from "./log";
import { sendResponse, toBodyInit, toHeaders } from "./remix-bridge";
import { securityHeaders } from "./security-headers";

export const FORM_BODY_LIMIT = 1024 * 1024;

export type AppOptions = {
  env: Env;
  log: Logger;
  /** The built app, or a loader for it (the Vite dev server's). */
  build: ServerBuild | (() => Promise<ServerBuild>);
  /** Static files: the built client folder, or the Vite dev middleware. */
  assets: { dir: string } | { middleware: express.RequestHandler };
  dev?: boolean;
  isShuttingDown: () => boolean;
};

type Locals = { cspNonce: string; context?: LoupeContext };

export function createApp(options: AppOptions) {
  const { env, log } = options;
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", env.trustProxy);

  app.use((_req, res, next) => {
    (res.locals as Locals).cspNonce = randomBytes(16).toString("base64");
    if (options.isShuttingDown()) res.setHeader("Connection", "close");
    next();
  });
  app.use(securityHeaders({ dev: options.dev ?? false, https: env.publicUrl?.startsWith("https:") ?? false }));
  app.use(compression());

  app.get("/healthz", async (_req, res) => {
    const result = options.isShuttingDown() ? { ok: false, reason: "shutting down" } : await healthCheck();
    res.status(result.ok ? 200 : 503).json(result.ok ? { status: "ok" } : { status: "unavailable", reason: result.reason });
  });

  if ("dir" in options.assets) {
    app.use("/assets", express.static(path.join(options.assets.dir, "assets"), { immutable: true, maxAge: "1y" }));
    app.use(express.static(options.assets.dir, { maxAge: "1h" }));
  } else {
    app.use(options.assets.middleware);
  }

  app.use(async (req, res, next) => {
    try {
      (res.locals as Locals).context = await requestContext(req, res, env);
      next();
    } catch (error) {
      next(error);
    }
  });

  app.post("/projects/:projectId/imports", importUpload({ env, log }));
  // why: before Remix, whose adapter ignores backpressure on big bodies.
  app.use(datasetDownloads(log));

  const handle = createRequestHandler(options.build, options.dev ? "development" : "production");
  app.all("*", async (req, res, next) => {
    try {
      const context = (res.locals as Locals).context!;
      const hasBody = req.method !== "GET" && req.method !== "HEAD";
      // why: API bodies stream into their endpoint (an NDJSON import may be gigabytes); each
      // endpoint applies its own limit. Page bodies are read here, once, for the CSRF check.
      const streamed = hasBody && req.path.startsWith("/api/");
      const body = hasBody && !streamed ? await readBody(req, FORM_BODY_LIMIT) : undefined;
      const refusal = await checkCsrf(req, body, context, env.publicUrl);
      if (refusal) {
        log.warn(`CSRF check refused ${req.method} ${req.path}: ${refusal}`);
        res.status(403).type("text/plain").send(`Forbidden: ${refusal}`);
        return;
      }
      // why: the API checks its own query and JSON bodies (app/modules/api/define.server.ts).
      if (!req.path.startsWith("/api/")) await refuseNul(new URL(req.originalUrl, "http://loupe.invalid"), req.get("content-type") ?? "", body);
      const controller = new AbortController();
      res.on("close", () => !res.writableFinished && controller.abort());
      const request = new Request(`${req.protocol}://${req.get("host")}${req.originalUrl}`, {
        method: req.method,
        headers: toHeaders(req.headers),
        body: streamed ? streamOf(req) : toBodyInit(body),
        signal: controller.signal,
        ...(streamed ? { duplex: "half" } : {}),
      } as RequestInit);
      await sendResponse(res, await handle(request, { ...context, signal: controller.signal }));
    } catch (error) {
      next(error);
    }
  });

  app.use((error: unknown, req: Request, res: Response, _next: NextFunction) => {
    const wantsJson = req.path.startsWith("/api/") || !req.accepts("html");
    const send = (status: number, message: string) =>
      wantsJson ? res.status(status).json({ error: message }) : res.status(status).type("text/plain").send(message);
    // why: a client that closed the connection before its request was read (a preview the page
    // aborted) is no failure here, whatever error its stream ended with; its ECONNRESET once
    // read as a database outage.
    if (!req.complete && (req.destroyed || req.socket.destroyed)) {
      log.debug(`The client closed ${req.method} ${req.path} before the end`);
      return;
    }
    if (res.headersSent) {
      res.end();
      return;
    }
    if (error instanceof BodyTooLargeError) return send(413, error.message);
    if (error instanceof ValidationError) {
      return wantsJson ? res.status(400).json({ error: error.message, issues: error.issues }) : send(400, error.message);
    }
    if (isDatabaseUnavailable(error)) {
      log.warn(`Database unavailable while serving ${req.method} ${req.path}`);
      return send(503, "Loupe cannot reach its database right now. Try again in a moment.");
    }
    log.error(`Unhandled error on ${req.method} ${req.path}`, error);
    return send(500, "Something went wrong on our side. Try again; if it keeps happening, tell your admin.");
  });

  return app;
}

/**
 * The request body as a web stream that pauses the socket while 1 MB waits unread.
 * why: an explicit byte-length strategy, because some Node 20 releases' Readable.toWeb count
 * chunks instead of bytes and would queue thousands of them before pausing.
 */
function streamOf(req: Request): ReadableStream<Uint8Array> {
  return Readable.toWeb(req, { strategy: new ByteLengthQueuingStrategy({ highWaterMark: 1024 * 1024 }) }) as ReadableStream<Uint8Array>;
}

async function requestContext(req: Request, res: Response, env: Env): Promise<LoupeContext> {
  const secureCookies = req.secure || (env.publicUrl?.startsWith("https:") ?? false);
  const base = {
    cspNonce: (res.locals as Locals).cspNonce,
    clientIp: req.ip ?? req.socket.remoteAddress ?? "unknown",
    secureCookies,
  };
  // why: the API authenticates by key only; ignoring cookies there is what makes it CSRF-proof.
  if (req.path.startsWith("/api/")) return { ...base, user: null, sessionToken: null, csrfToken: "" };

  const cookieHeader = req.headers.cookie ?? null;
  const token = ((await sessionCookie(secureCookies).parse(cookieHeader)) as string | null) || null;
  const user = token ? await findSessionUser(db, token) : null;
  if (user && token) return { ...base, user, sessionToken: token, csrfToken: csrfTokenFor(token) };

  let anon = ((await anonCookie(secureCookies).parse(cookieHeader)) as string | null) || null;
  if (!anon) {
    anon = randomBytes(24).toString("base64url");
    res.append("Set-Cookie", await anonCookie(secureCookies).serialize(anon));
  }
  return { ...base, user: null, sessionToken: null, csrfToken: csrfTokenFor(`anon:${anon}`) };
}
