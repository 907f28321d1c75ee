import { randomUUID } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { annotationHistory, annotations, assignments, items } from "~db/schema";
import { db } from "~/db.server";
import { addItems } from "~/modules/items/add-items.server";
import { addMember } from "~/modules/projects/add-member.server";
import { createProject } from "~/modules/projects/create-project.server";
import { updateProjectSettings } from "~/modules/projects/update-settings.server";
import { templatePresets } from "~/modules/templates/presets";
import { saveTemplate } from "~/modules/templates/save-template.server";
import { ConflictError, NotFoundError, ValidationError } from "~/utils/errors";
import { makeUser } from "~test/factories";
import { claimNextItem } from "./claim-next-item.server";
import { editAnnotation } from "./edit-annotation.server";
import { getReviewItem } from "./queries.server";
import { saveDraft } from "./save-draft.server";
import { skipItem } from "./skip-item.server";
import { submitAnnotation } from "./submit-annotation.server";

async function reviewProject(options: { items: number; overlap: number; reviewers: number }) {
  const manager = await makeUser();
  const project = await createProject(db, manager.actor, { name: `Queue ${randomUUID()}` });
  await saveTemplate(db, manager.actor, project.id, templatePresets["rate-and-correct"].template);
  await updateProjectSettings(db, manager.actor, project.id, { overlap: options.overlap });
  const added = await addItems(
    db,
    manager.actor,
    project.id,
    Array.from({ length: options.items }, (_, i) => ({ input: `Prompt ${i}`, outputs: [{ text: `Answer ${i}` }], externalId: `ext-${i}` })),
  );
  const reviewers = [];
  for (let i = 0; i < options.reviewers; i++) {
    const reviewer = await makeUser();
    await addMember(db, manager.actor, project.id, { email: reviewer.email, role: "reviewer" });
    reviewers.push(reviewer);
  }
  return { manager, project, reviewers, itemIds: added.ids };
}

const answer = { quality: 4 };

