import { randomUUID } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { auditLog, projectMembers, projects } from "~db/schema";
import { db } from "~/db.server";
import { setCanCreateProjects } from "~/modules/users/set-can-create-projects.server";
import { setUserDisabled } from "~/modules/users/set-user-disabled.server";
import { loadEnv } from "~/utils/env.server";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "~/utils/errors";
import { makeUser } from "~test/factories";
import { addMember } from "./add-member.server";
import { changeMemberRole } from "./change-member-role.server";
import { createProject } from "./create-project.server";
import { MAY_NOT_CREATE_PROJECTS, mayCreateProjects } from "./may-create-projects.server";
import { listMembers, listProjects } from "./queries.server";
import { removeMember } from "./remove-member.server";
import { updateProjectSettings } from "./update-settings.server";

async function projectWithManager() {
  const manager = await makeUser();
  const project = await createProject(db, manager.actor, { name: `Project ${randomUUID()}`, description: "d" });
  return { manager, project };
}

describe("projects and members", () => {
  it("makes the creator the manager, and refuses a second project with the same name in any case", async () => {
    const { manager, project } = await projectWithManager();
    expect(await listMembers(db, manager.actor, project.id)).toEqual([
      expect.objectContaining({ userId: manager.id, role: "manager" }),
    ]);
    await expect(createProject(db, manager.actor, { name: project.name.toUpperCase() })).rejects.toBeInstanceOf(ConflictError);
    const error = await createProject(db, manager.actor, { name: "   " }).catch((e: unknown) => e);
    expect((error as ValidationError).issues).toEqual([{ field: "name", message: "Enter a project name." }]);
  });

  it("lets only admins, the CLI's operator and allowed users create projects by default, refusing the rest with nothing made", async () => {
    const admin = await makeUser({ isAdmin: true });
    const allowed = await makeUser({ canCreateProjects: true });
    const plain = await makeUser({ canCreateProjects: false });
    const name = () => `Gate ${randomUUID()}`;
    await expect(createProject(db, admin.actor, { name: name() })).resolves.toMatchObject({ id: expect.any(String) });
    await expect(createProject(db, allowed.actor, { name: name() })).resolves.toMatchObject({ id: expect.any(String) });
    await expect(createProject(db, { ...plain.actor, via: "cli" }, { name: name() })).resolves.toMatchObject({ id: expect.any(String) });

    const refused = name();
    const error = await createProject(db, plain.actor, { name: refused }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ForbiddenError);
    expect((error as Error).message).toBe(MAY_NOT_CREATE_PROJECTS);
    expect(await db.select().from(projects).where(eq(projects.name, refused))).toEqual([]);
    expect(await mayCreateProjects(db, plain.actor)).toBe(false);

    // An admin allows them; from then on they may.
    await expect(setCanCreateProjects(db, plain.actor, { userId: plain.id, allowed: true })).rejects.toBeInstanceOf(ForbiddenError);
    await setCanCreateProjects(db, admin.actor, { userId: plain.id, allowed: true });
    await expect(createProject(db, plain.actor, { name: refused })).resolves.toMatchObject({ name: refused });
    const audit = await db.select({ action: auditLog.action }).from(auditLog).where(eq(auditLog.targetId, plain.id));
    expect(audit.map((a) => a.action)).toContain("user.allow_project_creation");
  });

  it("lets everyone create projects when the instance says so", async () => {
    const plain = await makeUser({ canCreateProjects: false });
    loadEnv({ ...process.env, LOUPE_PROJECT_CREATORS: "everyone" }, { needsSessionSecret: false });
    try {
      await expect(createProject(db, plain.actor, { name: `Open ${randomUUID()}` })).resolves.toMatchObject({ id: expect.any(String) });
    } finally {
      loadEnv({ ...process.env, LOUPE_PROJECT_CREATORS: "allowed" }, { needsSessionSecret: false });
    }
    await expect(createProject(db, plain.actor, { name: `Closed ${randomUUID()}` })).rejects.toBeInstanceOf(ForbiddenError);
  });

  it("keeps names unique per creator: another person's project name is free to use and never named back", async () => {
    const alice = await makeUser();
    const bob = await makeUser();
    const name = `Beta ${randomUUID().slice(0, 8)}`;
    const hers = await createProject(db, alice.actor, { name });
    const his = await createProject(db, bob.actor, { name: name.toUpperCase() });
    expect(his.id).not.toBe(hers.id);
    const again = await createProject(db, bob.actor, { name }).catch((e: unknown) => e);
    expect(again).toBeInstanceOf(ConflictError);
    expect((again as Error).message).toBe(`You already have a project named "${name}". Choose another name.`);
  });

  it("lists only the actor's projects, and every project for admins", async () => {
    const { manager, project } = await projectWithManager();
    const stranger = await makeUser();
    const admin = await makeUser({ isAdmin: true });
    expect((await listProjects(db, manager.actor)).map((p) => p.id)).toContain(project.id);
    expect((await listProjects(db, stranger.actor)).map((p) => p.id)).not.toContain(project.id);
    expect((await listProjects(db, admin.actor)).map((p) => p.id)).toContain(project.id);
  });

  it("adds, re-roles and removes members, with an audit entry for each change", async () => {
    const { manager, project } = await projectWithManager();
    const reviewer = await makeUser();
    await addMember(db, manager.actor, project.id, { email: reviewer.email.toUpperCase(), role: "reviewer" });
    await expect(addMember(db, manager.actor, project.id, { email: reviewer.email, role: "engineer" })).rejects.toBeInstanceOf(
      ConflictError,
    );
    await changeMemberRole(db, manager.actor, project.id, { userId: reviewer.id, role: "engineer" });
    const [row] = await db
      .select({ role: projectMembers.role })
      .from(projectMembers)
      .where(and(eq(projectMembers.projectId, project.id), eq(projectMembers.userId, reviewer.id)));
    expect(row?.role).toBe("engineer");
    await removeMember(db, manager.actor, project.id, { userId: reviewer.id });
    expect((await listMembers(db, manager.actor, project.id)).map((m) => m.userId)).toEqual([manager.id]);
    const actions = await db.select({ action: auditLog.action }).from(auditLog).where(eq(auditLog.targetId, project.id));
    expect(actions.map((a) => a.action)).toEqual(["project.create", "member.add", "member.change_role", "member.remove"]);
  });

  it("only managers and admins manage members; non-members are told the project does not exist", async () => {
    const { manager, project } = await projectWithManager();
    const reviewer = await makeUser();
    const stranger = await makeUser();
    const admin = await makeUser({ isAdmin: true });
    await addMember(db, manager.actor, project.id, { email: reviewer.email, role: "reviewer" });
    await expect(addMember(db, reviewer.actor, project.id, { email: stranger.email, role: "reviewer" })).rejects.toBeInstanceOf(
      ForbiddenError,
    );
    await expect(addMember(db, stranger.actor, project.id, { email: stranger.email, role: "manager" })).rejects.toBeInstanceOf(
      NotFoundError,
    );
    await expect(addMember(db, admin.actor, project.id, { email: stranger.email, role: "researcher" })).resolves.toMatchObject({
      role: "researcher",
    });
  });

  it("refuses unknown or disabled users and unknown roles, naming the field", async () => {
    const { manager, project } = await projectWithManager();
    const disabled = await makeUser();
    const admin = await makeUser({ isAdmin: true });
    await setUserDisabled(db, admin.actor, { userId: disabled.id, disabled: true });
    for (const email of ["nobody@example.com", disabled.email]) {
      const error = await addMember(db, manager.actor, project.id, { email, role: "reviewer" }).catch((e: unknown) => e);
      expect((error as ValidationError).issues[0]?.field).toBe("email");
    }
    const error = await addMember(db, manager.actor, project.id, {
      email: disabled.email,
      role: "owner" as never,
    }).catch((e: unknown) => e);
    expect((error as ValidationError).issues[0]?.field).toBe("role");
  });

  it("always keeps one manager", async () => {
    const { manager, project } = await projectWithManager();
    await expect(changeMemberRole(db, manager.actor, project.id, { userId: manager.id, role: "reviewer" })).rejects.toThrow(
      /at least one manager/,
    );
    await expect(removeMember(db, manager.actor, project.id, { userId: manager.id })).rejects.toThrow(/at least one manager/);
    const second = await makeUser();
    await addMember(db, manager.actor, project.id, { email: second.email, role: "manager" });
    // Two managers demoting each other at the same time: exactly one may succeed.
    const results = await Promise.allSettled([
      changeMemberRole(db, manager.actor, project.id, { userId: second.id, role: "reviewer" }),
      changeMemberRole(db, second.actor, project.id, { userId: manager.id, role: "reviewer" }),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const managers = (await listMembers(db, manager.actor, project.id).catch(() => listMembers(db, second.actor, project.id))).filter(
      (m) => m.role === "manager",
    );
    expect(managers).toHaveLength(1);
  });
});

describe("project settings", () => {
  it("refuses renaming to a name another project has, as a conflict", async () => {
    const { manager, project } = await projectWithManager();
    const other = await createProject(db, manager.actor, { name: `Other ${randomUUID()}` });
    await expect(updateProjectSettings(db, manager.actor, project.id, { name: other.name.toUpperCase() })).rejects.toBeInstanceOf(ConflictError);
  });
});
