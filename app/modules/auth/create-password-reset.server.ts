import { and, eq, isNull } from "drizzle-orm";
import { passwordResets, users } from "~db/schema";
import type { Db } from "~/db.server";
import { recordAudit } from "~/modules/audit/record-audit.server";
import { ForbiddenError, NotFoundError } from "~/utils/errors";
import type { Actor } from "./actor";
import { randomToken, sha256 } from "./crypto.server";

export const RESET_LINK_HOURS = 24;

/** The path of a reset link; the page at it lets the holder set a new password once. */
export const resetPath = (token: string) => `/reset-password/${token}`;

/**
 * Makes a one-time password reset link for a user (admins, or the CLI's operator as a null
 * actor). Only the token's hash is stored; it works for 24 hours, once, and replaces any unused
 * link the user had. Whether it is also to be mailed is recorded in the audit entry.
 */
export async function createPasswordReset(db: Db, actor: Actor | null, input: { userId: string; mailRequested?: boolean }) {
  if (actor && !actor.isAdmin) throw new ForbiddenError("Only admins can make password reset links.");
  const token = randomToken();
  const expiresAt = new Date(Date.now() + RESET_LINK_HOURS * 3_600_000);
  const user = await db.transaction(async (tx) => {
    const [found] = await tx.select({ id: users.id, email: users.email, name: users.name }).from(users).where(eq(users.id, input.userId));
    if (!found) throw new NotFoundError("No such user.");
    await tx.delete(passwordResets).where(and(eq(passwordResets.userId, found.id), isNull(passwordResets.usedAt)));
    await tx.insert(passwordResets).values({ userId: found.id, tokenHash: sha256(token), createdBy: actor?.userId ?? null, expiresAt });
    await recordAudit(tx, {
      actorUserId: actor?.userId ?? null,
      action: "user.password_reset_link",
      targetType: "user",
      targetId: found.id,
      data: { expiresAt: expiresAt.toISOString(), mailRequested: input.mailRequested ?? false },
    });
    return found;
  });
  return { token, path: resetPath(token), expiresAt, user };
}

/** The mail that carries a reset link, when the operator configured mail. */
export function resetLinkMail(user: { name: string; email: string }, link: string, expiresAt: Date) {
  return {
    to: user.email,
    subject: "Set your Loupe password",
    text:
      `Hello ${user.name},\n\nAn admin of Loupe made a link for you to set a new password:\n\n  ${link}\n\n` +
      `It works once, until ${expiresAt.toISOString().replace("T", " ").slice(0, 16)} UTC. If you did not ask for it, tell your admin.\n`,
  };
}
