import { randomBytes, randomUUID } from "node:crypto";
import path from "node:path";
import { Readable } from "node:stream";
import { createRequestHandler, type ServerBuild } from "@remix-run/node";
import compression from "compression";
import express, { type NextFunction, type Request, type Response } from "express";
import type { Edge } from "~/edge.server";
import type { LoupeContext } from "~/utils/context";
import type { Env } from "~/utils/env.server";
import type { HttpAnswer } from "~/utils/http-errors";
import type { Logger } from "~/utils/log.server";
import { BodyTooLargeError, nulField, readBody } from "./body";
import { checkCsrf, checkOrigin } from "./csrf";
import { createMetrics } from "./metrics";
import { sendResponse, toBodyInit, toHeaders } from "./remix-bridge";
import { securityHeaders } from "./security-headers";

export const FORM_BODY_LIMIT = 1024 * 1024;
const UPLOAD_PATH = /^\/projects\/[^/]+\/imports$/;
/** The feedback widget's frame and demo page post to themselves without a session (app/routes/widget.*.ts). */
const WIDGET_POST_PATH = /^\/widget\/(frame|demo)$/;

export type AppOptions = {
  env: Env;
  log: Logger;
  /** What the edge asks of the app (the server build's `edge` export). */
  edge: Edge;
  /** The built app, or a loader for it (the Vite dev server's). */
  build: ServerBuild | (() => Promise<ServerBuild>);
  /** Static files: the built client folder, or the Vite dev middleware. */
  assets: { dir: string } | { middleware: express.RequestHandler };
  dev?: boolean;
  isShuttingDown: () => boolean;
};

type Locals = { cspNonce: string; requestId: string; context?: LoupeContext; frameAncestors?: string[] };

/** A request id a proxy in front may send (X-Request-Id), taken only from a trusted proxy and only when it looks like one. */
const REQUEST_ID = /^[\w.:-]{1,100}$/;

