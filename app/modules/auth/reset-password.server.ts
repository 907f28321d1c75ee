import { eq, sql } from "drizzle-orm";
import { passwordResets, users } from "~db/schema";
import type { Db } from "~/db.server";
import { recordAudit } from "~/modules/audit/record-audit.server";
import { ConflictError, NotFoundError } from "~/utils/errors";
import { parseOrThrow } from "~/utils/validation";
import { sha256 } from "./crypto.server";
import { hashPassword } from "./password.server";
import { countAttempt, refundAttempt } from "./rate-limit.server";
import { resetPasswordSchema } from "./schemas";
import { storePassword } from "./set-password.server";

const MAX_ATTEMPTS_PER_IP = 10;

export type ResetLinkState = { state: "valid"; email: string } | { state: "used" | "expired" | "unknown" };

export const RESET_LINK_MESSAGES = {
  unknown: "This password reset link is not valid (it may have been replaced by a newer one). Ask an admin for a new one.",
  used: "This password reset link has already been used. Ask an admin for a new one if you need to set your password again.",
  expired: "This password reset link has expired. Ask an admin for a new one.",
} as const;

/** What a reset link is now: usable (for which account), used, expired, or unknown. */
export async function findPasswordReset(db: Db, token: string): Promise<ResetLinkState> {
  const [row] = await db
    .select({ email: users.email, usedAt: passwordResets.usedAt, expired: sql<boolean>`${passwordResets.expiresAt} <= now()` })
    .from(passwordResets)
    .innerJoin(users, eq(users.id, passwordResets.userId))
    .where(eq(passwordResets.tokenHash, sha256(token)));
  if (!row) return { state: "unknown" };
  if (row.usedAt) return { state: "used" };
  if (row.expired) return { state: "expired" };
  return { state: "valid", email: row.email };
}

/**
 * Sets a new password through a reset link. The link is spent in the same statement that checks
 * it, so two submissions cannot both use it; every session of the user ends. Attempts are
 * limited per address (10 per 15 minutes); a used, expired or unknown link says which.
 */
export async function resetPassword(db: Db, input: { token: string; newPassword: string; confirmPassword: string; ip: string }) {
  const data = parseOrThrow(resetPasswordSchema, input);
  const key = `reset:ip:${input.ip}`;
  await countAttempt(db, [{ key, max: MAX_ATTEMPTS_PER_IP }], "Too many password reset attempts.");
  const passwordHash = await hashPassword(data.newPassword);
  const userId = await db.transaction(async (tx) => {
    const [spent] = await tx
      .update(passwordResets)
      .set({ usedAt: sql`now()` })
      .where(sql`${passwordResets.tokenHash} = ${sha256(input.token)} and ${passwordResets.usedAt} is null and ${passwordResets.expiresAt} > now()`)
      .returning({ id: passwordResets.id, userId: passwordResets.userId });
    if (!spent) return null;
    await storePassword(tx, spent.userId, passwordHash);
    await recordAudit(tx, { actorUserId: spent.userId, action: "user.password_reset", targetType: "user", targetId: spent.userId, data: { resetId: spent.id } });
    return spent.userId;
  });
  if (!userId) {
    const { state } = await findPasswordReset(db, input.token);
    const message = state === "valid" ? RESET_LINK_MESSAGES.used : RESET_LINK_MESSAGES[state];
    throw state === "unknown" ? new NotFoundError(message) : new ConflictError(message);
  }
  await refundAttempt(db, [key]);
  const [user] = await db.select({ email: users.email }).from(users).where(eq(users.id, userId));
  return { email: user!.email };
}
