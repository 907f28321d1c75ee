import { inArray, sql } from "drizzle-orm";
import { rateLimits } from "~db/schema";
import type { Db } from "~/db.server";
import { RateLimitedError } from "~/utils/errors";

export type Limit = { key: string; max: number };
const WINDOW_SECONDS = 15 * 60;

/**
 * Counts one attempt against every key and throws RateLimitedError when any key is past its
 * limit in the current window; a refused attempt is given back at once. Counting comes first,
 * in one statement, so concurrent attempts cannot all read a counter below the limit before any
 * of them adds to it: at most `max` attempts per key and window get past this. The window is
 * fixed (it starts at a key's first attempt) and 15 minutes long unless `windowSeconds` says.
 */
export async function countAttempt(db: Db, limits: Limit[], message: string, windowSeconds = WINDOW_SECONDS): Promise<void> {
  // why: a fixed key order, so two statements that share keys lock their rows in the same order.
  const sorted = [...limits].sort((a, b) => a.key.localeCompare(b.key));
  const expired = sql`rate_limits.window_started_at < now() - make_interval(secs => ${windowSeconds})`;
  const rows = await db.execute<{ key: string; failures: number; retry_after: number }>(sql`
    insert into rate_limits (key, failures, window_started_at)
    values ${sql.join(
      sorted.map((l) => sql`(${l.key}, 1, now())`),
      sql`, `,
    )}
    on conflict (key) do update set
      failures = case when ${expired} then 1 else rate_limits.failures + 1 end,
      window_started_at = case when ${expired} then now() else rate_limits.window_started_at end
    returning key, failures,
      ceil(extract(epoch from window_started_at + make_interval(secs => ${windowSeconds}) - now()))::int as retry_after`);
  const over = rows.find((row) => row.failures > (sorted.find((l) => l.key === row.key)?.max ?? Infinity));
  if (over) {
    await refundAttempt(db, sorted.map((l) => l.key));
    throw new RateLimitedError(message, Math.max(1, over.retry_after));
  }
}

/** Gives back one counted attempt on each key (a success that should not count against an address). */
export async function refundAttempt(db: Db, keys: string[]): Promise<void> {
  await db
    .update(rateLimits)
    .set({ failures: sql`greatest(${rateLimits.failures} - 1, 0)` })
    .where(inArray(rateLimits.key, keys));
}

export async function clearFailures(db: Db, keys: string[]): Promise<void> {
  await db.delete(rateLimits).where(inArray(rateLimits.key, keys));
}
