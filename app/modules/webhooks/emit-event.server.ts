import { createHash } from "node:crypto";
import type postgres from "postgres";
import { sqlOf, type Db } from "~/db.server";
import type { WebhookEvent } from "./schemas";

/** One occurrence of an event: `key` names it uniquely within its project and type (an item and when it resolved, a dataset id). */
export type EventOccurrence = { key: string; data: Record<string, unknown> };

/** The idempotency id of an occurrence: the same for every webhook, attempt and replay, and for a second report of the same occurrence. */
export function eventIdOf(projectId: string, event: WebhookEvent, key: string): string {
  return `evt_${createHash("sha256").update(`${projectId}\0${event}\0${key}`).digest("hex").slice(0, 32)}`;
}

/**
 * Queues a delivery of each occurrence to every active webhook of the project subscribed to the
 * event, in the caller's transaction (call it in the one that makes the change, so the event
 * exists exactly when the change does). One statement; nothing is written when no webhook
 * listens. An occurrence already queued for a webhook is not queued again (unique event id).
 * Payloads carry ids, counts and links, never item text. Returns the deliveries queued.
 */
export async function emitEvent(db: Db | postgres.Sql | postgres.TransactionSql, projectId: string, event: WebhookEvent, occurrences: EventOccurrence | EventOccurrence[]): Promise<number> {
  const list = Array.isArray(occurrences) ? occurrences : [occurrences];
  if (!list.length) return 0;
  const sql = typeof db === "function" ? (db as postgres.Sql) : sqlOf(db);
  const createdAt = new Date().toISOString();
  const payloads = list.map(({ key, data }) => ({ id: eventIdOf(projectId, event, key), type: event, created_at: createdAt, project_id: projectId, data }));
  const rows = await sql`
    insert into webhook_deliveries (webhook_id, event, event_id, payload)
    select w.id, ${event}, p.value ->> 'id', p.value
    from webhooks w cross join jsonb_array_elements(${JSON.stringify(payloads)}::text::jsonb) p
    where w.project_id = ${projectId} and w.active and ${event} = any(w.events)
    on conflict (webhook_id, event_id) do nothing
    returning id`;
  return rows.length;
}
