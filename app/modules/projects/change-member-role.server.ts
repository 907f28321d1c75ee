import { and, eq, sql } from "drizzle-orm";
import { projectMembers } from "~db/schema";
import type { Db, Transaction } from "~/db.server";
import type { Actor } from "~/modules/auth/actor";
import { recordAudit } from "~/modules/audit/record-audit.server";
import { ConflictError, NotFoundError } from "~/utils/errors";
import { parseOrThrow } from "~/utils/validation";
import { authorizeProject } from "./authorize.server";
import type { ProjectRole } from "./policy";
import { roleSchema } from "./schemas";

/** Changes a member's role; a project always keeps at least one manager. */
export async function changeMemberRole(
  db: Db,
  actor: Actor,
  projectId: string,
  input: { userId: string; role: ProjectRole },
) {
  await authorizeProject(db, actor, projectId, "members.manage");
  const role = parseOrThrow(roleSchema, input.role);
  await db.transaction(async (tx) => {
    const current = await lockMember(tx, projectId, input.userId);
    if (current.role === "manager" && role !== "manager") await assertAnotherManager(tx, projectId, input.userId);
    await tx
      .update(projectMembers)
      .set({ role })
      .where(and(eq(projectMembers.projectId, projectId), eq(projectMembers.userId, input.userId)));
    await recordAudit(tx, {
      actorUserId: actor.userId,
      action: "member.change_role",
      targetType: "project",
      targetId: projectId,
      data: { userId: input.userId, from: current.role, to: role },
    });
  });
}

export async function lockMember(tx: Transaction, projectId: string, userId: string) {
  // why: lock every membership row of the project so two concurrent demotions cannot both
  // pass the "another manager remains" check.
  const rows = await tx
    .select({ userId: projectMembers.userId, role: projectMembers.role })
    .from(projectMembers)
    .where(eq(projectMembers.projectId, projectId))
    .for("update");
  const member = rows.find((r) => r.userId === userId);
  if (!member) throw new NotFoundError("That user is not a member of this project.");
  return member;
}

export async function assertAnotherManager(tx: Transaction, projectId: string, userId: string) {
  const [row] = await tx
    .select({ n: sql<number>`count(*)::int` })
    .from(projectMembers)
    .where(
      and(
        eq(projectMembers.projectId, projectId),
        eq(projectMembers.role, "manager"),
        sql`${projectMembers.userId} <> ${userId}`,
      ),
    );
  if ((row?.n ?? 0) === 0) throw new ConflictError("A project needs at least one manager: make someone else manager first.");
}
