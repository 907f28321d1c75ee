import { projectMembers } from "~db/schema";
import type { Db } from "~/db.server";
import type { Actor } from "~/modules/auth/actor";
import { recordAudit } from "~/modules/audit/record-audit.server";
import { findUserByEmail } from "~/modules/users/queries.server";
import { ConflictError, ValidationError } from "~/utils/errors";
import { parseOrThrow } from "~/utils/validation";
import { authorizeProject } from "./authorize.server";
import { memberInputSchema, type MemberInput } from "./schemas";

/** Adds an existing user to the project with a role (managers and admins only). */
export async function addMember(db: Db, actor: Actor, projectId: string, input: MemberInput) {
  await authorizeProject(db, actor, projectId, "members.manage");
  const data = parseOrThrow(memberInputSchema, input);
  const user = await findUserByEmail(db, data.email);
  if (!user || user.disabledAt) {
    throw new ValidationError(`No active user has the email ${data.email}. An admin can create the account first.`, [
      { field: "email", message: "No active user has this email. An admin can create the account first." },
    ]);
  }
  return db.transaction(async (tx) => {
    const [member] = await tx
      .insert(projectMembers)
      .values({ projectId, userId: user.id, role: data.role })
      .onConflictDoNothing()
      .returning({ userId: projectMembers.userId, role: projectMembers.role });
    if (!member) throw new ConflictError(`${user.email} is already a member of this project.`);
    await recordAudit(tx, {
      actorUserId: actor.userId,
      action: "member.add",
      targetType: "project",
      targetId: projectId,
      data: { userId: user.id, role: data.role },
    });
    return { userId: user.id, email: user.email, name: user.name, role: member.role };
  });
}
