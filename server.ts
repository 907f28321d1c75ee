import fs from "node:fs";
import type { Server } from "node:http";
import path from "node:path";
import type { ServerBuild } from "@remix-run/node";
import { AlreadyRunningError, openDatabase } from "./db/open-database";
import { migrateDatabase } from "./db/migrate";
import { closeDb, db } from "./app/db.server";
import { startJobs, stopJobs } from "./app/jobs/boss.server";
import { createFirstAdmin, issueSetupToken } from "./app/modules/auth/setup.server";
import { EnvError, loadEnv, runLibrariesInProductionMode, useDatabaseUrl } from "./app/utils/env.server";
import { createApp } from "./server/app";
import { createLogger, describeError } from "./server/log";

const BUILD_DIR = path.resolve("build");

async function main() {
  const dev = process.argv.includes("--dev");
  const env = loadEnv();
  const log = createLogger(env.logLevel);

  const database = await openDatabase({ databaseUrl: env.databaseUrl, dataDir: env.dataDir, purpose: "server", log: log.info });
  // why: the signal handlers exist before the HTTP server does.
  const http: { server?: Server } = {};
  let vite: import("vite").ViteDevServer | undefined;
  let shuttingDown = false;

  const shutdown = async (signal: string) => {
    if (shuttingDown) return;
    shuttingDown = true;
    log.info(`${signal} received: finishing in-flight requests, then stopping.`);
    const { server } = http;
    const force = setTimeout(() => server?.closeAllConnections(), 15_000);
    // why: a running import stops after its batch and records how far it got, meanwhile.
    const jobsStopped = stopJobs().catch((error: unknown) => log.error("Stopping background jobs failed", error));
    if (server) {
      const closed = new Promise((resolve) => server.close(resolve));
      server.closeIdleConnections();
      await closed;
    }
    clearTimeout(force);
    await jobsStopped;
    await vite?.close();
    await closeDb();
    await database.close();
    log.info("Stopped.");
    process.exit(0);
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
  // why: a failed query must never take the whole server down; it is answered and logged.
  process.on("unhandledRejection", (reason) => log.error("Unhandled promise rejection", reason));

  useDatabaseUrl(database.url);
  await migrateWhenReachable(database.url, log);
  await startJobs({ databaseUrl: database.url, dataDir: env.dataDir, log });

  if (env.admin) {
    const created = await createFirstAdmin(db, { ...env.admin, trusted: true });
    if (created) log.info(`Created the admin account ${created.email} from LOUPE_ADMIN_EMAIL.`);
  }

  let build: ServerBuild | (() => Promise<ServerBuild>);
  let assets: Parameters<typeof createApp>[0]["assets"];
  if (dev) {
    const { createServer } = await import("vite");
    vite = await createServer({ server: { middlewareMode: true } });
    const devServer = vite;
    build = () => devServer.ssrLoadModule("virtual:remix/server-build") as Promise<ServerBuild>;
    assets = { middleware: vite.middlewares };
  } else {
    const entry = path.join(BUILD_DIR, "server", "index.js");
    if (!fs.existsSync(entry)) throw new Error(`No build found at ${entry}: run \`npm run build\` (npm start does it for you).`);
    runLibrariesInProductionMode();
    build = (await import(entry)) as ServerBuild;
    assets = { dir: path.join(BUILD_DIR, "client") };
  }

  const app = createApp({ env, log, build, assets, dev, isShuttingDown: () => shuttingDown });
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(env.port, env.host, () => resolve(s));
    s.once("error", reject);
  });
  http.server = server;
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : env.port;
  const origin = env.publicUrl ?? `http://${env.host === "0.0.0.0" ? "127.0.0.1" : env.host}:${port}`;
  log.info(`Loupe is listening on ${origin} (database: ${database.source}).`);

  const setupToken = await issueSetupToken(db);
  if (setupToken) {
    process.stdout.write(
      `\n  No account exists yet. Create the admin account here (the link works once, for 24 hours):\n\n    ${origin}/setup?token=${setupToken}\n\n`,
    );
  }
}

/** A database that is still starting (a container next to ours) gets a minute before we give up. */
async function migrateWhenReachable(url: string, log: ReturnType<typeof createLogger>) {
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
  if (error instanceof EnvError || error instanceof AlreadyRunningError) {
    process.stderr.write(`\n${error.message}\n\n`);
  } else {
    process.stderr.write(`Loupe could not start: ${describeError(error)}\n`);
  }
  process.exit(1);
});
