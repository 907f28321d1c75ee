import { and, desc, eq, isNull, sql } from "drizzle-orm";
import { invites, projects, users } from "~db/schema";
import type { Db } from "~/db.server";
import type { Actor } from "~/modules/auth/actor";
import { authorizeProject } from "~/modules/projects/authorize.server";
import { ForbiddenError, NotFoundError } from "~/utils/errors";
import type { InviteState } from "./schemas";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An invite's state in words the lists use; revoked wins over used, used over expired. */
export const inviteState = sql<InviteState>`case when ${invites.revokedAt} is not null then 'revoked' when ${invites.usedAt} is not null then 'used' when ${invites.expiresAt} <= now() then 'expired' else 'pending' end`;

/** The columns an invite is shown with: never the token or its hash. */
export const inviteColumns = {
  id: invites.id,
  email: invites.email,
  projectId: invites.projectId,
  role: invites.role,
  state: inviteState,
  createdAt: invites.createdAt,
  expiresAt: invites.expiresAt,
  usedAt: invites.usedAt,
  revokedAt: invites.revokedAt,
  sentAt: invites.sentAt,
  sendError: invites.sendError,
  createdByName: users.name,
};

export type InviteRow = { id: string; email: string; projectId: string | null; role: string | null; state: InviteState; createdAt: Date; expiresAt: Date; usedAt: Date | null; revokedAt: Date | null; sentAt: Date | null; sendError: string | null; createdByName: string | null };

/**
 * The invites of a project (for those who manage its members) or, with `projectId` null, the
 * instance invites (admins): newest first, with their state. Tokens are never kept, so never shown.
 */
export async function listInvites(db: Db, actor: Actor, projectId: string | null): Promise<InviteRow[]> {
  if (projectId) await authorizeProject(db, actor, projectId, "members.manage");
  else if (!actor.isAdmin) throw new ForbiddenError("Only admins can see instance invites.");
  return db
    .select(inviteColumns)
    .from(invites)
    .leftJoin(users, eq(users.id, invites.createdBy))
    .where(projectId ? eq(invites.projectId, projectId) : isNull(invites.projectId))
    .orderBy(desc(invites.createdAt), desc(invites.id))
    .limit(200);
}

/**
 * Loads an invite the actor may manage: a project's for those with members.manage there (others
 * get NotFound, as for the project), an instance invite for admins only.
 */
export async function authorizeInvite(db: Db, actor: Actor, inviteId: string) {
  if (!UUID.test(inviteId)) throw new NotFoundError("No such invite.");
  const [row] = await db
    .select({ ...inviteColumns, projectName: projects.name })
    .from(invites)
    .leftJoin(users, eq(users.id, invites.createdBy))
    .leftJoin(projects, eq(projects.id, invites.projectId))
    .where(eq(invites.id, inviteId));
  if (!row) throw new NotFoundError("No such invite.");
  if (row.projectId) {
    try {
      await authorizeProject(db, actor, row.projectId, "members.manage");
    } catch (error) {
      throw error instanceof NotFoundError ? new NotFoundError("No such invite.") : error;
    }
  } else if (!actor.isAdmin) {
    throw new NotFoundError("No such invite.");
  }
  return row;
}

/** Pending invites for the same email and place, which a new invite replaces. */
export function samePendingInvite(email: string, projectId: string | null) {
  return and(
    sql`lower(${invites.email}) = ${email.toLowerCase()}`,
    projectId ? eq(invites.projectId, projectId) : isNull(invites.projectId),
    isNull(invites.usedAt),
    isNull(invites.revokedAt),
  );
}
