import { drizzle, type PostgresJsDatabase } from "drizzle-orm/postgres-js";
import type { PostgresJsSession } from "drizzle-orm/postgres-js/session";
import postgres from "postgres";
import * as schema from "~db/schema";
import { settledDatabaseUrl } from "~/utils/env.server";

export type Database = PostgresJsDatabase<typeof schema>;
export type Transaction = Parameters<Parameters<Database["transaction"]>[0]>[0];
/** Anything a verb can run its queries on: the pool or an open transaction. */
export type Db = Database | Transaction;

export type Connection = { db: Database; sql: postgres.Sql };

export function connect(url: string, options: { max?: number } = {}): Connection {
  const sql = postgres(url, {
    max: options.max ?? 10,
    idle_timeout: 30,
    connect_timeout: 10,
    onnotice: () => {},
  });
  return { sql, db: drizzle(sql, { schema, casing: "snake_case" }) };
}

// why: server.ts (run by tsx) and the Remix bundle each load their own copy of this module;
// keeping the pool on globalThis gives both the same one.
const KEY = Symbol.for("loupe.db");
type Holder = { [KEY]?: Connection };

function holder(): Connection {
  const g = globalThis as Holder;
  if (!g[KEY]) {
    const url = settledDatabaseUrl();
    if (!url) throw new Error("The database has not been opened yet (DATABASE_URL is unset).");
    g[KEY] = connect(url);
  }
  return g[KEY];
}

/** The process-wide database, opened on first use from the URL chosen at start-up. */
export const db: Database = new Proxy({} as Database, {
  get: (_target, prop) => Reflect.get(holder().db, prop),
});

/**
 * The postgres.js client under a Drizzle handle: the pool for `db`, the transaction's own
 * connection for a transaction. Its tagged templates are named prepared statements (parsed and
 * planned once per connection), which Drizzle's `execute` is not; the queue's hot verbs use it.
 */
export function sqlOf(db: Db): postgres.Sql {
  return (db._.session as unknown as PostgresJsSession<postgres.Sql, Record<string, never>, never>).client;
}

export function sqlClient(): postgres.Sql {
  return holder().sql;
}

export async function closeDb() {
  const g = globalThis as Holder;
  const conn = g[KEY];
  g[KEY] = undefined;
  await conn?.sql.end({ timeout: 5 });
}
