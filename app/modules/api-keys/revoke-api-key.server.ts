import { and, eq, isNull } from "drizzle-orm";
import { apiKeys } from "~db/schema";
import type { Db } from "~/db.server";
import type { Actor } from "~/modules/auth/actor";
import { recordAudit } from "~/modules/audit/record-audit.server";
import { NotFoundError } from "~/utils/errors";

/** Revokes one of the actor's own keys; requests with it fail from the next one on. */
export async function revokeApiKey(db: Db, actor: Actor, input: { keyId: string }) {
  await db.transaction(async (tx) => {
    const [row] = await tx
      .update(apiKeys)
      .set({ revokedAt: new Date() })
      .where(and(eq(apiKeys.id, input.keyId), eq(apiKeys.userId, actor.userId), isNull(apiKeys.revokedAt)))
      .returning({ id: apiKeys.id });
    if (!row) throw new NotFoundError("No such active API key.");
    await recordAudit(tx, { actorUserId: actor.userId, action: "api_key.revoke", targetType: "api_key", targetId: row.id });
  });
}