describe("the review queue", () => {
  it("20 reviewers claiming at once never exceed the overlap and never get an item twice", async () => {
    const { project, reviewers } = await reviewProject({ items: 10, overlap: 3, reviewers: 20 });
    const rounds = await Promise.all(
      reviewers.map(async (reviewer) => {
        const got: number[] = [];
        for (;;) {
          const lease = await claimNextItem(db, reviewer.actor, project.id);
          if (!lease) return got;
          got.push(lease.itemId);
          await submitAnnotation(db, reviewer.actor, { itemId: lease.itemId, values: answer, idempotencyKey: randomUUID() });
        }
      }),
    );
    for (const got of rounds) expect(new Set(got).size).toBe(got.length);
    const counts = await db
      .select({ itemId: annotations.itemId, n: sql<number>`count(*)::int` })
      .from(annotations)
      .where(eq(annotations.projectId, project.id))
      .groupBy(annotations.itemId);
    expect(counts).toHaveLength(10);
    expect(counts.every((c) => c.n === 3)).toBe(true);
    const open = await db.select().from(items).where(sql`${items.projectId} = ${project.id} and ${items.status} = 'open'`);
    expect(open).toEqual([]);
  });

  it("live leases hold places: with overlap 1, two reviewers claiming get different items", async () => {
    const { project, reviewers } = await reviewProject({ items: 2, overlap: 1, reviewers: 3 });
    const leases = await Promise.all(reviewers.map((r) => claimNextItem(db, r.actor, project.id)));
    const granted = leases.filter((l) => l !== null);
    expect(granted).toHaveLength(2);
    expect(granted[0]!.itemId).not.toBe(granted[1]!.itemId);
    // The same reviewer asking again gets their own lease back, not a second item.
    const holder = leases.findIndex((l) => l !== null);
    const again = await claimNextItem(db, reviewers[holder]!.actor, project.id);
    expect(again).toMatchObject({ leaseId: leases[holder]!.leaseId, itemId: leases[holder]!.itemId, resumed: true });
  });

  it("an expired lease returns the item to the queue", async () => {
    const { project, reviewers } = await reviewProject({ items: 1, overlap: 1, reviewers: 2 });
    const [first, second] = reviewers;
    const lease = await claimNextItem(db, first!.actor, project.id);
    expect(await claimNextItem(db, second!.actor, project.id)).toBeNull();
    await db.update(assignments).set({ expiresAt: sql`now() - interval '1 second'` }).where(eq(assignments.id, lease!.leaseId));
    expect(await claimNextItem(db, second!.actor, project.id)).toMatchObject({ itemId: lease!.itemId });
    // The first reviewer's late submit is refused: the place is taken.
    await expect(submitAnnotation(db, first!.actor, { itemId: lease!.itemId, values: answer, idempotencyKey: randomUUID() })).rejects.toBeInstanceOf(
      ConflictError,
    );
    // Once the item is finished, the expired lease is gone: no later claim reads it again.
    await submitAnnotation(db, second!.actor, { itemId: lease!.itemId, values: answer, idempotencyKey: randomUUID() });
    expect(await db.select().from(assignments).where(eq(assignments.id, lease!.leaseId))).toEqual([]);
    expect(await claimNextItem(db, first!.actor, project.id)).toBeNull();
  });

  it("a skipped item goes to others and never back to the reviewer who skipped it", async () => {
    const { project, reviewers } = await reviewProject({ items: 1, overlap: 1, reviewers: 2 });
    const [first, second] = reviewers;
    const lease = await claimNextItem(db, first!.actor, project.id);
    await skipItem(db, first!.actor, { itemId: lease!.itemId, reason: "needs domain knowledge" });
    expect(await claimNextItem(db, first!.actor, project.id)).toBeNull();
    expect(await claimNextItem(db, second!.actor, project.id)).toMatchObject({ itemId: lease!.itemId });
    const [row] = await db.select().from(assignments).where(eq(assignments.id, lease!.leaseId));
    expect(row).toMatchObject({ state: "skipped", skipReason: "needs domain knowledge" });
  });

  it("a reviewer can skip only an item they hold, so skipping is no way to read an item never offered", async () => {
    const { project, reviewers, itemIds } = await reviewProject({ items: 2, overlap: 1, reviewers: 1 });
    const reviewer = reviewers[0]!;
    const lease = await claimNextItem(db, reviewer.actor, project.id);
    const other = itemIds.find((id) => id !== lease!.itemId)!;
    await expect(skipItem(db, reviewer.actor, { itemId: other })).rejects.toThrow("You can only skip an item you are reviewing: take it from the queue first.");
    await expect(getReviewItem(db, reviewer.actor, other)).rejects.toBeInstanceOf(NotFoundError);
    expect(await db.select().from(assignments).where(eq(assignments.itemId, other))).toEqual([]);
    // The held one skips, and skipping it again changes nothing.
    await skipItem(db, reviewer.actor, { itemId: lease!.itemId });
    await skipItem(db, reviewer.actor, { itemId: lease!.itemId });
    const [row] = await db.select({ state: assignments.state }).from(assignments).where(eq(assignments.id, lease!.leaseId));
    expect(row).toEqual({ state: "skipped" });
  });

  it("a retried submit with the same idempotency key creates one annotation", async () => {
    const { project, reviewers } = await reviewProject({ items: 1, overlap: 2, reviewers: 1 });
    const reviewer = reviewers[0]!;
    const lease = await claimNextItem(db, reviewer.actor, project.id);
    const key = randomUUID();
    const results = await Promise.all(
      [1, 2, 3].map(() => submitAnnotation(db, reviewer.actor, { itemId: lease!.itemId, values: answer, idempotencyKey: key })),
    );
    expect(new Set(results.map((r) => r.id)).size).toBe(1);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    const rows = await db.select().from(annotations).where(eq(annotations.itemId, lease!.itemId));
    expect(rows).toHaveLength(1);
    const [item] = await db.select().from(items).where(eq(items.id, lease!.itemId));
    expect(item!.submittedCount).toBe(1);
  });

  it("validates answers against the template, naming the question", async () => {
    const { project, reviewers } = await reviewProject({ items: 1, overlap: 1, reviewers: 1 });
    const reviewer = reviewers[0]!;
    const lease = await claimNextItem(db, reviewer.actor, project.id);
    const attempt = (values: Record<string, unknown>) =>
      submitAnnotation(db, reviewer.actor, { itemId: lease!.itemId, values, idempotencyKey: randomUUID() }).catch((e: unknown) => e);
    expect(((await attempt({})) as ValidationError).issues).toEqual([{ field: "values.quality", message: "This question needs an answer." }]);
    expect(((await attempt({ quality: 9 })) as ValidationError).issues).toEqual([
      { field: "values.quality", message: "Expected a whole number from 1 to 5." },
    ]);
    expect(((await attempt({ quality: 3, mood: "ok" })) as ValidationError).issues).toEqual([
      { field: "values.mood", message: "There is no question with this key." },
    ]);
    expect(await db.select().from(annotations).where(eq(annotations.itemId, lease!.itemId))).toEqual([]);
  });

  it("drafts autosave without required answers, and the submit turns the draft into the answer", async () => {
    const { project, reviewers } = await reviewProject({ items: 1, overlap: 1, reviewers: 1 });
    const reviewer = reviewers[0]!;
    const lease = await claimNextItem(db, reviewer.actor, project.id);
    await saveDraft(db, reviewer.actor, { itemId: lease!.itemId, values: { comment: "half done" } });
    await saveDraft(db, reviewer.actor, { itemId: lease!.itemId, values: { comment: "almost", quality: 2 } });
    const submitted = await submitAnnotation(db, reviewer.actor, { itemId: lease!.itemId, values: { quality: 5, comment: "done" }, idempotencyKey: randomUUID() });
    const rows = await db.select().from(annotations).where(eq(annotations.itemId, lease!.itemId));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ id: submitted.id, status: "submitted", values: { quality: 5, comment: "done" } });
    await expect(saveDraft(db, reviewer.actor, { itemId: lease!.itemId, values: { quality: 1 } })).rejects.toBeInstanceOf(ConflictError);
  });

  it("an autosave racing the submit never deadlocks: the submit wins, the late draft is refused", async () => {
    const { project, reviewers } = await reviewProject({ items: 6, overlap: 1, reviewers: 1 });
    const reviewer = reviewers[0]!;
    for (;;) {
      const lease = await claimNextItem(db, reviewer.actor, project.id);
      if (!lease) break;
      const [draft, submit] = await Promise.allSettled([
        saveDraft(db, reviewer.actor, { itemId: lease.itemId, values: { quality: 1 } }),
        submitAnnotation(db, reviewer.actor, { itemId: lease.itemId, values: answer, idempotencyKey: randomUUID() }),
      ]);
      expect(submit.status === "rejected" ? String(submit.reason) : "fulfilled").toBe("fulfilled");
      if (draft.status === "rejected") expect(draft.reason).toBeInstanceOf(ConflictError);
      const [row] = await db.select().from(annotations).where(eq(annotations.itemId, lease.itemId));
      expect(row).toMatchObject({ status: "submitted", values: answer });
    }
  });

  it("a stale edit gets 409 with the newer values, and every accepted edit is in the history", async () => {
    const { project, reviewers } = await reviewProject({ items: 1, overlap: 1, reviewers: 1 });
    const reviewer = reviewers[0]!;
    const lease = await claimNextItem(db, reviewer.actor, project.id);
    const first = await submitAnnotation(db, reviewer.actor, { itemId: lease!.itemId, values: { quality: 2 }, idempotencyKey: randomUUID() });
    const second = await editAnnotation(db, reviewer.actor, { annotationId: first.id, version: first.version, values: { quality: 3 } });
    const stale = await editAnnotation(db, reviewer.actor, { annotationId: first.id, version: first.version, values: { quality: 1 } }).catch(
      (e: unknown) => e,
    );
    expect(stale).toBeInstanceOf(ConflictError);
    expect((stale as ConflictError).current).toMatchObject({ version: second.version, values: { quality: 3 } });
    const history = await db
      .select({ version: annotationHistory.version, values: annotationHistory.values })
      .from(annotationHistory)
      .where(eq(annotationHistory.annotationId, first.id))
      .orderBy(annotationHistory.version);
    expect(history).toEqual([
      { version: first.version, values: { quality: 2 } },
      { version: second.version, values: { quality: 3 } },
    ]);
    const stranger = await makeUser();
    await expect(editAnnotation(db, stranger.actor, { annotationId: first.id, version: second.version, values: { quality: 1 } })).rejects.toThrow(
      /No such annotation/,
    );
  });

  it("raising the overlap re-opens finished items", async () => {
    const { manager, project, reviewers } = await reviewProject({ items: 1, overlap: 1, reviewers: 2 });
    const lease = await claimNextItem(db, reviewers[0]!.actor, project.id);
    await submitAnnotation(db, reviewers[0]!.actor, { itemId: lease!.itemId, values: answer, idempotencyKey: randomUUID() });
    expect(await claimNextItem(db, reviewers[1]!.actor, project.id)).toBeNull();
    await updateProjectSettings(db, manager.actor, project.id, { overlap: 2 });
    expect(await claimNextItem(db, reviewers[1]!.actor, project.id)).toMatchObject({ itemId: lease!.itemId });
  });

  it("random order: items get queue keys only then, and an item written without one is still served", async () => {
    const { manager, project, reviewers, itemIds } = await reviewProject({ items: 3, overlap: 1, reviewers: 1 });
    const keys = async () =>
      (await db.select({ id: items.id, key: items.randomKey }).from(items).where(eq(items.projectId, project.id)).orderBy(items.id)).map((r) => r.key);
    expect(await keys()).toEqual([null, null, null]);
    await updateProjectSettings(db, manager.actor, project.id, { itemOrder: "random" });
    expect((await keys()).every((k) => Number.isInteger(k))).toBe(true);
    const added = await addItems(db, manager.actor, project.id, [{ input: "Later prompt", outputs: [{ text: "Later answer" }] }]);
    expect(await keys()).not.toContain(null);
    // why: an item written while the order was being switched can lack a key; the claim must not strand it.
    await db.update(items).set({ randomKey: null }).where(eq(items.id, added.ids[0]!));
    const claimed = new Set<number>();
    for (let i = 0; i < 4; i++) {
      const lease = await claimNextItem(db, reviewers[0]!.actor, project.id);
      claimed.add(lease!.itemId);
      await submitAnnotation(db, reviewers[0]!.actor, { itemId: lease!.itemId, values: answer, idempotencyKey: randomUUID() });
    }
    expect([...claimed].sort((a, b) => a - b)).toEqual([...itemIds, added.ids[0]!]);
    expect(await claimNextItem(db, reviewers[0]!.actor, project.id)).toBeNull();
  });

  it("only members who may review can claim", async () => {
    const { project } = await reviewProject({ items: 1, overlap: 1, reviewers: 0 });
    const stranger = await makeUser();
    await expect(claimNextItem(db, stranger.actor, project.id)).rejects.toThrow(/No such project/);
  });
});
