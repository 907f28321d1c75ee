import { projectMembers, projects } from "~db/schema";
import type { Db } from "~/db.server";
import type { Actor } from "~/modules/auth/actor";
import { recordAudit } from "~/modules/audit/record-audit.server";
import { ConflictError, ForbiddenError } from "~/utils/errors";
import { parseOrThrow } from "~/utils/validation";
import { MAY_NOT_CREATE_PROJECTS, mayCreateProjects } from "./may-create-projects.server";
import { projectInputSchema, type ProjectInput } from "./schemas";

/**
 * Creates a project, if the actor may create projects on this instance; its manager is
 * `managerId` when an admin names one, else the creator. Names are unique per creator, so a taken
 * name says nothing about anyone else's projects.
 */
export async function createProject(db: Db, actor: Actor, input: ProjectInput & { managerId?: string }) {
  if (!(await mayCreateProjects(db, actor))) throw new ForbiddenError(MAY_NOT_CREATE_PROJECTS);
  const data = parseOrThrow(projectInputSchema, input);
  const managerId = input.managerId && actor.isAdmin ? input.managerId : actor.userId;
  return db.transaction(async (tx) => {
    const [project] = await tx
      .insert(projects)
      .values({ name: data.name, description: data.description, createdBy: actor.userId })
      .onConflictDoNothing()
      .returning({ id: projects.id, name: projects.name, description: projects.description, createdAt: projects.createdAt });
    if (!project) throw new ConflictError(`You already have a project named "${data.name}". Choose another name.`);
    await tx.insert(projectMembers).values({ projectId: project.id, userId: managerId, role: "manager" });
    await recordAudit(tx, {
      actorUserId: actor.userId,
      action: "project.create",
      targetType: "project",
      targetId: project.id,
      data: { name: project.name, managerId },
    });
    return project;
  });
}
