/**
 * Runs once per `vitest` run, in the main process. It finds a PostgreSQL server (TEST_DATABASE_URL,
 * or an embedded one in .data/test), builds a migrated template database, and hands both to the
 * workers; test/db.ts copies the template into one database per worker. Everything this run
 * created is dropped again in teardown.
 */
import { fileURLToPath } from "node:url";
import type { TestProject } from "vitest/node";
import { AlreadyRunningError, findRunningEmbedded, startEmbedded, type EmbeddedServer } from "../db/embedded";
import { migrateDatabase } from "../db/migrate";
import {
  createDatabase,
  databaseUrl,
  dropDatabasesWithPrefix,
  dropStaleDatabases,
  uniqueName,
} from "../scripts/lib/pg-admin.mjs";

declare module "vitest" {
  export interface ProvidedContext {
    /** A URL on the test server for a user allowed to create and drop databases. */
    testAdminUrl: string;
    /** The migrated database each worker's database is copied from. */
    testTemplate: string;
  }
}

const EMBEDDED_DIR = fileURLToPath(new URL("../.data/test", import.meta.url));

export default async function setup(project: TestProject) {
  let embedded: EmbeddedServer | undefined;
  let adminUrl = process.env.TEST_DATABASE_URL;
  if (!adminUrl) {
    embedded = await embeddedServer();
    adminUrl = embedded.url;
  }

  const template = uniqueName("loupe_t");
  try {
    await dropStaleDatabases(adminUrl);
    await createDatabase(adminUrl, template);
    await migrateDatabase(databaseUrl(adminUrl, template));
  } catch (error) {
    await dropDatabasesWithPrefix(adminUrl, template).catch(() => {});
    await embedded?.stop();
    throw new Error(`Could not prepare the test database on ${redact(adminUrl)}: ${String(error)}`, { cause: error });
  }

  project.provide("testAdminUrl", adminUrl);
  project.provide("testTemplate", template);

  return async () => {
    try {
      await dropDatabasesWithPrefix(adminUrl, template);
    } finally {
      await embedded?.stop();
    }
  };
}

async function embeddedServer(): Promise<EmbeddedServer> {
  try {
    return await startEmbedded(EMBEDDED_DIR, (line) => console.log(`[test-db] ${line}`));
  } catch (error) {
    // why: another run (e.g. a second `vitest` in watch mode) owns the server; share it.
    if (error instanceof AlreadyRunningError) {
      const running = await findRunningEmbedded(EMBEDDED_DIR);
      if (running) return running;
    }
    throw error;
  }
}

function redact(url: string): string {
  const u = new URL(url);
  if (u.password) u.password = "***";
  return u.toString();
}
