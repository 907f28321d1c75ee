/**
 * Each Vitest worker (VITEST_POOL_ID) gets its own database, copied from the migrated template the
 * global setup made. test/setup.ts opens it before every test file and points DATABASE_URL at it,
 * so the app's `db` (app/db.server.ts) talks to it. Test files that run in the same worker, one
 * after another, share it: don't assume tables start empty, create the rows you need.
 */
import { inject } from "vitest";
import { connect, type Connection, type Database } from "~/db.server";
import { createDatabase, databaseUrl, dropDatabases } from "../scripts/lib/pg-admin.mjs";

type State = { url?: Promise<string>; resolved?: string; conn?: Connection };
const KEY = Symbol.for("loupe.test.db");

function state(): State {
  const g = globalThis as { [KEY]?: State };
  return (g[KEY] ??= {});
}

/** The name of this worker's database. */
export function workerDatabaseName(): string {
  return `${inject("testTemplate")}_w${process.env.VITEST_POOL_ID ?? "1"}`;
}

/** URL of this worker's database, creating it from the template on first use. */
export function testDatabaseUrl(): Promise<string> {
  const s = state();
  s.url ??= (async () => {
    const admin = inject("testAdminUrl");
    const name = workerDatabaseName();
    await createDatabase(admin, name, { template: inject("testTemplate"), ifNotExists: true });
    s.resolved = databaseUrl(admin, name);
    return s.resolved;
  })().catch((error: unknown) => {
    s.url = undefined;
    throw error;
  });
  return s.url;
}

function connection(): Connection {
  const s = state();
  if (!s.resolved) throw new Error("The worker database is not open yet (test/setup.ts opens it before each file).");
  s.conn ??= connect(s.resolved, { max: 4 });
  return s.conn;
}

/** A Drizzle client on this worker's database, separate from the app's own pool. */
export function testDb(): Database {
  return connection().db;
}

/** The raw postgres.js client behind testDb(), for SQL the query builder can't express. */
export function testSql(): Connection["sql"] {
  return connection().sql;
}

/** Closes the testDb() pool; test/setup.ts does this after each file. */
export async function closeTestDb(): Promise<void> {
  const s = state();
  const conn = s.conn;
  s.conn = undefined;
  await conn?.sql.end({ timeout: 5 });
}

/**
 * A database of the test's own, fresh from the migrated template, for tests whose outcome depends
 * on what else the tables hold (a query plan follows the table's statistics, and the worker's
 * database holds whatever earlier test files left). Dropped by `close()`, or by the global
 * teardown with the rest of this run's databases.
 */
export async function ownDatabase(suffix: string): Promise<Connection & { close(): Promise<void> }> {
  const admin = inject("testAdminUrl");
  const name = `${workerDatabaseName()}_${suffix}`;
  await dropDatabases(admin, [name]);
  await createDatabase(admin, name, { template: inject("testTemplate") });
  const conn = connect(databaseUrl(admin, name), { max: 4 });
  return {
    ...conn,
    async close() {
      await conn.sql.end({ timeout: 5 });
      await dropDatabases(admin, [name]);
    },
  };
}
