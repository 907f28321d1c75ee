import { sqlOf, type Db } from "~/db.server";
import { blockedCause, guardedFetch, type GuardOptions } from "~/modules/net/guarded-fetch.server";
import { openSecret } from "~/modules/secrets/sealed-secret.server";
import { webhookAllowPrivate } from "~/utils/env.server";
import { signatureHeader } from "./sign.server";

/** Waits after the 1st, 2nd… failed attempt (before jitter); after the last one the delivery is marked failed. */
export const RETRY_DELAYS_SECONDS = [30, 120, 600, 3600, 6 * 3600] as const;
export const MAX_ATTEMPTS = RETRY_DELAYS_SECONDS.length + 1;
/** How long one attempt may take, connecting and answering. */
export const ATTEMPT_TIMEOUT_MS = 10_000;
// why: a claimed delivery is leased, not locked across the request: if this process dies mid-attempt, another sends it once the lease ends.
export const LEASE_SECONDS = 60;
const MAX_ERROR_LENGTH = 300;

/** The wait before attempt `attempts + 1`, with ±20 % jitter so receivers that were down are not hit by every retry at once. */
export function retryDelayMs(attempts: number, random: () => number = Math.random): number {
  const base = RETRY_DELAYS_SECONDS[Math.min(attempts, RETRY_DELAYS_SECONDS.length) - 1] ?? RETRY_DELAYS_SECONDS[0];
  return Math.round(base * 1000 * (0.8 + 0.4 * random()));
}

export type DeliveryOptions = {
  limit?: number;
  /** Defaults to LOUPE_WEBHOOK_ALLOW_PRIVATE. */
  allowPrivate?: boolean;
  lookup?: GuardOptions["lookup"];
  /** Only these deliveries, due or not: a replay or a test event its caller leased (LEASE_SECONDS) to send at once. */
  ids?: number[];
};

type Claimed = { id: number; webhook_id: string; event: string; event_id: string; payload: Record<string, unknown>; attempts: number; url: string; secret_sealed: string };
export type DeliveryOutcome = { id: number; state: "delivered" | "pending" | "failed"; status: number | null; error: string | null };

/**
 * Sends the pending deliveries that are due (of active webhooks), oldest first: each is claimed
 * with a lease (SKIP LOCKED, so several servers share the work), signed, POSTed once through the
 * SSRF guard with a timeout and no redirects followed. A 2xx answer delivers it; anything else
 * schedules a retry with backoff, or marks it failed after MAX_ATTEMPTS.
 */
export async function deliverDueWebhooks(db: Db, options: DeliveryOptions = {}): Promise<DeliveryOutcome[]> {
  const sql = sqlOf(db);
  const claimed = await sql<Claimed[]>`
    update webhook_deliveries d set attempts = d.attempts + 1, next_attempt_at = now() + make_interval(secs => ${LEASE_SECONDS})
    from webhooks w
    where w.id = d.webhook_id and d.id in (
      select x.id from webhook_deliveries x join webhooks v on v.id = x.webhook_id
      where x.state = 'pending' and v.active
        and ${options.ids ? sql`x.id = any(${options.ids}::bigint[])` : sql`x.next_attempt_at <= now()`}
      order by x.next_attempt_at limit ${options.limit ?? 20}
      for update of x skip locked)
    returning d.id, d.webhook_id, d.event, d.event_id, d.payload, d.attempts, w.url, w.secret_sealed`;
  const fetcher = guardedFetch({
    allowPrivate: options.allowPrivate ?? webhookAllowPrivate(),
    allowPrivateSetting: "LOUPE_WEBHOOK_ALLOW_PRIVATE",
    maxRedirects: 0,
    maxResponseBytes: 64 * 1024,
    lookup: options.lookup,
  });
  const outcomes: DeliveryOutcome[] = [];
  for (const row of claimed) {
    const { status, error } = await attempt(fetcher, row);
    const id = Number(row.id);
    if (error === null) {
      await sql`update webhook_deliveries set state = 'delivered', delivered_at = now(), last_status = ${status}, last_error = null where id = ${id}`;
      outcomes.push({ id, state: "delivered", status, error });
    } else if (row.attempts >= MAX_ATTEMPTS) {
      await sql`update webhook_deliveries set state = 'failed', last_status = ${status}, last_error = ${error} where id = ${id}`;
      outcomes.push({ id, state: "failed", status, error });
    } else {
      const wait = retryDelayMs(row.attempts);
      await sql`
        update webhook_deliveries set last_status = ${status}, last_error = ${error}, next_attempt_at = now() + make_interval(secs => ${wait / 1000})
        where id = ${id}`;
      outcomes.push({ id, state: "pending", status, error });
    }
  }
  return outcomes;
}

async function attempt(fetcher: ReturnType<typeof guardedFetch>, row: Claimed): Promise<{ status: number | null; error: string | null }> {
  const body = JSON.stringify(row.payload);
  const timestamp = Math.floor(Date.now() / 1000);
  try {
    const secret = openSecret(row.secret_sealed, `webhooks/${row.webhook_id}/secret`);
    const response = await fetcher(row.url, {
      method: "POST",
      body,
      headers: {
        "content-type": "application/json",
        "user-agent": "Loupe-Webhooks/1",
        "loupe-event": row.event,
        "loupe-delivery": row.event_id,
        "loupe-timestamp": String(timestamp),
        "loupe-signature": signatureHeader(secret, timestamp, body),
      },
      signal: AbortSignal.timeout(ATTEMPT_TIMEOUT_MS),
    });
    await response.body?.cancel().catch(() => {});
    if (response.status >= 200 && response.status < 300) return { status: response.status, error: null };
    const redirect = response.status >= 300 && response.status < 400 ? " (a redirect; webhooks do not follow redirects)" : "";
    return { status: response.status, error: `The receiver answered HTTP ${response.status}${redirect}.` };
  } catch (error) {
    return { status: null, error: describe(error) };
  }
}

/** Why an attempt failed, in words for the delivery log: never the secret, the headers or the body. */
function describe(error: unknown): string {
  const blocked = blockedCause(error);
  if (blocked) return blocked.message.slice(0, MAX_ERROR_LENGTH);
  if (error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError")) return `No answer within ${ATTEMPT_TIMEOUT_MS / 1000} seconds.`;
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  const code = (cause as { code?: string } | null)?.code;
  const message = cause instanceof Error ? cause.message : String(cause);
  return `Could not reach the receiver: ${code ? `${code} ` : ""}${message}`.slice(0, MAX_ERROR_LENGTH);
}
