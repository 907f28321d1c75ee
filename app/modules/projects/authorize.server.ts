import { and, eq } from "drizzle-orm";
import { projectMembers, projects } from "~db/schema";
import type { Db } from "~/db.server";
import type { Actor } from "~/modules/auth/actor";
import { ForbiddenError, NotFoundError } from "~/utils/errors";
import { can, refusalOf, type ProjectAction, type ProjectRole } from "./policy";

export type ProjectAccess = { projectId: string; name: string; role: ProjectRole | null; archived: boolean };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Loads the actor's standing on a project and checks the action against the policy.
 * Someone who cannot even view the project gets NotFound, so ids do not reveal what exists.
 */
export async function authorizeProject(
  db: Db,
  actor: Actor,
  projectId: string,
  action: ProjectAction,
): Promise<ProjectAccess> {
  if (!UUID.test(projectId)) throw new NotFoundError("No such project.");
  const [row] = await db
    .select({ projectId: projects.id, name: projects.name, archivedAt: projects.archivedAt, role: projectMembers.role })
    .from(projects)
    .leftJoin(projectMembers, and(eq(projectMembers.projectId, projects.id), eq(projectMembers.userId, actor.userId)))
    .where(eq(projects.id, projectId))
    .limit(1);
  const subject = { isAdmin: actor.isAdmin, role: row?.role ?? null };
  if (!row || !can(subject, "project.view")) throw new NotFoundError("No such project.");
  if (!can(subject, action)) throw new ForbiddenError(refusalOf(action));
  return { projectId: row.projectId, name: row.name, role: row.role ?? null, archived: row.archivedAt !== null };
}
