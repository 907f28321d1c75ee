import { and, eq, isNull, ne } from "drizzle-orm";
import { passwordResets, sessions, users } from "~db/schema";
import type { Db } from "~/db.server";
import type { Actor } from "~/modules/auth/actor";
import { recordAudit } from "~/modules/audit/record-audit.server";
import { ForbiddenError, NotFoundError } from "~/utils/errors";
import { parseOrThrow } from "~/utils/validation";
import { sha256 } from "./crypto.server";
import { hashPassword } from "./password.server";
import { newPasswordSchema } from "./schemas";

/**
 * Stores an already hashed password and ends the user's sessions: all of them, or all but the one
 * whose token is `keepSessionToken`. Unused reset links stop working with the old password.
 * Call it inside the transaction that decided the change.
 */
export async function storePassword(db: Db, userId: string, passwordHash: string, options: { keepSessionToken?: string | null } = {}) {
  const [user] = await db.update(users).set({ passwordHash, updatedAt: new Date() }).where(eq(users.id, userId)).returning({ id: users.id });
  if (!user) throw new NotFoundError("No such user.");
  const keep = options.keepSessionToken ? ne(sessions.idHash, sha256(options.keepSessionToken)) : undefined;
  await db.delete(sessions).where(and(eq(sessions.userId, userId), keep));
  await db.delete(passwordResets).where(and(eq(passwordResets.userId, userId), isNull(passwordResets.usedAt)));
}

/**
 * Sets a user's password outright and signs them out everywhere: for admins, and for the CLI's
 * operator (a null actor, `loupe users reset-password --password-stdin`).
 */
export async function setPassword(db: Db, actor: Actor | null, input: { userId: string; password: string }) {
  if (actor && !actor.isAdmin) throw new ForbiddenError("Only admins can set another person's password.");
  const password = parseOrThrow(newPasswordSchema, input.password);
  const passwordHash = await hashPassword(password);
  await db.transaction(async (tx) => {
    await storePassword(tx, input.userId, passwordHash);
    await recordAudit(tx, { actorUserId: actor?.userId ?? null, action: "user.set_password", targetType: "user", targetId: input.userId });
  });
}
