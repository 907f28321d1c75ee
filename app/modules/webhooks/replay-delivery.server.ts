import { randomUUID } from "node:crypto";
import { sqlOf, type Db } from "~/db.server";
import type { Actor } from "~/modules/auth/actor";
import { recordAudit } from "~/modules/audit/record-audit.server";
import { NotFoundError } from "~/utils/errors";
import { LEASE_SECONDS } from "./deliver-webhooks.server";
import { getWebhook } from "./queries.server";

// why: leased to the caller, who sends it at once (deliverDueWebhooks with its id); the periodic sender
// takes it only if that caller died, so a replay or a test event is not sent twice at the same moment.
const leased = (sql: ReturnType<typeof sqlOf>) => sql`now() + make_interval(secs => ${LEASE_SECONDS})`;

/**
 * Sends a delivery again: the same payload under the same event id (receivers deduplicate on
 * `Loupe-Delivery`), with a fresh set of attempts, whatever its state. Audited. Returns the
 * delivery's id for the caller to send at once (it is leased to the caller for LEASE_SECONDS).
 */
export async function replayDelivery(db: Db, actor: Actor, deliveryId: number): Promise<{ id: number; webhookId: string }> {
  const sql = sqlOf(db);
  const [row] = Number.isSafeInteger(deliveryId) && deliveryId > 0 ? await sql<{ webhook_id: string }[]>`select webhook_id from webhook_deliveries where id = ${deliveryId}` : [];
  if (!row) throw new NotFoundError("No such delivery.");
  await getWebhook(db, actor, row.webhook_id);
  await db.transaction(async (tx) => {
    await sqlOf(tx)`update webhook_deliveries set state = 'pending', attempts = 0, next_attempt_at = ${leased(sqlOf(tx))}, delivered_at = null where id = ${deliveryId}`;
    await recordAudit(tx, { actorUserId: actor.userId, action: "webhook.replay", targetType: "webhook_delivery", targetId: String(deliveryId), data: { webhookId: row.webhook_id } });
  });
  return { id: deliveryId, webhookId: row.webhook_id };
}

/** Queues a `webhook.test` event for one webhook (whatever it subscribes to), leased to the caller to send at once; returns the delivery's id. */
export async function sendTestEvent(db: Db, actor: Actor, webhookId: string): Promise<{ id: number }> {
  const webhook = await getWebhook(db, actor, webhookId);
  const eventId = `evt_test_${randomUUID().replaceAll("-", "")}`;
  const payload = { id: eventId, type: "webhook.test", created_at: new Date().toISOString(), project_id: webhook.projectId, data: { webhook_id: webhookId, message: "A test event sent from Loupe." } };
  const sql = sqlOf(db);
  const [row] = await sql<{ id: number }[]>`
    insert into webhook_deliveries (webhook_id, event, event_id, payload, next_attempt_at)
    values (${webhookId}, 'webhook.test', ${eventId}, ${JSON.stringify(payload)}::text::jsonb, ${leased(sql)}) returning id`;
  return { id: Number(row!.id) };
}