export function createApp(options: AppOptions) {
  const { env, log, edge } = options;
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", env.trustProxy);

  const metrics = createMetrics(() => edge.opsSnapshot());
  app.use((req, res, next) => {
    const locals = res.locals as Locals;
    locals.cspNonce = randomBytes(16).toString("base64");
    const incoming = env.trustProxy ? req.get("x-request-id") : undefined;
    locals.requestId = incoming && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    res.setHeader("X-Request-Id", locals.requestId);
    if (options.isShuttingDown()) res.setHeader("Connection", "close");
    const started = process.hrtime.bigint();
    res.on("finish", () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      metrics.observe(req, res.statusCode, seconds);
      if (env.accessLog) log.info(`${req.method} ${loggedPath(req.path)} ${res.statusCode}`, { ...requestFields(req, res), status: res.statusCode, ms: Math.round(seconds * 1000) });
    });
    next();
  });
  // why: the widget's frame may be framed by its ingest key's allowed origins, and only by them;
  // the CSP built next reads them from res.locals (every other page keeps frame-ancestors 'none').
  app.get("/widget/frame", async (req, res, next) => {
    try {
      const key = typeof req.query.key === "string" ? req.query.key : null;
      (res.locals as Locals).frameAncestors = await edge.widgetFrameAncestors(key);
      next();
    } catch (error) {
      next(error);
    }
  });
  app.use(securityHeaders({ dev: options.dev ?? false, https: env.publicUrl?.startsWith("https:") ?? false }));
  app.use(compression());
  // why: the widget's script is loaded by other sites' pages (<script src>), which helmet's
  // Cross-Origin-Resource-Policy: same-origin would block; its frame carries its own
  // frame-ancestors, which a X-Frame-Options header would override in older browsers.
  app.use("/widget", (req, res, next) => {
    res.setHeader("Cross-Origin-Resource-Policy", "cross-origin");
    if (req.path === "/frame") res.removeHeader("X-Frame-Options");
    next();
  });

  app.get("/metrics", metrics.handler(env.metricsToken));
  app.get("/healthz", async (_req, res) => {
    const result = options.isShuttingDown() ? { ok: false, reason: "shutting down" } : await edge.health();
    res.status(result.ok ? 200 : 503).json(result.ok ? { status: "ok" } : { status: "unavailable", reason: result.reason });
  });

  if ("dir" in options.assets) {
    app.use("/assets", express.static(path.join(options.assets.dir, "assets"), { immutable: true, maxAge: "1y" }));
    // why: embedding pages load the widget by a fixed URL; a short cache lets a fix reach them soon.
    app.use("/widget", express.static(path.join(options.assets.dir, "widget"), { maxAge: "10m" }));
    app.use(express.static(options.assets.dir, { maxAge: "1h" }));
  } else {
    app.use(options.assets.middleware);
  }

  app.use(async (req, res, next) => {
    try {
      const secureCookies = req.secure || (env.publicUrl?.startsWith("https:") ?? false);
      const { context, setCookies } = await edge.requestContext({
        path: req.path,
        cookieHeader: req.headers.cookie ?? null,
        secureCookies,
        clientIp: req.ip ?? req.socket.remoteAddress ?? "unknown",
        cspNonce: (res.locals as Locals).cspNonce,
      });
      for (const cookie of setCookies) res.append("Set-Cookie", cookie);
      (res.locals as Locals).context = { ...context, observed: {} };
      next();
    } catch (error) {
      next(error);
    }
  });


  const handle = createRequestHandler(options.build, options.dev ? "development" : "production");
  app.all("*", async (req, res, next) => {
    try {
      const context = (res.locals as Locals).context!;
      const hasBody = req.method !== "GET" && req.method !== "HEAD";
      // why: API bodies stream into their endpoint (an NDJSON import may be gigabytes), and so does
      // the import page's upload; each applies its own limit. Other page bodies are read here,
      // once, for the CSRF check. An upload's Origin is checked here and its form token by its
      // action, from the field sent before the file (app/routes/projects.$projectId_.imports.ts).
      const upload = req.method === "POST" && UPLOAD_PATH.test(req.path);
      // why: the widget's frame and demo have no session, so no form token; their Origin must be
      // this server (a Loupe page), which is what makes the origin they report trustworthy.
      const widgetPost = req.method === "POST" && WIDGET_POST_PATH.test(req.path);
      const streamed = hasBody && (req.path.startsWith("/api/") || upload);
      const body = hasBody && !streamed ? await readBody(req, FORM_BODY_LIMIT) : undefined;
      const refusal = upload || widgetPost ? checkOrigin(req, env.publicUrl) : await checkCsrf(req, body, context, env.publicUrl, edge);
      if (refusal) {
        log.warn(`CSRF check refused ${req.method} ${loggedPath(req.path)}: ${refusal}`, requestFields(req, res));
        res.status(403).type("text/plain").send(`Forbidden: ${refusal}`);
        return;
      }
      // why: the API checks its own query and JSON bodies (app/api/define.server.ts).
      const nul = req.path.startsWith("/api/") ? null : await nulField(edge, new URL(req.originalUrl, "http://loupe.invalid"), req.get("content-type") ?? "", body);
      if (nul) return reply(req, res, edge.nulAnswer(nul));
      const controller = new AbortController();
      res.on("close", () => !res.writableFinished && controller.abort());
      const request = new Request(`${req.protocol}://${req.get("host")}${req.originalUrl}`, {
        method: req.method,
        headers: toHeaders(req.headers),
        body: streamed ? streamOf(req) : toBodyInit(body),
        signal: controller.signal,
        ...(streamed ? { duplex: "half" } : {}),
      } as RequestInit);
      await sendResponse(res, await handle(request, { ...context, signal: controller.signal }), (error) => log.error(`The answer to ${req.method} ${loggedPath(req.path)} failed mid-stream`, error, requestFields(req, res)));
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
      log.debug(`The client closed ${req.method} ${loggedPath(req.path)} before the end`, requestFields(req, res));
      return;
    }
    if (res.headersSent) {
      res.end();
      return;
    }
    if (error instanceof BodyTooLargeError) return send(413, error.message);
    const answer = edge.httpAnswerOf(error);
    if (answer.log === "warn") log.warn(`${answer.message} (${req.method} ${loggedPath(req.path)})`, requestFields(req, res));
    if (answer.log === "error") log.error(`Unhandled error on ${req.method} ${loggedPath(req.path)}`, error, requestFields(req, res));
    reply(req, res, answer);
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

/** An answer from the app's one error mapping: JSON for the API and scripts, text for pages. */
function reply(req: Request, res: Response, answer: HttpAnswer) {
  for (const [name, value] of Object.entries(answer.headers)) res.setHeader(name, value);
  if (req.path.startsWith("/api/") || !req.accepts("html")) {
    res.status(answer.status).json(answer.issues?.length ? { error: answer.message, issues: answer.issues } : { error: answer.message });
  } else {
    res.status(answer.status).type("text/plain").send(answer.message);
  }
}

/** What every line about a request carries: its id (also the X-Request-Id header), the actor, the method and the path without secrets. */
function requestFields(req: Request, res: Response) {
  const locals = res.locals as Locals;
  const actor = locals.context?.user ? `user:${locals.context.user.id}` : (locals.context?.observed?.actor ?? "anonymous");
  return { requestId: locals.requestId, actor, method: req.method, path: loggedPath(req.path) };
}

// why: invite and password reset links carry their secret in the path; logs get the path without it.
export function loggedPath(path: string): string {
  return path.replace(/^\/(invite|reset-password)\/[^/]+/, "/$1/(token)");
}
