import { and, eq, isNull, sql } from "drizzle-orm";
import { invites } from "~db/schema";
import type { Db } from "~/db.server";
import type { Actor } from "~/modules/auth/actor";
import { recordAudit } from "~/modules/audit/record-audit.server";
import { ConflictError } from "~/utils/errors";
import { authorizeInvite } from "./queries.server";

export const NOT_PENDING = {
  used: "This invite has already been used; remove the member instead.",
  revoked: "This invite was already revoked.",
} as const;

/** Revokes a pending (or expired) invite so its link stops working; a used one cannot be, and says so. */
export async function revokeInvite(db: Db, actor: Actor, inviteId: string) {
  const invite = await authorizeInvite(db, actor, inviteId);
  if (invite.state === "used" || invite.state === "revoked") throw new ConflictError(NOT_PENDING[invite.state]);
  return db.transaction(async (tx) => {
    const [row] = await tx
      .update(invites)
      .set({ revokedAt: sql`now()` })
      .where(and(eq(invites.id, invite.id), isNull(invites.usedAt), isNull(invites.revokedAt)))
      .returning({ id: invites.id });
    if (!row) throw new ConflictError("This invite was used or revoked a moment ago.");
    await recordAudit(tx, { actorUserId: actor.userId, action: "invite.revoke", targetType: "invite", targetId: invite.id, data: { email: invite.email, projectId: invite.projectId } });
    return { id: invite.id, email: invite.email };
  });
}
