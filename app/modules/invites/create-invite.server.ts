import { and, eq, sql } from "drizzle-orm";
import { invites, projectMembers, users } from "~db/schema";
import type { Db } from "~/db.server";
import type { Actor } from "~/modules/auth/actor";
import { randomToken, sha256 } from "~/modules/auth/crypto.server";
import { recordAudit } from "~/modules/audit/record-audit.server";
import { authorizeProject } from "~/modules/projects/authorize.server";
import type { ProjectRole } from "~/modules/projects/policy";
import { findUserByEmail } from "~/modules/users/queries.server";
import { ConflictError, ForbiddenError } from "~/utils/errors";
import { parseOrThrow } from "~/utils/validation";
import { invitePath, mailInvite, type InviteMail } from "./mail-invite.server";
import { samePendingInvite } from "./queries.server";
import { instanceInviteSchema, projectInviteSchema, type InstanceInviteInput, type ProjectInviteInput } from "./schemas";

export type CreatedInvite = { id: string; email: string; projectId: string | null; role: ProjectRole | null; expiresAt: Date; link: string; token: string; mail: InviteMail };

type Place = { projectId: string; input: ProjectInviteInput } | { projectId: null; input: InstanceInviteInput };

/**
 * Makes a one-time invite link for an email: into a project with a role (those who manage its
 * members), or into the instance (admins). Only the token's hash is stored; the link replaces any
 * pending invite for the same email and place, and is mailed when mail is configured (a failed
 * send is recorded, never fatal). Someone who already has an account is added when they accept
 * signed in; an instance invite for an existing account, or an invite for a member, is refused.
 */
export async function createInvite(db: Db, actor: Actor, place: Place & { origin: string }): Promise<CreatedInvite> {
  let projectName: string | null = null;
  let data: { email: string; role: ProjectRole | null; expiresInDays: number };
  if (place.projectId) {
    projectName = (await authorizeProject(db, actor, place.projectId, "members.manage")).name;
    data = parseOrThrow(projectInviteSchema, place.input);
  } else {
    if (!actor.isAdmin) throw new ForbiddenError("Only admins can invite people to this Loupe without a project.");
    data = { ...parseOrThrow(instanceInviteSchema, place.input), role: null };
  }
  const existing = await findUserByEmail(db, data.email);
  if (existing?.disabledAt) throw new ConflictError(`The account ${existing.email} is disabled; an admin can enable it.`);
  if (existing && !place.projectId) throw new ConflictError(`${existing.email} already has an account; add them to a project instead.`);
  if (existing && place.projectId) {
    const [member] = await db
      .select({ role: projectMembers.role })
      .from(projectMembers)
      .where(and(eq(projectMembers.projectId, place.projectId), eq(projectMembers.userId, existing.id)));
    if (member) throw new ConflictError(`${existing.email} is already a member of this project.`);
  }
  const token = randomToken();
  const expiresAt = new Date(Date.now() + data.expiresInDays * 86_400_000);
  const invite = await db.transaction(async (tx) => {
    // why: one live link per email and place, so an older link that went astray stops working.
    await tx.update(invites).set({ revokedAt: sql`now()` }).where(samePendingInvite(data.email, place.projectId));
    const [row] = await tx
      .insert(invites)
      .values({ tokenHash: sha256(token), email: data.email, projectId: place.projectId, role: data.role, createdBy: actor.userId, expiresAt })
      .returning({ id: invites.id, email: invites.email, projectId: invites.projectId, role: invites.role, expiresAt: invites.expiresAt });
    await recordAudit(tx, {
      actorUserId: actor.userId,
      action: "invite.create",
      targetType: "invite",
      targetId: row!.id,
      data: { email: data.email, projectId: place.projectId, role: data.role, expiresAt: expiresAt.toISOString() },
    });
    return row!;
  });
  const [inviter] = await db.select({ name: users.name }).from(users).where(eq(users.id, actor.userId));
  const link = `${place.origin}${invitePath(token)}`;
  const mail = await mailInvite(db, invite.id, { email: invite.email, inviterName: inviter?.name ?? null, projectName, role: invite.role, expiresAt }, link);
  return { ...invite, link, token, mail };
}
