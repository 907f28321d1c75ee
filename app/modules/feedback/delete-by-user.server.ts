import { and, eq } from "drizzle-orm";
import { feedback } from "~db/schema";
import type { Db } from "~/db.server";
import type { Actor } from "~/modules/auth/actor";
import { sha256 } from "~/modules/auth/crypto.server";
import { recordAudit } from "~/modules/audit/record-audit.server";
import { authorizeProject } from "~/modules/projects/authorize.server";
import { parseOrThrow } from "~/utils/validation";
import { deleteByUserSchema } from "./schemas";

/** How the audit log names a user id without keeping it: SHA-256 over the project and the id. */
export const userIdHash = (projectId: string, userId: string) => sha256(`${projectId}\n${userId}`);

/**
 * A data-subject request: deletes every feedback row of one pseudonymous user id in a project
 * and returns how many went. The audit entry keeps the count and the id's hash, never the id.
 * Managers only.
 */
export async function deleteFeedbackByUser(db: Db, actor: Actor, projectId: string, input: { userId: string }): Promise<{ deleted: number }> {
  await authorizeProject(db, actor, projectId, "feedback.manage");
  const { userId } = parseOrThrow(deleteByUserSchema, input);
  return db.transaction(async (tx) => {
    const gone = await tx
      .delete(feedback)
      .where(and(eq(feedback.projectId, projectId), eq(feedback.userId, userId)))
      .returning({ id: feedback.id });
    await recordAudit(tx, {
      actorUserId: actor.userId,
      action: "feedback.delete_user",
      targetType: "project",
      targetId: projectId,
      data: { deleted: gone.length, userIdSha256: userIdHash(projectId, userId) },
    });
    return { deleted: gone.length };
  });
}
