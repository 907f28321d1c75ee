import { randomUUID } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { annotations, assignments } from "~db/schema";
import { db, sqlClient } from "~/db.server";
import { addItems } from "~/modules/items/add-items.server";
import { addMember } from "~/modules/projects/add-member.server";
import { createProject } from "~/modules/projects/create-project.server";
import { updateProjectSettings } from "~/modules/projects/update-settings.server";
import { templatePresets } from "~/modules/templates/presets";
import { saveTemplate } from "~/modules/templates/save-template.server";
import { makeUser } from "~test/factories";
import { claimNextItem } from "./claim-next-item.server";
import { findHeldByOthers } from "./held-by-others.server";
import { skipItem } from "./skip-item.server";
import { submitAnnotation } from "./submit-annotation.server";

async function project(options: { items: number; overlap: number; reviewers: number }) {
  const manager = await makeUser();
  const created = await createProject(db, manager.actor, { name: `Done ${randomUUID()}` });
  await saveTemplate(db, manager.actor, created.id, templatePresets["rate-and-correct"].template);
  await updateProjectSettings(db, manager.actor, created.id, { overlap: options.overlap });
  const added = await addItems(
    db,
    manager.actor,
    created.id,
    Array.from({ length: options.items }, (_, i) => ({ input: `Prompt ${i}`, outputs: [{ text: `Answer ${i}` }], externalId: `d-${i}` })),
  );
  const reviewers = [];
  for (let i = 0; i < options.reviewers; i++) {
    const reviewer = await makeUser();
    await addMember(db, manager.actor, created.id, { email: reviewer.email, role: "reviewer" });
    reviewers.push(reviewer);
  }
  return { projectId: created.id, reviewers, itemIds: added.ids };
}

/** Resolves once some backend is waiting for a row lock while running `fragment` (a condition, not a clock). */
async function someoneWaitsOnALock(fragment: string) {
  for (;;) {
    const [row] = await db.execute<{ n: number }>(sql`
      select count(*)::int as n from pg_stat_activity
       where datname = current_database() and wait_event_type = 'Lock' and query like ${`%${fragment}%`}`);
    if (row!.n > 0) return;
    await db.execute(sql`select pg_sleep(0.01)`);
  }
}

const answer = { quality: 4 };

describe("'nothing left' means nothing is left for you", () => {
  it("a claim that waits on an item another reviewer is submitting still gets it when it has room", async () => {
    const { projectId, reviewers, itemIds } = await project({ items: 1, overlap: 2, reviewers: 2 });
    const [alice, bob] = reviewers;
    const lease = await claimNextItem(db, alice!.actor, projectId);
    expect(lease?.itemId).toBe(itemIds[0]);

    // Alice's submit holds the item's row lock (uncommitted) while Bob claims.
    const held = await sqlClient().reserve();
    try {
      await held`begin`;
      const [outcome] = await held<{ outcome: string }[]>`
        select outcome from loupe_submit_annotation(${itemIds[0]!}, ${alice!.id}, ${JSON.stringify(answer)}::jsonb, 1, ${randomUUID()}, 10)`;
      expect(outcome!.outcome).toBe("created");
      const bobClaims = claimNextItem(db, bob!.actor, projectId);
      await someoneWaitsOnALock("loupe_claim_item");
      await held`commit`;
      // why: re-checked after the wait, the row showed Alice's answer while the statement's old
      // snapshot still counted her lease: 1 answer + 1 lease = overlap 2, "full", and Bob was told
      // the queue was done with the item still lacking his answer.
      expect(await bobClaims).toMatchObject({ itemId: itemIds[0] });
    } finally {
      await held`rollback`.catch(() => {});
      held.release();
    }
  });

  it.each([1, 2, 3])("overlap = reviewers: ten reviewers claiming and submitting at once each answer every item (round %i)", async () => {
    const { projectId, reviewers, itemIds } = await project({ items: 10, overlap: 10, reviewers: 10 });
    await Promise.all(
      reviewers.map(async (reviewer) => {
        for (;;) {
          const lease = await claimNextItem(db, reviewer.actor, projectId);
          if (!lease) return;
          await submitAnnotation(db, reviewer.actor, { itemId: lease.itemId, values: answer, idempotencyKey: randomUUID() });
        }
      }),
    );
    const perReviewer = await db
      .select({ userId: annotations.userId, n: sql<number>`count(*)::int` })
      .from(annotations)
      .where(eq(annotations.projectId, projectId))
      .groupBy(annotations.userId);
    expect(perReviewer.map((r) => r.n)).toEqual(reviewers.map(() => itemIds.length));
  });

  it("when the only items left are held by others, the reviewer is told how many and until when", async () => {
    const { projectId, reviewers, itemIds } = await project({ items: 2, overlap: 1, reviewers: 2 });
    const [alice, bob] = reviewers;
    const first = await claimNextItem(db, alice!.actor, projectId);
    const second = await claimNextItem(db, bob!.actor, projectId);
    await submitAnnotation(db, bob!.actor, { itemId: second!.itemId, values: answer, idempotencyKey: randomUUID() });
    expect(await claimNextItem(db, bob!.actor, projectId)).toBeNull();
    const held = await findHeldByOthers(db, bob!.actor, projectId);
    expect(held).toEqual({ items: 1, until: first!.expiresAt });
    // Alice herself is not waiting on anyone: her lease comes back to her.
    expect(await findHeldByOthers(db, alice!.actor, projectId)).toBeNull();
    // Once Alice answers, nothing will become available to Bob: done means done.
    await submitAnnotation(db, alice!.actor, { itemId: first!.itemId, values: answer, idempotencyKey: randomUUID() });
    expect(await findHeldByOthers(db, bob!.actor, projectId)).toBeNull();
    expect(itemIds).toContain(first!.itemId);
  });

  it("an item held by others that the reviewer already skipped is not waited for", async () => {
    const { projectId, reviewers } = await project({ items: 1, overlap: 1, reviewers: 2 });
    const [alice, bob] = reviewers;
    const lease = await claimNextItem(db, alice!.actor, projectId);
    await skipItem(db, alice!.actor, { itemId: lease!.itemId });
    const bobs = await claimNextItem(db, bob!.actor, projectId);
    expect(bobs?.itemId).toBe(lease!.itemId);
    expect(await claimNextItem(db, alice!.actor, projectId)).toBeNull();
    expect(await findHeldByOthers(db, alice!.actor, projectId)).toBeNull();
    const rows = await db.select({ state: assignments.state }).from(assignments).where(eq(assignments.itemId, lease!.itemId));
    expect(rows.map((r) => r.state).sort()).toEqual(["leased", "skipped"]);
  });
});
