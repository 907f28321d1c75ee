import { randomUUID } from "node:crypto";
import { codings, feedback, feedbackCoded, themes } from "~db/schema";
import { db } from "~/db.server";
import { addMember } from "~/modules/projects/add-member.server";
import { createProject } from "~/modules/projects/create-project.server";
import { makeUser } from "~test/factories";

export type CommentRow = Partial<typeof feedback.$inferInsert> & { comment: string };

/**
 * A project for the research insight features: a manager, two researchers (the coders), an
 * engineer and a reviewer; a codebook of three themes (Slow, Wrong answer, and Tone under Wrong
 * answer); and the comments given, written straight into `feedback`.
 */
export async function makeResearchProject(comments: CommentRow[] = []) {
  const manager = await makeUser({ name: "Mia Manager" });
  const ann = await makeUser({ name: "Ann Coder" });
  const ben = await makeUser({ name: "Ben Coder" });
  const engineer = await makeUser({ name: "Eli Engineer" });
  const reviewer = await makeUser({ name: "Rex Reviewer" });
  const project = await createProject(db, manager.actor, { name: `Research ${randomUUID().slice(0, 8)}` });
  for (const [u, role] of [
    [ann, "researcher"],
    [ben, "researcher"],
    [engineer, "engineer"],
    [reviewer, "reviewer"],
  ] as const) {
    await addMember(db, manager.actor, project.id, { email: u.email, role });
  }
  const [slow, wrong] = await db
    .insert(themes)
    .values([
      { projectId: project.id, name: "Slow", description: "The answer took too long.", examples: ["took ages"], position: 0 },
      { projectId: project.id, name: "Wrong answer", description: "The answer was factually wrong.", examples: [], position: 1 },
    ])
    .returning({ id: themes.id });
  const [tone] = await db.insert(themes).values({ projectId: project.id, parentId: wrong!.id, name: "Tone", description: "Rude or condescending.", position: 0 }).returning({ id: themes.id });
  const ids = comments.length ? (await db.insert(feedback).values(comments.map((c) => ({ projectId: project.id, ...c }))).returning({ id: feedback.id })).map((r) => r.id) : [];
  return { manager, ann, ben, engineer, reviewer, projectId: project.id, themes: { slow: slow!.id, wrong: wrong!.id, tone: tone!.id }, feedbackIds: ids };
}

/** A coder finishes a comment with the themes given (codings + the coded mark), as the inbox would. */
export async function codeComment(projectId: string, coderId: string, feedbackId: number, themeIds: string[]) {
  if (themeIds.length) await db.insert(codings).values(themeIds.map((themeId) => ({ projectId, coderId, feedbackId, themeId }))).onConflictDoNothing();
  await db.insert(feedbackCoded).values({ projectId, coderId, feedbackId }).onConflictDoNothing();
}
