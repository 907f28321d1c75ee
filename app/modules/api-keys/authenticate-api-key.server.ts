import { and, eq, isNull, sql } from "drizzle-orm";
import { apiKeys, users } from "~db/schema";
import type { Db } from "~/db.server";
import type { Actor } from "~/modules/auth/actor";
import { sha256 } from "~/modules/auth/crypto.server";
import { UnauthorizedError } from "~/utils/errors";

const INVALID = "Missing or invalid API key: send `Authorization: Bearer <key>`.";

/** The actor behind an `Authorization: Bearer` header; it acts with the key owner's rights. */
export async function authenticateApiKey(db: Db, authorization: string | null): Promise<Actor> {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? "");
  if (!match) throw new UnauthorizedError(INVALID);
  const [row] = await db
    .select({ keyId: apiKeys.id, userId: users.id, isAdmin: users.isAdmin, lastUsedAt: apiKeys.lastUsedAt })
    .from(apiKeys)
    .innerJoin(users, eq(users.id, apiKeys.userId))
    .where(and(eq(apiKeys.keyHash, sha256(match[1]!)), isNull(apiKeys.revokedAt), isNull(users.disabledAt)))
    .limit(1);
  if (!row) throw new UnauthorizedError(INVALID);
  // why: a write per request would be wasteful; minute resolution is enough to spot unused keys.
  if (!row.lastUsedAt || Date.now() - row.lastUsedAt.getTime() > 60_000) {
    await db.update(apiKeys).set({ lastUsedAt: sql`now()` }).where(eq(apiKeys.id, row.keyId));
  }
  return { userId: row.userId, isAdmin: row.isAdmin, via: "api-key" };
}
