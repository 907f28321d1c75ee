import { inArray, sql } from "drizzle-orm";
import { rateLimits } from "~db/schema";
import type { Db } from "~/db.server";
import { RateLimitedError } from "~/utils/errors";

export type Limit = { key: string; max: number };
const WINDOW_SECONDS = 15 * 60;

/** Throws RateLimitedError when any key has used up its failures in the current window. */
export async function assertNotLimited(db: Db, limits: Limit[], message: string): Promise<void> {
  const rows = await db
    .select({
      key: rateLimits.key,
      failures: rateLimits.failures,
      retryAfter: sql<number>`ceil(extract(epoch from ${rateLimits.windowStartedAt} + make_interval(secs => ${WINDOW_SECONDS}) - now()))::int`,
    })
    .from(rateLimits)
    .where(inArray(rateLimits.key, limits.map((l) => l.key)));
  for (const row of rows) {
    const limit = limits.find((l) => l.key === row.key);
    if (limit && row.retryAfter > 0 && row.failures >= limit.max) {
      throw new RateLimitedError(message, row.retryAfter);
    }
  }
}

/** Counts one failure against each key, starting a new window when the old one has ended. */
export async function recordFailure(db: Db, keys: string[]): Promise<void> {
  for (const key of keys) {
    await db.execute(sql`
      insert into rate_limits (key, failures, window_started_at) values (${key}, 1, now())
      on conflict (key) do update set
        failures = case when rate_limits.window_started_at < now() - make_interval(secs => ${WINDOW_SECONDS})
          then 1 else rate_limits.failures + 1 end,
        window_started_at = case when rate_limits.window_started_at < now() - make_interval(secs => ${WINDOW_SECONDS})
          then now() else rate_limits.window_started_at end`);
  }
}

export async function clearFailures(db: Db, keys: string[]): Promise<void> {
  await db.delete(rateLimits).where(inArray(rateLimits.key, keys));
}
