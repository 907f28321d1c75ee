import type postgres from "postgres";
import type { Database } from "~/db.server";

/**
 * The postgres.js pool under a Drizzle database, for what Drizzle cannot do: cursors, COPY and a
 * reserved connection. A transaction has no pool of its own, so verbs needing this take the pool.
 */
export function clientOf(db: Database): postgres.Sql {
  const client = (db as Database & { $client?: postgres.Sql }).$client;
  if (!client) throw new Error("Expected a pooled database (connect() or the app's db), not a transaction.");
  return client;
}
