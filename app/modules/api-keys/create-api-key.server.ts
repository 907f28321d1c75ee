import { randomBytes } from "node:crypto";
import { z } from "zod";
import { apiKeys } from "~db/schema";
import type { Db } from "~/db.server";
import type { Actor } from "~/modules/auth/actor";
import { randomToken, sha256 } from "~/modules/auth/crypto.server";
import { recordAudit } from "~/modules/audit/record-audit.server";
import { parseOrThrow } from "~/utils/validation";

export const apiKeyNameSchema = z.object({
  name: z.string({ error: "Give the key a name." }).trim().min(1, { error: "Give the key a name." }).max(100),
});

/**
 * Creates an API key for the actor (or, for the CLI, for `userId`). The secret is returned once;
 * only its hash and a short visible prefix are stored.
 */
export async function createApiKey(db: Db, actor: Actor, input: { name: string; userId?: string }) {
  const { name } = parseOrThrow(apiKeyNameSchema, input);
  const userId = input.userId && actor.isAdmin ? input.userId : actor.userId;
  // why: hex, so the prefix never contains the "_" that separates it from the secret.
  const prefix = `lp_${randomBytes(4).toString("hex")}`;
  const key = `${prefix}_${randomToken(32)}`;
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(apiKeys)
      .values({ userId, name, prefix, keyHash: sha256(key) })
      .returning({ id: apiKeys.id, name: apiKeys.name, prefix: apiKeys.prefix, createdAt: apiKeys.createdAt });
    await recordAudit(tx, {
      actorUserId: actor.userId,
      action: "api_key.create",
      targetType: "api_key",
      targetId: row!.id,
      data: { name, prefix, userId },
    });
    return { ...row!, key };
  });
}
