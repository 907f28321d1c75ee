import { randomBytes, randomUUID } from "node:crypto";
import { webhooks } from "~db/schema";
import type { Db } from "~/db.server";
import type { Actor } from "~/modules/auth/actor";
import { recordAudit } from "~/modules/audit/record-audit.server";
import { BlockedRequestError, checkRequestUrl } from "~/modules/net/guarded-fetch.server";
import { authorizeProject } from "~/modules/projects/authorize.server";
import { sealSecret } from "~/modules/secrets/sealed-secret.server";
import { webhookAllowPrivate } from "~/utils/env.server";
import { ValidationError } from "~/utils/errors";
import { parseOrThrow } from "~/utils/validation";
import { getWebhook, type WebhookView } from "./queries.server";
import { createWebhookSchema } from "./schemas";

/** Refuses a URL the SSRF guard would refuse (an IP literal or metadata name; names are checked again when connecting). */
export function checkWebhookUrl(url: string): void {
  try {
    checkRequestUrl(new URL(url), { allowPrivate: webhookAllowPrivate(), allowPrivateSetting: "LOUPE_WEBHOOK_ALLOW_PRIVATE" });
  } catch (error) {
    if (error instanceof BlockedRequestError) throw new ValidationError(`url: ${error.message}`, [{ field: "url", message: error.message }]);
    throw error;
  }
}

/**
 * Adds a webhook to a project (its managers and admins). The signing secret is made here, sealed
 * at rest, and returned this once: no later read shows it. Audited without the secret.
 */
export async function createWebhook(db: Db, actor: Actor, projectId: string, input: unknown): Promise<{ webhook: WebhookView; secret: string }> {
  await authorizeProject(db, actor, projectId, "webhooks.manage");
  const data = parseOrThrow(createWebhookSchema, input);
  checkWebhookUrl(data.url);
  const id = randomUUID();
  const secret = `whsec_${randomBytes(24).toString("base64url")}`;
  await db.transaction(async (tx) => {
    await tx.insert(webhooks).values({ id, projectId, url: data.url, events: data.events, secretSealed: sealSecret(secret, `webhooks/${id}/secret`), createdBy: actor.userId });
    await recordAudit(tx, { actorUserId: actor.userId, action: "webhook.create", targetType: "webhook", targetId: id, data: { projectId, url: data.url, events: data.events } });
  });
  return { webhook: await getWebhook(db, actor, id), secret };
}
