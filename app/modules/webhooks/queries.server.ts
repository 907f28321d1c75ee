import { sqlOf, type Db } from "~/db.server";
import type { Actor } from "~/modules/auth/actor";
import { authorizeProject } from "~/modules/projects/authorize.server";
import { NotFoundError } from "~/utils/errors";

/** A webhook as pages and the API show it: never its secret. */
export type WebhookView = { id: string; projectId: string; url: string; events: string[]; active: boolean; createdAt: string; pending: number; failed: number; lastDeliveredAt: string | null };
export type DeliveryView = {
  id: number;
  webhookId: string;
  event: string;
  eventId: string;
  state: "pending" | "delivered" | "failed";
  attempts: number;
  nextAttemptAt: string | null;
  lastStatus: number | null;
  lastError: string | null;
  createdAt: string;
  deliveredAt: string | null;
};

type WebhookRow = { id: string; project_id: string; url: string; events: string[]; active: boolean; created_at: Date; pending: number; failed: number; last_delivered_at: Date | null };

const toView = (r: WebhookRow): WebhookView => ({
  id: r.id,
  projectId: r.project_id,
  url: r.url,
  events: r.events,
  active: r.active,
  createdAt: new Date(r.created_at).toISOString(),
  pending: Number(r.pending),
  failed: Number(r.failed),
  lastDeliveredAt: r.last_delivered_at ? new Date(r.last_delivered_at).toISOString() : null,
});

async function selectWebhooks(db: Db, where: { projectId?: string; webhookId?: string }): Promise<WebhookView[]> {
  const sql = sqlOf(db);
  const rows = await sql<WebhookRow[]>`
    select w.id, w.project_id, w.url, w.events, w.active, w.created_at,
      (select count(*) from webhook_deliveries d where d.webhook_id = w.id and d.state = 'pending')::int as pending,
      (select count(*) from webhook_deliveries d where d.webhook_id = w.id and d.state = 'failed')::int as failed,
      (select max(d.delivered_at) from webhook_deliveries d where d.webhook_id = w.id) as last_delivered_at
    from webhooks w
    where ${where.webhookId ? sql`w.id::text = ${where.webhookId}` : sql`w.project_id = ${where.projectId!}`}
    order by w.created_at, w.id`;
  return rows.map(toView);
}

/** The project's webhooks, for those who manage them. */
export async function listWebhooks(db: Db, actor: Actor, projectId: string): Promise<WebhookView[]> {
  await authorizeProject(db, actor, projectId, "webhooks.manage");
  return selectWebhooks(db, { projectId });
}

/** One webhook, after checking the actor manages its project (404 when it is not theirs to see). */
export async function getWebhook(db: Db, actor: Actor, webhookId: string): Promise<WebhookView> {
  const [webhook] = /^[0-9a-f-]{36}$/i.test(webhookId) ? await selectWebhooks(db, { webhookId }) : [];
  if (!webhook) throw new NotFoundError("No such webhook.");
  await authorizeProject(db, actor, webhook.projectId, "webhooks.manage");
  return webhook;
}

export const DELIVERIES_PAGE = 50;

/** A webhook's delivery log, newest first, `limit` at a time after the delivery id `before` (keyset). */
export async function listDeliveries(db: Db, actor: Actor, webhookId: string, page: { before?: number; limit?: number } = {}): Promise<{ deliveries: DeliveryView[]; nextBefore: number | null }> {
  await getWebhook(db, actor, webhookId);
  const limit = Math.min(Math.max(page.limit ?? DELIVERIES_PAGE, 1), 200);
  const sql = sqlOf(db);
  const rows = await sql<Record<string, unknown>[]>`
    select id, webhook_id, event, event_id, state, attempts, next_attempt_at, last_status, last_error, created_at, delivered_at
    from webhook_deliveries where webhook_id = ${webhookId} ${page.before ? sql`and id < ${page.before}` : sql``}
    order by id desc limit ${limit + 1}`;
  const deliveries = rows.slice(0, limit).map((r) => ({
    id: Number(r.id),
    webhookId: r.webhook_id as string,
    event: r.event as string,
    eventId: r.event_id as string,
    state: r.state as DeliveryView["state"],
    attempts: Number(r.attempts),
    nextAttemptAt: r.state === "pending" ? new Date(r.next_attempt_at as Date).toISOString() : null,
    lastStatus: r.last_status === null ? null : Number(r.last_status),
    lastError: r.last_error as string | null,
    createdAt: new Date(r.created_at as Date).toISOString(),
    deliveredAt: r.delivered_at ? new Date(r.delivered_at as Date).toISOString() : null,
  }));
  return { deliveries, nextBefore: rows.length > limit ? deliveries[deliveries.length - 1]!.id : null };
}
