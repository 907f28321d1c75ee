import { eq } from "drizzle-orm";
import { users } from "~db/schema";
import type { Db } from "~/db.server";
import { recordAudit } from "~/modules/audit/record-audit.server";
import { UnauthorizedError, ValidationError } from "~/utils/errors";
import { parseOrThrow } from "~/utils/validation";
import type { Actor } from "./actor";
import { hashPassword, verifyPassword } from "./password.server";
import { clearFailures, countAttempt } from "./rate-limit.server";
import { changePasswordSchema } from "./schemas";
import { storePassword } from "./set-password.server";

const MAX_WRONG_CURRENT = 5;
export const WRONG_CURRENT_PASSWORD = "That is not your current password.";

/**
 * Changes the signed-in user's own password. It asks for the current one (5 tries per 15
 * minutes, so a borrowed session cannot guess it), then ends every other session of the user
 * and keeps `sessionToken`'s, the one making the change.
 */
export async function changePassword(
  db: Db,
  actor: Actor,
  input: { currentPassword: string; newPassword: string; confirmPassword: string; sessionToken: string | null },
) {
  const data = parseOrThrow(changePasswordSchema, input);
  const key = `password:user:${actor.userId}`;
  await countAttempt(db, [{ key, max: MAX_WRONG_CURRENT }], "Too many wrong current passwords.");
  const [user] = await db.select({ passwordHash: users.passwordHash }).from(users).where(eq(users.id, actor.userId));
  if (!user) throw new UnauthorizedError();
  if (!(await verifyPassword(user.passwordHash, data.currentPassword))) {
    throw new ValidationError(WRONG_CURRENT_PASSWORD, [{ field: "currentPassword", message: WRONG_CURRENT_PASSWORD }]);
  }
  const passwordHash = await hashPassword(data.newPassword);
  await db.transaction(async (tx) => {
    await storePassword(tx, actor.userId, passwordHash, { keepSessionToken: input.sessionToken });
    await recordAudit(tx, { actorUserId: actor.userId, action: "user.change_password", targetType: "user", targetId: actor.userId });
  });
  await clearFailures(db, [key]);
}
