import fs from "node:fs";
import type { Server } from "node:http";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { ServerBuild } from "@remix-run/node";
import type { Edge } from "./app/edge.server";
import type { Env } from "./app/utils/env.server";
import type { Logger } from "./app/utils/log.server";
import { AlreadyRunningError, openDatabase } from "./db/open-database";
import { migrateDatabase } from "./db/migrate";
import { createApp } from "./server/app";

const BUILD_DIR = path.resolve("build");

/**
 * Starts Loupe: the app (the server build, or in development Vite's build of the same sources)
 * is loaded once, and everything the edge needs of it comes through its `edge` export.
 */
async function main() {
  const dev = process.argv.includes("--dev");
  // why: React and Express pick their fast paths from NODE_ENV when first loaded, so a built app
  // runs in production mode before anything loads it; the operator's own NODE_ENV (read below,
  // before this changes it) keeps deciding how strict secrets are.
  const operatorEnv = { ...process.env };
  let vite: import("vite").ViteDevServer | undefined;
  let build: ServerBuild | (() => Promise<ServerBuild>);
  let first: ServerBuild;
  let assets: Parameters<typeof createApp>[0]["assets"];
  if (dev) {
    const { createServer } = await import("vite");
    vite = await createServer({ server: { middlewareMode: true } });
    const devServer = vite;
    build = () => devServer.ssrLoadModule("virtual:remix/server-build") as Promise<ServerBuild>;
    first = await build();
    assets = { middleware: vite.middlewares };
  } else {
    const entry = path.join(BUILD_DIR, "server", "index.js");
    if (!fs.existsSync(entry)) throw new StartError(`No build found at ${entry}: run \`npm run build\` (npm start does it for you).`);
    process.env.NODE_ENV = "production";
    build = first = (await import(pathToFileURL(entry).href)) as ServerBuild;
    assets = { dir: path.join(BUILD_DIR, "client") };
  }
  const edge = (first.entry.module as unknown as { edge: Edge }).edge;
  describe = edge.describeError;

  let env: Env;
  try {
    env = edge.loadEnv(operatorEnv);
  } catch (error) {
    if (edge.isEnvError(error)) throw new StartError(error.message);
    throw error;
  }
  const log = edge.createLogger(env.logLevel, undefined, env.logFormat);
  // why: a failed query must never take the whole server down; it is answered and logged.
  process.on("unhandledRejection", (reason) => log.error("Unhandled promise rejection", reason));

  const database = await openDatabase({ databaseUrl: env.databaseUrl, dataDir: env.dataDir, purpose: "server", log: log.info });
  // why: the signal handlers exist before the HTTP server does.
  const http: { server?: Server } = {};
  let shuttingDown = false;
  const shutdown = async (signal: string) => {
    if (shuttingDown) return;
    shuttingDown = true;
    log.info(`${signal} received: finishing in-flight requests, then stopping.`);
    const { server } = http;
    const force = setTimeout(() => server?.closeAllConnections(), 15_000);
    // why: a running import stops after its batch and records how far it got, meanwhile.
    const appStopped = edge.stop().catch((error: unknown) => log.error("Stopping the app failed", error));
    if (server) {
      const closed = new Promise((resolve) => server.close(resolve));
      server.closeIdleConnections();
      await closed;
    }
    clearTimeout(force);
    await appStopped;
    await vite?.close();
    await database.close();
    log.info("Stopped.");
    process.exit(0);
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));

  await migrateWhenReachable(database.url, log);
  await edge.start({ databaseUrl: database.url, dataDir: env.dataDir, admin: env.admin, log });

  const app = createApp({ env, log, edge, build, assets, dev, isShuttingDown: () => shuttingDown });
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(env.port, env.host, () => resolve(s));
    s.once("error", reject);
  });
  http.server = server;
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : env.port;
  const origin = env.publicUrl ?? `http://${env.host === "0.0.0.0" ? "127.0.0.1" : env.host}:${port}`;
  log.info(`Loupe is listening on ${origin} (database: ${database.source}).`);

  const setupToken = await edge.setupToken();
  if (setupToken) {
    process.stdout.write(
      `\n  No account exists yet. Create the admin account here (the link works once, for 24 hours):\n\n    ${origin}/setup?token=${setupToken}\n\n`,
    );
  }
}

/** A start-up failure the operator fixes from its one-line message. */
class StartError extends Error {}

/** How a failure is written: by the app's describeError (never a statement's parameters) once it is loaded. */
let describe = (error: unknown) => (error instanceof Error ? (error.stack ?? error.message) : String(error));

/** A database that is still starting (a container next to ours) gets a minute before we give up. */
async function migrateWhenReachable(url: string, log: Logger) {
  const deadline = Date.now() + 60_000;
  for (let attempt = 1; ; attempt++) {
    try {
      return await migrateDatabase(url);
    } catch (error) {
      const code = (error as { code?: string }).code ?? "";
      const transient = ["ECONNREFUSED", "CONNECT_TIMEOUT", "ENOTFOUND", "EAI_AGAIN", "57P03"].includes(code);
      if (!transient || Date.now() > deadline) throw error;
      if (attempt === 1) log.warn(`Waiting for the database (${code})…`);
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}

main().catch((error: unknown) => {
  if (error instanceof StartError || error instanceof AlreadyRunningError) {
    process.stderr.write(`\n${error.message}\n\n`);
  } else {
    process.stderr.write(`Loupe could not start: ${describe(error)}\n`);
  }
  process.exit(1);
});
