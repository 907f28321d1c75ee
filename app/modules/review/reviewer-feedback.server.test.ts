import { randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { and, asc, eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { annotations, feedback } from "~db/schema";
import { db, sqlOf } from "~/db.server";
import { addItems } from "~/modules/items/add-items.server";
import { addMember } from "~/modules/projects/add-member.server";
import { createProject } from "~/modules/projects/create-project.server";
import { templatePresets } from "~/modules/templates/presets";
import { saveTemplate } from "~/modules/templates/save-template.server";
import type { TemplateInput } from "~/modules/templates/schemas";
import { makeUser } from "~test/factories";
import { editAnnotation } from "./edit-annotation.server";
import { saveDraft } from "./save-draft.server";
import { submitAnnotation } from "./submit-annotation.server";

// The trigger of migration 0024 (db/functions/loupe_reviewer_feedback.sql): reviewers' free-text
// answers appear in the researchers' inbox as feedback rows of source "reviewer".

const migration = fs.readFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), "../../../db/migrations/0026_reviewer_feedback.sql"), "utf8");
const backfill = migration.split("--> statement-breakpoint").at(-1)!;

async function project(template: TemplateInput, outputs: { text: string; model?: string }[][]) {
  const manager = await makeUser();
  const created = await createProject(db, manager.actor, { name: `Reviewer feedback ${randomUUID()}` });
  await saveTemplate(db, manager.actor, created.id, template);
  const added = await addItems(
    db,
    manager.actor,
    created.id,
    outputs.map((o, i) => ({ input: `Prompt ${i}`, outputs: o, externalId: `ext-${i}` })),
  );
  const reviewer = await makeUser({ name: "Rita Reviewer" });
  await addMember(db, manager.actor, created.id, { email: reviewer.email, role: "reviewer" });
  return { projectId: created.id, itemIds: added.ids, reviewer };
}

function rowsOf(projectId: string) {
  return db
    .select({
      source: feedback.source,
      itemId: feedback.itemId,
      annotationId: feedback.annotationId,
      questionKey: feedback.questionKey,
      comment: feedback.comment,
      model: feedback.model,
      userId: feedback.userId,
      occurredAt: feedback.occurredAt,
      scoreKind: feedback.scoreKind,
    })
    .from(feedback)
    .where(eq(feedback.projectId, projectId))
    .orderBy(asc(feedback.itemId), asc(feedback.questionKey));
}

const twoTextQuestions: TemplateInput = {
  questions: [
    { key: "quality", kind: "rating", text: "How good?", min: 1, max: 5, required: true },
    { key: "why", kind: "text", text: "Why?" },
    { key: "notes", kind: "text", text: "Notes" },
  ],
};

