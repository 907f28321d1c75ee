import { and, eq } from "drizzle-orm";
import { projectMembers } from "~db/schema";
import type { Db } from "~/db.server";
import type { Actor } from "~/modules/auth/actor";
import { recordAudit } from "~/modules/audit/record-audit.server";
import { authorizeProject } from "./authorize.server";
import { assertAnotherManager, lockMember } from "./change-member-role.server";

/** Removes a member from the project; the last manager cannot be removed. */
export async function removeMember(db: Db, actor: Actor, projectId: string, input: { userId: string }) {
  await authorizeProject(db, actor, projectId, "members.manage");
  await db.transaction(async (tx) => {
    const current = await lockMember(tx, projectId, input.userId);
    if (current.role === "manager") await assertAnotherManager(tx, projectId, input.userId);
    await tx
      .delete(projectMembers)
      .where(and(eq(projectMembers.projectId, projectId), eq(projectMembers.userId, input.userId)));
    await recordAudit(tx, {
      actorUserId: actor.userId,
      action: "member.remove",
      targetType: "project",
      targetId: projectId,
      data: { userId: input.userId, role: current.role },
    });
  });
}
