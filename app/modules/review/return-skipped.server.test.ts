import { describe, expect, it } from "vitest";
import { db } from "~/db.server";
import { addItems } from "~/modules/items/add-items.server";
import { addMember } from "~/modules/projects/add-member.server";
import { createProject } from "~/modules/projects/create-project.server";
import { updateProjectSettings } from "~/modules/projects/update-settings.server";
import { saveTemplate } from "~/modules/templates/save-template.server";
import { makeUser } from "~test/factories";
import { claimNextItem } from "./claim-next-item.server";
import { listMySkipped } from "./queries.server";
import { returnSkippedItem } from "./return-skipped.server";
import { skipItem } from "./skip-item.server";
import { submitAnnotation } from "./submit-annotation.server";

async function setup(overlap: number) {
  const manager = await makeUser();
  const project = await createProject(db, manager.actor, { name: `Unskip ${crypto.randomUUID().slice(0, 8)}` });
  await updateProjectSettings(db, manager.actor, project.id, { overlap });
  const reviewers = [await makeUser(), await makeUser()];
  for (const r of reviewers) await addMember(db, manager.actor, project.id, { email: r.email, role: "reviewer" });
  await saveTemplate(db, manager.actor, project.id, { questions: [{ key: "ok", kind: "thumbs", text: "OK?" }] });
  const { ids } = await addItems(db, manager.actor, project.id, [{ input: "Only item", outputs: [{ text: "x" }] }]);
  return { manager, reviewers, projectId: project.id, itemId: ids[0]! };
}

describe("taking a skip back", () => {
  it("leases the item to the reviewer again, so the next claim resumes it, and lists it no more as skipped", async () => {
    const t = await setup(1);
    const [ann] = t.reviewers;
    await claimNextItem(db, ann!.actor, t.projectId);
    await skipItem(db, ann!.actor, { itemId: t.itemId, reason: "Not sure" });
    expect(await claimNextItem(db, ann!.actor, t.projectId)).toBeNull();
    expect(await listMySkipped(db, ann!.actor, t.projectId)).toMatchObject([{ item_id: t.itemId, reason: "Not sure", open: true }]);

    const lease = await returnSkippedItem(db, ann!.actor, t.itemId);
    expect(lease.expiresAt.getTime()).toBeGreaterThan(Date.now());
    expect(await claimNextItem(db, ann!.actor, t.projectId)).toMatchObject({ itemId: t.itemId, resumed: true });
    expect(await listMySkipped(db, ann!.actor, t.projectId)).toEqual([]);
  });

  it("refuses when the item no longer needs the reviewer: another holds or answered it within the overlap", async () => {
    const t = await setup(1);
    const [ann, bob] = t.reviewers;
    await claimNextItem(db, ann!.actor, t.projectId);
    await skipItem(db, ann!.actor, { itemId: t.itemId });
    expect(await claimNextItem(db, bob!.actor, t.projectId)).toMatchObject({ itemId: t.itemId });
    await expect(returnSkippedItem(db, ann!.actor, t.itemId)).rejects.toThrow("This item no longer needs your answer");
    await submitAnnotation(db, bob!.actor, { itemId: t.itemId, values: { ok: "up" }, idempotencyKey: "bob-1" });
    await expect(returnSkippedItem(db, ann!.actor, t.itemId)).rejects.toThrow("This item no longer needs your answer");
    expect(await listMySkipped(db, ann!.actor, t.projectId)).toMatchObject([{ item_id: t.itemId, open: false }]);
  });

  it("refuses what was not skipped, and other people's items", async () => {
    const t = await setup(2);
    const [ann, bob] = t.reviewers;
    await claimNextItem(db, ann!.actor, t.projectId);
    await expect(returnSkippedItem(db, ann!.actor, t.itemId)).rejects.toThrow("You have not skipped this item.");
    await expect(returnSkippedItem(db, bob!.actor, t.itemId)).rejects.toThrow("You have not skipped this item.");
    await submitAnnotation(db, ann!.actor, { itemId: t.itemId, values: { ok: "up" }, idempotencyKey: "ann-1" });
    await expect(returnSkippedItem(db, ann!.actor, t.itemId)).rejects.toThrow("You have already answered this item.");
    await expect(returnSkippedItem(db, ann!.actor, 987654321)).rejects.toThrow("No such item.");
  });

  it("with overlap 2, many concurrent returns and claims never lease more than the overlap", async () => {
    const t = await setup(2);
    const extra = [await makeUser(), await makeUser(), await makeUser()];
    for (const r of extra) await addMember(db, t.manager.actor, t.projectId, { email: r.email, role: "reviewer" });
    const skippers = [...t.reviewers, extra[0]!];
    for (const r of skippers) {
      await claimNextItem(db, r.actor, t.projectId);
      await skipItem(db, r.actor, { itemId: t.itemId });
    }
    const attempts = await Promise.allSettled([
      ...skippers.map((r) => returnSkippedItem(db, r.actor, t.itemId)),
      ...extra.slice(1).map((r) => claimNextItem(db, r.actor, t.projectId)),
    ]);
    const granted = attempts.filter((a) => a.status === "fulfilled" && a.value !== null).length;
    expect(granted).toBe(2);
    const [live] = await db.execute<{ n: number }>(`select count(*)::int as n from assignments where item_id = ${t.itemId} and state = 'leased' and expires_at > now()`);
    expect(live!.n).toBe(2);
  });
});
