import { randomUUID } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { auditLog, projectMembers } from "~db/schema";
import { db } from "~/db.server";
import { setUserDisabled } from "~/modules/users/set-user-disabled.server";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "~/utils/errors";
import { makeUser } from "../../../test/factories";
import { addMember } from "./add-member.server";
import { changeMemberRole } from "./change-member-role.server";
import { createProject } from "./create-project.server";
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
