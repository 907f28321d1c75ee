import { eq, sql } from "drizzle-orm";
import { invites, projectMembers, projects, users } from "~db/schema";
import type { Db } from "~/db.server";
import { recordAudit } from "~/modules/audit/record-audit.server";
import { sha256 } from "~/modules/auth/crypto.server";
import { hashPassword } from "~/modules/auth/password.server";
import { countAttempt, refundAttempt } from "~/modules/auth/rate-limit.server";
import { createSession, revokeSession } from "~/modules/auth/sessions.server";
import type { ProjectRole } from "~/modules/projects/policy";
import { findUserByEmail } from "~/modules/users/queries.server";
import { ConflictError, ForbiddenError, NotFoundError } from "~/utils/errors";
import { parseOrThrow } from "~/utils/validation";
import { inviteState } from "./queries.server";
import { acceptInviteSchema } from "./schemas";

const MAX_ATTEMPTS_PER_IP = 10;

export type InviteLink =
  | { state: "valid"; email: string; projectId: string | null; projectName: string | null; role: ProjectRole | null; inviterName: string | null; accountId: string | null }
  | { state: "used" | "expired" | "revoked" | "unknown" };

export const INVITE_LINK_MESSAGES = {
  unknown: "This invite link is not valid (it may have been replaced by a newer one). Ask whoever invited you for a new one.",
  used: "This invite link has already been used. Sign in with the account it set up, or ask for a new invite.",
  expired: "This invite link has expired. Ask whoever invited you for a new one.",
  revoked: "This invite link was revoked. Ask whoever invited you for a new one if you still need access.",
} as const;

/** What an invite link is now: usable (for which email, into what, from whom, and whether that email has an account), or why not. */
export async function findInvite(db: Db, token: string): Promise<InviteLink> {
  const inviter = sql<string | null>`(select name from users where users.id = ${invites.createdBy})`;
  const [row] = await db
    .select({ email: invites.email, projectId: invites.projectId, projectName: projects.name, role: invites.role, inviterName: inviter, state: inviteState })
    .from(invites)
    .leftJoin(projects, eq(projects.id, invites.projectId))
    .where(eq(invites.tokenHash, sha256(token)));
  if (!row) return { state: "unknown" };
  if (row.state !== "pending") return { state: row.state };
  const account = await findUserByEmail(db, row.email);
  const { state: _pending, ...rest } = row;
  return { state: "valid", ...rest, accountId: account?.id ?? null };
}

type AcceptInput = {
  token: string;
  ip: string;
  userAgent?: string | null;
  /** The browser's current sign-in, if any: an existing account accepts only as itself, and its session is replaced. */
  signedIn: { userId: string; sessionToken: string | null } | null;
  /** A new person's name and password; ignored when the email already has an account. */
  name?: string;
  newPassword?: string;
  confirmPassword?: string;
};

/**
 * Accepts an invite. A new email gets an account with the name and password given; an email that
 * has an account must be signed in as it, and only gains the membership (never a second account).
 * The link is spent in the same statement that checks it, so it works once; a disabled account
 * cannot accept. The person leaves signed in with a fresh session (any previous one ends).
 * Attempts are limited per address (10 per 15 minutes).
 */
export async function acceptInvite(db: Db, input: AcceptInput) {
  const key = `invite:ip:${input.ip}`;
  await countAttempt(db, [{ key, max: MAX_ATTEMPTS_PER_IP }], "Too many invite attempts.");
  const link = await findInvite(db, input.token);
  if (link.state !== "valid") throw linkError(link.state);
  const account = link.accountId ? await findUserByEmail(db, link.email) : undefined;
  let newAccount: { name: string; passwordHash: string } | null = null;
  if (account) {
    if (account.disabledAt) throw new ForbiddenError(`The account ${account.email} is disabled, so it cannot accept invites. Ask an admin.`);
    if (!link.projectId) throw new ConflictError(`${account.email} already has an account: sign in with it.`);
    if (input.signedIn?.userId !== account.id) throw new ForbiddenError(`${account.email} already has an account: sign in as ${account.email}, then open this link again.`);
  } else {
    if (input.signedIn) throw new ConflictError(`You are signed in with another account; this invite is for ${link.email}. Sign out, then open this link again.`);
    const data = parseOrThrow(acceptInviteSchema, { name: input.name, newPassword: input.newPassword, confirmPassword: input.confirmPassword });
    newAccount = { name: data.name, passwordHash: await hashPassword(data.newPassword) };
  }
  const accepted = await db.transaction(async (tx) => {
    const [spent] = await tx
      .update(invites)
      .set({ usedAt: sql`now()` })
      .where(sql`${invites.tokenHash} = ${sha256(input.token)} and ${invites.usedAt} is null and ${invites.revokedAt} is null and ${invites.expiresAt} > now()`)
      .returning({ id: invites.id, email: invites.email, projectId: invites.projectId, role: invites.role });
    if (!spent) return null;
    let userId = account?.id;
    if (newAccount) {
      const [created] = await tx.insert(users).values({ email: spent.email, ...newAccount }).onConflictDoNothing().returning({ id: users.id });
      if (!created) throw new ConflictError(`An account for ${spent.email} was made a moment ago: sign in with it, then open this link again.`);
      userId = created.id;
      await recordAudit(tx, { actorUserId: userId, action: "user.create", targetType: "user", targetId: userId, data: { email: spent.email, inviteId: spent.id } });
    }
    if (spent.projectId && spent.role) await tx.insert(projectMembers).values({ projectId: spent.projectId, userId: userId!, role: spent.role }).onConflictDoNothing();
    await tx.update(invites).set({ usedBy: userId! }).where(eq(invites.id, spent.id));
    await recordAudit(tx, {
      actorUserId: userId!,
      action: "invite.accept",
      targetType: "invite",
      targetId: spent.id,
      data: { email: spent.email, projectId: spent.projectId, role: spent.role, newAccount: newAccount !== null },
    });
    return { userId: userId!, projectId: spent.projectId };
  });
  if (!accepted) {
    const now = await findInvite(db, input.token);
    throw linkError(now.state === "valid" ? "used" : now.state);
  }
  await refundAttempt(db, [key]);
  // why: a new session on every sign-in, so a session id planted before the invite is worth nothing after it.
  if (input.signedIn?.sessionToken) await revokeSession(db, input.signedIn.sessionToken);
  const session = await createSession(db, { userId: accepted.userId, ip: input.ip, userAgent: input.userAgent });
  return { ...accepted, session };
}

function linkError(state: Exclude<InviteLink["state"], "valid">) {
  return state === "unknown" ? new NotFoundError(INVITE_LINK_MESSAGES.unknown) : new ConflictError(INVITE_LINK_MESSAGES[state]);
}
