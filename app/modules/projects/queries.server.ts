import { and, asc, desc, eq, isNull, sql } from "drizzle-orm";
import { projectMembers, projects, users } from "~db/schema";
import type { Db } from "~/db.server";
import type { Actor } from "~/modules/auth/actor";
import { ConflictError } from "~/utils/errors";
import { authorizeProject } from "./authorize.server";
import { projectPeople } from "./people.server";

/** Projects the actor belongs to (every project for admins), newest first. */
export async function listProjects(db: Db, actor: Actor, options: { includeArchived?: boolean } = {}) {
  const membership = and(eq(projectMembers.projectId, projects.id), eq(projectMembers.userId, actor.userId));
  const query = db
    .select({
      id: projects.id,
      name: projects.name,
      description: projects.description,
      archived: sql<boolean>`${projects.archivedAt} is not null`,
      createdAt: projects.createdAt,
      role: projectMembers.role,
      memberCount: sql<number>`(select count(*)::int from ${projectMembers} pm where pm.project_id = ${projects.id})`,
    })
    .from(projects)
    .leftJoin(projectMembers, membership);
  const visible = actor.isAdmin ? undefined : sql`${projectMembers.userId} is not null`;
  const live = options.includeArchived ? undefined : isNull(projects.archivedAt);
  return query.where(and(visible, live)).orderBy(desc(projects.createdAt)).limit(500);
}

export async function getProject(db: Db, actor: Actor, projectId: string) {
  const access = await authorizeProject(db, actor, projectId, "project.view");
  const [project] = await db
    .select({ id: projects.id, name: projects.name, description: projects.description, createdAt: projects.createdAt })
    .from(projects)
    .where(eq(projects.id, projectId));
  return { ...project!, role: access.role, archived: access.archived };
}

/**
 * The project's members as the actor may see them (see projectPeople): managers and admins get
 * names, emails and ids; other members pseudonyms (or names, where the project shows them).
 */
export async function listMembers(db: Db, actor: Actor, projectId: string) {
  const access = await authorizeProject(db, actor, projectId, "project.view");
  const rows = await db
    .select({ userId: users.id, email: users.email, name: users.name, role: projectMembers.role, disabled: sql<boolean>`${users.disabledAt} is not null` })
    .from(projectMembers)
    .innerJoin(users, eq(users.id, projectMembers.userId))
    .where(eq(projectMembers.projectId, projectId))
    .orderBy(asc(users.name), asc(users.id));
  const people = await projectPeople(db, actor, projectId, access.role);
  const seen = await people.see(rows.map((r) => ({ id: r.userId, name: r.name, email: r.email })));
  const members = rows.map((row, i) => ({ ...seen[i]!, role: row.role, disabled: row.disabled }));
  // why: in name order only for those who see names; pseudonyms sorted by name would hint at who is who.
  return people.names ? members : members.sort((a, b) => Number(b.isYou) - Number(a.isYou) || a.label.localeCompare(b.label));
}

/** The actor's role on each of their projects (for /api/v1/me). */
export async function listRoles(db: Db, actor: Actor) {
  return db
    .select({ projectId: projects.id, projectName: projects.name, role: projectMembers.role })
    .from(projectMembers)
    .innerJoin(projects, eq(projects.id, projectMembers.projectId))
    .where(eq(projectMembers.userId, actor.userId))
    .orderBy(asc(projects.name));
}

/**
 * Finds a project by id or by name, for the CLI (whose operator sees every project). Names are
 * unique per creator only, so a name two projects share is refused with their ids to choose from.
 */
export async function findProjectRef(db: Db, ref: string) {
  const byId = /^[0-9a-f-]{36}$/i.test(ref) ? eq(projects.id, ref) : undefined;
  const rows = await db
    .select({ id: projects.id, name: projects.name })
    .from(projects)
    .where(byId ?? sql`lower(${projects.name}) = ${ref.trim().toLowerCase()}`)
    .orderBy(asc(projects.createdAt))
    .limit(5);
  if (rows.length > 1) {
    throw new ConflictError(`Several projects are named "${ref.trim()}"; name one by its id: ${rows.map((r) => r.id).join(", ")}.`);
  }
  return rows[0];
}
