import { drizzle, type PostgresJsDatabase } from "drizzle-orm/postgres-js";
import type { PostgresJsSession } from "drizzle-orm/postgres-js/session";
import postgres from "postgres";
import * as schema from "~db/schema";

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

let configured: string | undefined;
let current: Connection | undefined;

/**
 * Points the process's `db` at a database: the server at start-up (app/edge.server.ts), the CLI,
 * the test harness per worker. Nothing reads DATABASE_URL behind anyone's back.
 */
export function connectDatabase(url: string) {
  if (current && configured !== url) throw new Error("The database is already open on another URL; close it first.");
  configured = url;
}

function holder(): Connection {
  if (!current) {
    if (!configured) throw new Error("The database has not been opened yet (connectDatabase was not called).");
    current = connect(configured);
  }
  return current;
}

/** The process-wide database, opened on first use from the URL given to connectDatabase. */
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
  const conn = current;
  current = undefined;
  configured = undefined;
  await conn?.sql.end({ timeout: 5 });
}
