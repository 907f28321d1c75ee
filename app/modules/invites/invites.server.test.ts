import { randomUUID } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { auditLog, invites, projectMembers, users } from "~db/schema";
import { db } from "~/db.server";
import { logIn } from "~/modules/auth/log-in.server";
import { findSessionUser } from "~/modules/auth/sessions.server";
import { addMember } from "~/modules/projects/add-member.server";
import { createProject } from "~/modules/projects/create-project.server";
import { setUserDisabled } from "~/modules/users/set-user-disabled.server";
import { ConflictError, ForbiddenError, NotFoundError, RateLimitedError, ValidationError } from "~/utils/errors";
import { makeUser, PASSWORD } from "~test/factories";
import { acceptInvite, findInvite, INVITE_LINK_MESSAGES } from "./accept-invite.server";
import { createInvite } from "./create-invite.server";
import { listInvites } from "./queries.server";
import { resendInvite } from "./resend-invite.server";
import { revokeInvite } from "./revoke-invite.server";

const ORIGIN = "https://loupe.example.org";
const NEW_PASSWORD = "a password of my own";
const ip = () => `10.7.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;
const failureOf = (attempt: Promise<unknown>) => attempt.then(() => new Error("expected a failure"), (e: unknown) => e);
const newEmail = () => `invitee-${randomUUID().slice(0, 8)}@example.com`;

async function projectWithManager() {
  const manager = await makeUser();
  const project = await createProject(db, manager.actor, { name: `Invites ${randomUUID()}`, description: "" });
  return { manager, project };
}

const invite = (actor: Parameters<typeof createInvite>[1], projectId: string, email: string, role: "reviewer" | "manager" | "engineer" | "researcher" = "reviewer", expiresInDays?: number) =>
  createInvite(db, actor, { projectId, input: { email, role, expiresInDays }, origin: ORIGIN });

const acceptNew = (token: string, extra: Partial<Parameters<typeof acceptInvite>[1]> = {}) =>
  acceptInvite(db, { token, ip: ip(), signedIn: null, name: "New Person", newPassword: NEW_PASSWORD, confirmPassword: NEW_PASSWORD, ...extra });

const stateOf = async (id: string) => (await db.select({ usedAt: invites.usedAt, revokedAt: invites.revokedAt }).from(invites).where(eq(invites.id, id)))[0]!;

describe("inviting someone new into a project", () => {
  it("makes a one-time link that creates the account with the role, signs them in, and then says it was used", async () => {
    const { manager, project } = await projectWithManager();
    const email = newEmail();
    const made = await invite(manager.actor, project.id, `  ${email.toUpperCase()} `);
    expect(made.email).toBe(email);
    expect(made.link).toBe(`${ORIGIN}/invite/${made.token}`);
    expect(made.mail).toEqual({ state: "off" });
    expect(made.expiresAt.getTime() - Date.now()).toBeGreaterThan(6.9 * 86_400_000);
    expect(made.expiresAt.getTime() - Date.now()).toBeLessThanOrEqual(7 * 86_400_000);

    const stored = await db.select().from(invites).where(eq(invites.id, made.id));
    expect(stored[0]!.tokenHash).not.toBe(made.token);
    expect(JSON.stringify(stored)).not.toContain(made.token);
    const listed = await listInvites(db, manager.actor, project.id);
    expect(listed).toEqual([expect.objectContaining({ id: made.id, email, role: "reviewer", state: "pending", createdByName: manager.name })]);
    expect(JSON.stringify(listed)).not.toContain(made.token);
    expect(JSON.stringify(listed)).not.toContain(stored[0]!.tokenHash);

    expect(await findInvite(db, made.token)).toMatchObject({ state: "valid", email, projectName: project.name, role: "reviewer", inviterName: manager.name, accountId: null });
    const accepted = await acceptNew(made.token);
    expect(accepted.projectId).toBe(project.id);
    const me = await findSessionUser(db, accepted.session.token);
    expect(me).toMatchObject({ email, name: "New Person", isAdmin: false });
    const [membership] = await db.select({ role: projectMembers.role }).from(projectMembers).where(eq(projectMembers.userId, me!.id));
    expect(membership).toEqual({ role: "reviewer" });
    await expect(logIn(db, { email, password: NEW_PASSWORD, ip: ip() })).resolves.toMatchObject({ user: { id: me!.id } });

    expect(await findInvite(db, made.token)).toEqual({ state: "used" });
    const again = await failureOf(acceptNew(made.token, { name: "Someone Else" }));
    expect(again).toBeInstanceOf(ConflictError);
    expect((again as Error).message).toBe(INVITE_LINK_MESSAGES.used);
    expect(await db.select({ id: users.id }).from(users).where(sql`lower(${users.email}) = ${email}`)).toHaveLength(1);
    expect((await listInvites(db, manager.actor, project.id))[0]).toMatchObject({ state: "used" });

    const audit = await db.select({ action: auditLog.action, data: auditLog.data }).from(auditLog).where(eq(auditLog.targetId, made.id));
    expect(audit.map((a) => a.action).sort()).toEqual(["invite.accept", "invite.create"]);
    expect(JSON.stringify(audit)).not.toContain(made.token);
  });

  it("says in words when a link expired, was revoked or never existed, and keeps a refused link usable", async () => {
    const { manager, project } = await projectWithManager();
    const expired = await invite(manager.actor, project.id, newEmail());
    await db.update(invites).set({ expiresAt: sql`now() - interval '1 minute'` }).where(eq(invites.id, expired.id));
    expect(await findInvite(db, expired.token)).toEqual({ state: "expired" });
    expect(((await failureOf(acceptNew(expired.token))) as Error).message).toBe(INVITE_LINK_MESSAGES.expired);
    expect((await listInvites(db, manager.actor, project.id))[0]).toMatchObject({ state: "expired" });

    const revoked = await invite(manager.actor, project.id, newEmail());
    await revokeInvite(db, manager.actor, revoked.id);
    expect(await findInvite(db, revoked.token)).toEqual({ state: "revoked" });
    expect(((await failureOf(acceptNew(revoked.token))) as Error).message).toBe(INVITE_LINK_MESSAGES.revoked);
    expect(((await failureOf(revokeInvite(db, manager.actor, revoked.id))) as Error).message).toBe("This invite was already revoked.");

    const unknown = await failureOf(acceptNew("not-a-token-anyone-made"));
    expect(unknown).toBeInstanceOf(NotFoundError);
    expect((unknown as Error).message).toBe(INVITE_LINK_MESSAGES.unknown);

    const pending = await invite(manager.actor, project.id, newEmail());
    const weak = await failureOf(acceptNew(pending.token, { newPassword: "short", confirmPassword: "short" }));
    expect((weak as ValidationError).issues).toEqual([{ field: "newPassword", message: "Use at least 10 characters." }]);
    const differ = await failureOf(acceptNew(pending.token, { confirmPassword: "something else entirely" }));
    expect((differ as ValidationError).issues).toEqual([{ field: "confirmPassword", message: "The two passwords differ; type the same one twice." }]);
    expect(await stateOf(pending.id)).toEqual({ usedAt: null, revokedAt: null });
    await expect(acceptNew(pending.token)).resolves.toMatchObject({ projectId: project.id });
  });

  it("limits accept attempts to 10 per address in 15 minutes, even with a good link after", async () => {
    const { manager, project } = await projectWithManager();
    const made = await invite(manager.actor, project.id, newEmail());
    const address = ip().replace(/^10\.7\./, "10.6.");
    for (let i = 0; i < 10; i++) expect(await failureOf(acceptNew(`guess-${i}`, { ip: address }))).toBeInstanceOf(NotFoundError);
    const limited = await failureOf(acceptNew(made.token, { ip: address }));
    expect(limited).toBeInstanceOf(RateLimitedError);
    expect((limited as Error).message).toBe("Too many invite attempts.");
    expect(await stateOf(made.id)).toEqual({ usedAt: null, revokedAt: null });
    await expect(acceptNew(made.token, { ip: ip() })).resolves.toMatchObject({ projectId: project.id });
  });

  it("bounds the expiry, names the field, and replaces an earlier pending invite for the same email", async () => {
    const { manager, project } = await projectWithManager();
    const email = newEmail();
    for (const days of [0, 31]) {
      const error = await failureOf(invite(manager.actor, project.id, email, "reviewer", days));
      expect((error as ValidationError).issues[0]).toMatchObject({ field: "expiresInDays" });
    }
    const badEmail = await failureOf(invite(manager.actor, project.id, "not an email"));
    expect((badEmail as ValidationError).issues).toEqual([{ field: "email", message: "Enter a valid email address." }]);
    const badRole = await failureOf(invite(manager.actor, project.id, email, "owner" as never));
    expect((badRole as ValidationError).issues[0]).toMatchObject({ field: "role" });

    const first = await invite(manager.actor, project.id, email, "reviewer", 2);
    expect(first.expiresAt.getTime() - Date.now()).toBeLessThanOrEqual(2 * 86_400_000);
    const second = await invite(manager.actor, project.id, email.toUpperCase(), "engineer", 30);
    expect(await findInvite(db, first.token)).toEqual({ state: "revoked" });
    await acceptNew(second.token);
    const [member] = await db
      .select({ role: projectMembers.role })
      .from(projectMembers)
      .innerJoin(users, eq(users.id, projectMembers.userId))
      .where(eq(users.email, email));
    expect(member).toEqual({ role: "engineer" });
  });

  it("resends with a fresh link: the old one stops working, the new one works", async () => {
    const { manager, project } = await projectWithManager();
    const made = await invite(manager.actor, project.id, newEmail());
    const again = await resendInvite(db, manager.actor, { inviteId: made.id, origin: ORIGIN });
    expect(again.token).not.toBe(made.token);
    expect(await findInvite(db, made.token)).toEqual({ state: "unknown" });
    await acceptNew(again.token);
    expect(((await failureOf(resendInvite(db, manager.actor, { inviteId: made.id, origin: ORIGIN }))) as Error).message).toMatch(/already been used/);
    expect(((await failureOf(revokeInvite(db, manager.actor, made.id))) as Error).message).toMatch(/already been used/);
  });
});

describe("inviting an email that already has an account", () => {
  it("adds the membership only when that user accepts signed in as themselves, with a fresh session and no second account", async () => {
    const { manager, project } = await projectWithManager();
    const existing = await makeUser();
    const stranger = await makeUser();
    const made = await invite(manager.actor, project.id, existing.email, "researcher");
    expect(await findInvite(db, made.token)).toMatchObject({ state: "valid", accountId: existing.id });

    const anonymous = await failureOf(acceptInvite(db, { token: made.token, ip: ip(), signedIn: null }));
    expect(anonymous).toBeInstanceOf(ForbiddenError);
    expect((anonymous as Error).message).toBe(`${existing.email} already has an account: sign in as ${existing.email}, then open this link again.`);
    const strangerSession = await logIn(db, { email: stranger.email, password: PASSWORD, ip: ip() });
    const wrongEmail = await failureOf(acceptInvite(db, { token: made.token, ip: ip(), signedIn: { userId: stranger.id, sessionToken: strangerSession.token } }));
    expect(wrongEmail).toBeInstanceOf(ForbiddenError);
    expect(await findSessionUser(db, strangerSession.token)).toMatchObject({ id: stranger.id });
    expect(await stateOf(made.id)).toEqual({ usedAt: null, revokedAt: null });

    const old = await logIn(db, { email: existing.email, password: PASSWORD, ip: ip() });
    const accepted = await acceptInvite(db, { token: made.token, ip: ip(), signedIn: { userId: existing.id, sessionToken: old.token }, name: "Ignored", newPassword: "ignored password 1", confirmPassword: "ignored password 1" });
    expect(await findSessionUser(db, old.token)).toBeNull();
    expect(await findSessionUser(db, accepted.session.token)).toMatchObject({ id: existing.id, name: existing.name });
    await expect(logIn(db, { email: existing.email, password: PASSWORD, ip: ip() })).resolves.toBeTruthy();
    const [membership] = await db.select({ role: projectMembers.role }).from(projectMembers).where(eq(projectMembers.userId, existing.id));
    expect(membership).toEqual({ role: "researcher" });
    expect(await db.select({ id: users.id }).from(users).where(sql`lower(${users.email}) = ${existing.email}`)).toHaveLength(1);

    const member = await failureOf(invite(manager.actor, project.id, existing.email));
    expect((member as Error).message).toBe(`${existing.email} is already a member of this project.`);
  });

  it("refuses a disabled account, at invite time and at accept time, leaving the invite pending", async () => {
    const admin = await makeUser({ isAdmin: true });
    const { manager, project } = await projectWithManager();
    const person = await makeUser();
    const made = await invite(manager.actor, project.id, person.email);
    await setUserDisabled(db, admin.actor, { userId: person.id, disabled: true });
    const refused = await failureOf(acceptInvite(db, { token: made.token, ip: ip(), signedIn: { userId: person.id, sessionToken: null } }));
    expect(refused).toBeInstanceOf(ForbiddenError);
    expect((refused as Error).message).toMatch(/is disabled, so it cannot accept invites/);
    expect(await stateOf(made.id)).toEqual({ usedAt: null, revokedAt: null });
    expect(((await failureOf(invite(manager.actor, project.id, person.email))) as Error).message).toMatch(/is disabled/);
  });

  it("refuses a new-account invite to someone signed in with another account", async () => {
    const { manager, project } = await projectWithManager();
    const other = await makeUser();
    const made = await invite(manager.actor, project.id, newEmail());
    const refused = await failureOf(acceptNew(made.token, { signedIn: { userId: other.id, sessionToken: null } }));
    expect(refused).toBeInstanceOf(ConflictError);
    expect((refused as Error).message).toMatch(/^You are signed in with another account; this invite is for invitee-/);
    expect(await stateOf(made.id)).toEqual({ usedAt: null, revokedAt: null });
  });
});

describe("who may invite", () => {
  it("refuses reviewers and managers of other projects, for making, listing, revoking and resending", async () => {
    const { manager, project } = await projectWithManager();
    const { manager: otherManager } = await projectWithManager();
    const reviewer = await makeUser();
    await addMember(db, manager.actor, project.id, { email: reviewer.email, role: "reviewer" });
    const made = await invite(manager.actor, project.id, newEmail());

    const byReviewer = await failureOf(invite(reviewer.actor, project.id, newEmail()));
    expect(byReviewer).toBeInstanceOf(ForbiddenError);
    expect((byReviewer as Error).message).toMatch(/add, change or remove members/);
    expect(await failureOf(listInvites(db, reviewer.actor, project.id))).toBeInstanceOf(ForbiddenError);
    expect(await failureOf(revokeInvite(db, reviewer.actor, made.id))).toBeInstanceOf(ForbiddenError);

    expect(await failureOf(invite(otherManager.actor, project.id, newEmail()))).toBeInstanceOf(NotFoundError);
    expect(await failureOf(listInvites(db, otherManager.actor, project.id))).toBeInstanceOf(NotFoundError);
    expect(await failureOf(revokeInvite(db, otherManager.actor, made.id))).toBeInstanceOf(NotFoundError);
    expect(await failureOf(resendInvite(db, otherManager.actor, { inviteId: made.id, origin: ORIGIN }))).toBeInstanceOf(NotFoundError);
    expect(await stateOf(made.id)).toEqual({ usedAt: null, revokedAt: null });
  });

  it("lets only admins make instance invites, which create an account with no project", async () => {
    const admin = await makeUser({ isAdmin: true });
    const plain = await makeUser();
    const email = newEmail();
    const refused = await failureOf(createInvite(db, plain.actor, { projectId: null, input: { email }, origin: ORIGIN }));
    expect(refused).toBeInstanceOf(ForbiddenError);
    expect(await failureOf(listInvites(db, plain.actor, null))).toBeInstanceOf(ForbiddenError);
    const taken = await failureOf(createInvite(db, admin.actor, { projectId: null, input: { email: plain.email }, origin: ORIGIN }));
    expect((taken as Error).message).toBe(`${plain.email} already has an account; add them to a project instead.`);

    const made = await createInvite(db, admin.actor, { projectId: null, input: { email }, origin: ORIGIN });
    expect(made).toMatchObject({ projectId: null, role: null });
    expect((await listInvites(db, admin.actor, null)).map((i) => i.id)).toContain(made.id);
    const accepted = await acceptNew(made.token);
    expect(accepted.projectId).toBeNull();
    const me = await findSessionUser(db, accepted.session.token);
    expect(me).toMatchObject({ email, isAdmin: false });
    expect(await db.select().from(projectMembers).where(eq(projectMembers.userId, me!.id))).toEqual([]);
  });
});
