import { randomUUID } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { auditLog, feedback } from "~db/schema";
import { db } from "~/db.server";
import { addMember } from "~/modules/projects/add-member.server";
import { createProject } from "~/modules/projects/create-project.server";
import { makeUser } from "~test/factories";
import { deleteFeedbackByUser, userIdHash } from "./delete-by-user.server";

async function setUp() {
  const owner = await makeUser();
  const project = await createProject(db, owner.actor, { name: `Delete user ${randomUUID()}` });
  return { owner, projectId: project.id };
}

const users = async (projectId: string) =>
  (await db.select({ userId: feedback.userId }).from(feedback).where(eq(feedback.projectId, projectId)).orderBy(feedback.id)).map((r) => r.userId);

describe("deleteFeedbackByUser", () => {
  it("deletes every record of one user id in the project, returns the count, and audits it without the id", async () => {
    const { owner, projectId } = await setUp();
    const other = await setUp();
    const values = (p: string) => ["u-17", "u-17", "u-2", null, "u-17"].map((userId, i) => ({ projectId: p, userId, comment: `c${i}` }));
    await db.insert(feedback).values([...values(projectId), ...values(other.projectId)]);

    expect(await deleteFeedbackByUser(db, owner.actor, projectId, { userId: "u-17" })).toEqual({ deleted: 3 });
    expect(await users(projectId)).toEqual(["u-2", null]);
    expect(await users(other.projectId)).toEqual(["u-17", "u-17", "u-2", null, "u-17"]);

    const [entry] = await db.select().from(auditLog).where(and(eq(auditLog.action, "feedback.delete_user"), eq(auditLog.targetId, projectId)));
    expect(entry).toMatchObject({ actorUserId: owner.id, targetType: "project", data: { deleted: 3, userIdSha256: userIdHash(projectId, "u-17") } });
    expect(JSON.stringify(entry!.data)).not.toContain("u-17");

    expect(await deleteFeedbackByUser(db, owner.actor, projectId, { userId: "u-17" })).toEqual({ deleted: 0 });
  });

  it("is for managers: a researcher is refused, a stranger sees no project, and nothing is deleted", async () => {
    const { owner, projectId } = await setUp();
    await db.insert(feedback).values({ projectId, userId: "u-1", comment: "x" });
    const researcher = await makeUser();
    await addMember(db, owner.actor, projectId, { email: researcher.email, role: "researcher" });
    await expect(deleteFeedbackByUser(db, researcher.actor, projectId, { userId: "u-1" })).rejects.toMatchObject({ status: 403 });
    await expect(deleteFeedbackByUser(db, (await makeUser()).actor, projectId, { userId: "u-1" })).rejects.toMatchObject({ status: 404 });
    await expect(deleteFeedbackByUser(db, owner.actor, projectId, { userId: "" })).rejects.toMatchObject({ status: 400 });
    expect(await users(projectId)).toEqual(["u-1"]);
  });
});
