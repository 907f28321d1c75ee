import { eq } from "drizzle-orm";
import { users } from "~db/schema";
import type { Db } from "~/db.server";
import type { Actor } from "~/modules/auth/actor";
import { revokeUserSessions } from "~/modules/auth/sessions.server";
import { recordAudit } from "~/modules/audit/record-audit.server";
import { ForbiddenError, NotFoundError, ValidationError } from "~/utils/errors";

/** Disables or re-enables an account; disabling also ends all of the user's sessions at once. */
export async function setUserDisabled(db: Db, actor: Actor, input: { userId: string; disabled: boolean }) {
  if (!actor.isAdmin) throw new ForbiddenError("Only admins can disable users.");
  if (input.userId === actor.userId && input.disabled) {
    throw new ValidationError("You cannot disable your own account.", [{ field: "userId", message: "is you" }]);
  }
  await db.transaction(async (tx) => {
    const [user] = await tx
      .update(users)
      .set({ disabledAt: input.disabled ? new Date() : null, updatedAt: new Date() })
      .where(eq(users.id, input.userId))
      .returning({ id: users.id });
    if (!user) throw new NotFoundError("No such user.");
    if (input.disabled) await revokeUserSessions(tx, user.id);
    await recordAudit(tx, {
      actorUserId: actor.userId,
      action: input.disabled ? "user.disable" : "user.enable",
      targetType: "user",
      targetId: user.id,
    });
  });
}