describe("reviewers' text answers in the feedback inbox", () => {
  it("a submitted answer's non-blank text answers become reviewer feedback; drafts do not", async () => {
    const { projectId, itemIds, reviewer } = await project(twoTextQuestions, [[{ text: "Answer", model: "gpt-small" }]]);
    await saveDraft(db, reviewer.actor, { itemId: itemIds[0]!, values: { quality: 2, why: "draft text" } });
    expect(await rowsOf(projectId)).toEqual([]);

    const submitted = await submitAnnotation(db, reviewer.actor, {
      itemId: itemIds[0]!,
      values: { quality: 2, why: "The dates are wrong.", notes: "   " },
      idempotencyKey: randomUUID(),
    });
    const [annotation] = await db.select({ submittedAt: annotations.submittedAt }).from(annotations).where(eq(annotations.id, submitted.id));
    expect(await rowsOf(projectId)).toEqual([
      {
        source: "reviewer",
        itemId: itemIds[0],
        annotationId: submitted.id,
        questionKey: "why",
        comment: "The dates are wrong.",
        model: "gpt-small",
        userId: null,
        occurredAt: annotation!.submittedAt,
        scoreKind: null,
      },
    ]);
  });

  it("editing updates the row, a newly filled answer adds one, blanking deletes it", async () => {
    const { projectId, itemIds, reviewer } = await project(twoTextQuestions, [[{ text: "Answer" }]]);
    const submitted = await submitAnnotation(db, reviewer.actor, { itemId: itemIds[0]!, values: { quality: 3, why: "Too long." }, idempotencyKey: randomUUID() });
    const [before] = await rowsOf(projectId);

    const edited = await editAnnotation(db, reviewer.actor, { annotationId: submitted.id, version: submitted.version, values: { quality: 3, why: "Far too long.", notes: "Check the tone." } });
    const afterEdit = await rowsOf(projectId);
    expect(afterEdit.map((r) => [r.questionKey, r.comment])).toEqual([
      ["notes", "Check the tone."],
      ["why", "Far too long."],
    ]);
    // Still the submission's time, and no model: the item's output names none.
    expect(afterEdit.every((r) => r.occurredAt.getTime() === before!.occurredAt.getTime() && r.model === null)).toBe(true);
    const [whyId] = await db.select({ id: feedback.id }).from(feedback).where(and(eq(feedback.annotationId, submitted.id), eq(feedback.questionKey, "why")));

    await editAnnotation(db, reviewer.actor, { annotationId: submitted.id, version: edited.version, values: { quality: 3, why: "Far too long, really.", notes: "" } });
    const afterBlank = await rowsOf(projectId);
    expect(afterBlank.map((r) => [r.questionKey, r.comment])).toEqual([["why", "Far too long, really."]]);
    // The same row was updated in place (codings on it survive an edit).
    const [whyAfter] = await db.select({ id: feedback.id }).from(feedback).where(and(eq(feedback.annotationId, submitted.id), eq(feedback.questionKey, "why")));
    expect(whyAfter!.id).toBe(whyId!.id);

    // Deleting the annotation takes its rows along.
    await db.delete(annotations).where(eq(annotations.id, submitted.id));
    expect(await rowsOf(projectId)).toEqual([]);
  });

  it("an item with two models (pairwise) gets no model; one with one model gets it", async () => {
    const { projectId, itemIds, reviewer } = await project(templatePresets["pairwise-preference"].template, [
      [
        { text: "A", model: "m-a" },
        { text: "B", model: "m-b" },
      ],
      [
        { text: "A", model: "m-a" },
        { text: "B", model: "m-a" },
      ],
    ]);
    for (const itemId of itemIds) {
      await submitAnnotation(db, reviewer.actor, { itemId, values: { preference: { winner: 0, shown: [0, 1] }, reason: `Reason for ${itemId}` }, idempotencyKey: randomUUID() });
    }
    expect((await rowsOf(projectId)).map((r) => [r.itemId, r.questionKey, r.model])).toEqual([
      [itemIds[0], "reason", null],
      [itemIds[1], "reason", "m-a"],
    ]);
  });

  it("a project whose template has no text question gets no rows", async () => {
    const { projectId, itemIds, reviewer } = await project(templatePresets.classify.template, [[{ text: "Great product!" }]]);
    await submitAnnotation(db, reviewer.actor, { itemId: itemIds[0]!, values: { label: "positive" }, idempotencyKey: randomUUID() });
    expect(await db.select({ n: sql<number>`count(*)::int` }).from(annotations).where(eq(annotations.projectId, projectId))).toEqual([{ n: 1 }]);
    expect(await rowsOf(projectId)).toEqual([]);
  });

  it("the migration's backfill writes the rows of answers submitted before it, and running it again adds nothing", async () => {
    const { projectId, itemIds, reviewer } = await project(twoTextQuestions, [[{ text: "One", model: "m" }], [{ text: "Two", model: "m" }]]);
    const first = await submitAnnotation(db, reviewer.actor, { itemId: itemIds[0]!, values: { quality: 1, why: "Wrong.", notes: "Rude." }, idempotencyKey: randomUUID() });
    await submitAnnotation(db, reviewer.actor, { itemId: itemIds[1]!, values: { quality: 5 }, idempotencyKey: randomUUID() });
    const expected = await rowsOf(projectId);
    expect(expected.map((r) => [r.annotationId, r.questionKey])).toEqual([
      [first.id, "notes"],
      [first.id, "why"],
    ]);
    // As before the migration: no rows for these answers.
    await db.delete(feedback).where(eq(feedback.projectId, projectId));

    await sqlOf(db).unsafe(backfill);
    expect(await rowsOf(projectId)).toEqual(expected);
    await sqlOf(db).unsafe(backfill);
    expect(await rowsOf(projectId)).toEqual(expected);
  });
});
