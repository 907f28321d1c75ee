import { eq } from "drizzle-orm";
import { users } from "~db/schema";
import type { Db } from "~/db.server";
import type { Actor } from "~/modules/auth/actor";
import { recordAudit } from "~/modules/audit/record-audit.server";
import { ForbiddenError, NotFoundError } from "~/utils/errors";

/** Allows a user to create projects, or stops them (admins, and the CLI's operator with a null actor). */
export async function setCanCreateProjects(db: Db, actor: Actor | null, input: { userId: string; allowed: boolean }) {
  if (actor && !actor.isAdmin) throw new ForbiddenError("Only admins can decide who creates projects.");
  await db.transaction(async (tx) => {
    const [user] = await tx
      .update(users)
      .set({ canCreateProjects: input.allowed, updatedAt: new Date() })
      .where(eq(users.id, input.userId))
      .returning({ id: users.id });
    if (!user) throw new NotFoundError("No such user.");
    await recordAudit(tx, {
      actorUserId: actor?.userId ?? null,
      action: input.allowed ? "user.allow_project_creation" : "user.stop_project_creation",
      targetType: "user",
      targetId: user.id,
    });
  });
}
