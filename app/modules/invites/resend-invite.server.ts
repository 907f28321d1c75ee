import { and, eq, isNull } from "drizzle-orm";
import { invites, users } from "~db/schema";
import type { Db } from "~/db.server";
import type { Actor } from "~/modules/auth/actor";
import { randomToken, sha256 } from "~/modules/auth/crypto.server";
import { recordAudit } from "~/modules/audit/record-audit.server";
import type { ProjectRole } from "~/modules/projects/policy";
import { ConflictError } from "~/utils/errors";
import type { CreatedInvite } from "./create-invite.server";
import { invitePath, mailInvite } from "./mail-invite.server";
import { authorizeInvite } from "./queries.server";
import { NOT_PENDING } from "./revoke-invite.server";
import { INVITE_MAX_DAYS } from "./schemas";

/**
 * Makes a fresh link for a pending or expired invite and mails it when mail is configured. Only
 * hashes are kept, so the old link cannot be sent again: it stops working, and the new one runs
 * as long as the invite first did (at most the longest allowed), counted from now.
 */
export async function resendInvite(db: Db, actor: Actor, input: { inviteId: string; origin: string }): Promise<CreatedInvite> {
  const invite = await authorizeInvite(db, actor, input.inviteId);
  if (invite.state === "used" || invite.state === "revoked") throw new ConflictError(NOT_PENDING[invite.state]);
  const token = randomToken();
  // why: measured from creation, a link resent again and again would run longer each time.
  const lifetime = Math.min(invite.expiresAt.getTime() - invite.createdAt.getTime(), INVITE_MAX_DAYS * 86_400_000);
  const expiresAt = new Date(Date.now() + lifetime);
  await db.transaction(async (tx) => {
    const [row] = await tx
      .update(invites)
      .set({ tokenHash: sha256(token), expiresAt, sendError: null })
      .where(and(eq(invites.id, invite.id), isNull(invites.usedAt), isNull(invites.revokedAt)))
      .returning({ id: invites.id });
    if (!row) throw new ConflictError("This invite was used or revoked a moment ago.");
    await recordAudit(tx, { actorUserId: actor.userId, action: "invite.resend", targetType: "invite", targetId: invite.id, data: { email: invite.email, expiresAt: expiresAt.toISOString() } });
  });
  const [me] = await db.select({ name: users.name }).from(users).where(eq(users.id, actor.userId));
  const link = `${input.origin}${invitePath(token)}`;
  const role = invite.role as ProjectRole | null;
  const mail = await mailInvite(db, invite.id, { email: invite.email, inviterName: me?.name ?? null, projectName: invite.projectName, role, expiresAt }, link);
  return { id: invite.id, email: invite.email, projectId: invite.projectId, role, expiresAt, link, token, mail };
}
