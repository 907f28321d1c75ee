import { randomUUID } from "node:crypto";
import { feedback } from "~db/schema";
import { db } from "~/db.server";
import { addMember } from "~/modules/projects/add-member.server";
import { createProject } from "~/modules/projects/create-project.server";
import type { ProjectRole } from "~/modules/projects/policy";
import { loadEnv } from "~/utils/env.server";
import { makeUser } from "~test/factories";

// why: end users' pseudonyms are keyed with the session secret.
loadEnv({
  ...process.env,
  SESSION_SECRET: "a session secret for the research tests, long enough",
});

type User = Awaited<ReturnType<typeof makeUser>>;

/** A project managed by a fresh user, with a member of each role (tests of the research module only). */
export async function researchProject() {
  const manager = await makeUser({ name: "Manager" });
  const project = await createProject(db, manager.actor, {
    name: `Research ${randomUUID().slice(0, 8)}`,
  });
  const member = async (role: ProjectRole, name: string): Promise<User> => {
    const user = await makeUser({ name });
    await addMember(db, manager.actor, project.id, { email: user.email, role });
    return user;
  };
  const [researcher, researcher2, engineer, reviewer] = [
    await member("researcher", "Ada"),
    await member("researcher", "Bea"),
    await member("engineer", "Eng"),
    await member("reviewer", "Rev"),
  ];
  const outsider = await makeUser({ name: "Outsider" });
  return {
    projectId: project.id,
    manager,
    researcher,
    researcher2,
    engineer,
    reviewer,
    outsider,
  };
}

type NewFeedback = Partial<typeof feedback.$inferInsert> & { comment: string };

/** Inserts comments straight into the table (the ingest API is another module's), oldest first unless times are given. */
export async function addComments(projectId: string, rows: NewFeedback[]): Promise<number[]> {
  const base = Date.parse("2026-11-01T00:00:00Z");
  const inserted = await db
    .insert(feedback)
    .values(
      rows.map((r, i) => ({
        projectId,
        occurredAt: new Date(base + i * 60_000),
        ...r,
      }))
    )
    .returning({ id: feedback.id });
  return inserted.map((r) => r.id);
}
