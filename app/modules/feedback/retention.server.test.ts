import { randomUUID } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { feedback } from "~db/schema";
import { db } from "~/db.server";
import { createProject } from "~/modules/projects/create-project.server";
import { makeUser } from "~test/factories";
import { deleteExpiredFeedback } from "./retention.server";
import { saveFeedbackSettings } from "./settings.server";

const DAY = 86_400_000;

async function projectWith(retentionDays: number | null) {
  const owner = await makeUser();
  const project = await createProject(db, owner.actor, { name: `Retention ${randomUUID()}` });
  if (retentionDays !== null) await saveFeedbackSettings(db, owner.actor, project.id, { redactPii: false, retentionDays, queueSampleRate: 0 });
  return project.id;
}

/** Feedback rows that happened `ages` days ago (end users', unless `source` says). */
async function rows(projectId: string, ages: number[], source: "end_user" | "reviewer" = "end_user") {
  await db.insert(feedback).values(ages.map((age, i) => ({ projectId, source, clientId: `${source}-${age}-${i}`, comment: `${age} days old`, occurredAt: new Date(Date.now() - age * DAY) })));
}

const ages = async (projectId: string) =>
  (await db.select({ comment: feedback.comment }).from(feedback).where(eq(feedback.projectId, projectId)).orderBy(feedback.id)).map((r) => r.comment);

describe("deleteExpiredFeedback", () => {
  it("deletes end-user feedback older than the project's retention days, in bounded batches, and keeps the rest", async () => {
    const kept = await projectWith(30);
    await rows(kept, [400, 31, 31, 31, 31, 31, 29, 1]);
    await rows(kept, [400], "reviewer");
    const forever = await projectWith(null);
    await rows(forever, [400, 1]);
    const shorter = await projectWith(7);
    await rows(shorter, [8, 6]);

    const deleted = await deleteExpiredFeedback(db, { projectId: kept, batchSize: 2 });
    expect(deleted).toBe(6);
    expect(await ages(kept)).toEqual(["29 days old", "1 days old", "400 days old"]);
    expect(await ages(forever)).toEqual(["400 days old", "1 days old"]);
    expect(await ages(shorter)).toEqual(["8 days old", "6 days old"]);

    expect(await deleteExpiredFeedback(db, { projectId: kept, batchSize: 2 })).toBe(0);
    expect(await deleteExpiredFeedback(db)).toBeGreaterThanOrEqual(1);
    expect(await ages(shorter)).toEqual(["6 days old"]);
    expect(await ages(forever)).toEqual(["400 days old", "1 days old"]);
  });

  it("never deletes more than a batch in one statement", async () => {
    const projectId = await projectWith(1);
    await rows(projectId, [5, 5, 5, 5, 5]);
    const before = await db.execute<{ n: number }>(sql`select count(*)::int as n from feedback where project_id = ${projectId}`);
    expect(before[0]!.n).toBe(5);
    // why: a batch of 2 over 5 rows takes three statements (2, 2, 1) and still deletes all of them.
    expect(await deleteExpiredFeedback(db, { projectId, batchSize: 2 })).toBe(5);
    expect(await ages(projectId)).toEqual([]);
  });
});
