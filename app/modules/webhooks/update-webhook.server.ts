import { eq } from "drizzle-orm";
import { webhooks } from "~db/schema";
import type { Db } from "~/db.server";
import type { Actor } from "~/modules/auth/actor";
import { recordAudit } from "~/modules/audit/record-audit.server";
import { parseOrThrow } from "~/utils/validation";
import { checkWebhookUrl } from "./create-webhook.server";
import { getWebhook, type WebhookView } from "./queries.server";
import { updateWebhookSchema } from "./schemas";

/**
 * Changes a webhook's URL, events, or pauses (`active: false`) and resumes it. A paused webhook
 * gets no new events, and its pending deliveries wait until it resumes. Audited.
 */
export async function updateWebhook(db: Db, actor: Actor, webhookId: string, input: unknown): Promise<WebhookView> {
  await getWebhook(db, actor, webhookId);
  const data = parseOrThrow(updateWebhookSchema, input);
  if (data.url !== undefined) checkWebhookUrl(data.url);
  await db.transaction(async (tx) => {
    if (Object.keys(data).length) await tx.update(webhooks).set(data).where(eq(webhooks.id, webhookId));
    await recordAudit(tx, { actorUserId: actor.userId, action: "webhook.update", targetType: "webhook", targetId: webhookId, data });
  });
  return getWebhook(db, actor, webhookId);
}

/** Removes a webhook and its delivery log; audited. */
export async function deleteWebhook(db: Db, actor: Actor, webhookId: string): Promise<void> {
  const webhook = await getWebhook(db, actor, webhookId);
  await db.transaction(async (tx) => {
    await tx.delete(webhooks).where(eq(webhooks.id, webhookId));
    await recordAudit(tx, { actorUserId: actor.userId, action: "webhook.delete", targetType: "webhook", targetId: webhookId, data: { projectId: webhook.projectId, url: webhook.url } });
  });
}
