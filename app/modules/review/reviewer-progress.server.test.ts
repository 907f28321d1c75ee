import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { db } from "~/db.server";
import { addItems } from "~/modules/items/add-items.server";
import { addMember } from "~/modules/projects/add-member.server";
import { createProject } from "~/modules/projects/create-project.server";
import { updateProjectSettings } from "~/modules/projects/update-settings.server";
import { saveTemplate } from "~/modules/templates/save-template.server";
import { ForbiddenError } from "~/utils/errors";
import { makeUser } from "~test/factories";
import { claimNextItem } from "./claim-next-item.server";
import { getReviewerProgress, LEFT_COUNT_CAP } from "./reviewer-progress.server";
import { skipItem } from "./skip-item.server";
import { submitAnnotation } from "./submit-annotation.server";

async function project(items: number, overlap: number) {
  const manager = await makeUser();
  const created = await createProject(db, manager.actor, { name: `Progress ${randomUUID()}` });
  await saveTemplate(db, manager.actor, created.id, { questions: [{ key: "ok", kind: "thumbs", text: "OK?" }] });
  await updateProjectSettings(db, manager.actor, created.id, { overlap });
  const ids: number[] = [];
  for (let from = 0; from < items; from += 1000) {
    const chunk = Array.from({ length: Math.min(1000, items - from) }, (_, i) => ({ input: `Prompt ${from + i}`, outputs: [{ text: `Answer ${from + i}` }] }));
    ids.push(...(await addItems(db, manager.actor, created.id, chunk)).ids);
  }
  const reviewers = [await makeUser(), await makeUser()];
  for (const r of reviewers) await addMember(db, manager.actor, created.id, { email: r.email, role: "reviewer" });
  return { manager, projectId: created.id, reviewers, ids };
}

const answer = (actor: Parameters<typeof submitAnnotation>[1], itemId: number) => submitAnnotation(db, actor, { itemId, values: { ok: "up" }, idempotencyKey: randomUUID() });

describe("getReviewerProgress", () => {
  it("counts the reviewer's answers, the open items still ahead of them, and the project's done of total", async () => {
    const f = await project(4, 2);
    const [ada, ben] = f.reviewers as [(typeof f.reviewers)[0], (typeof f.reviewers)[0]];
    expect(await getReviewerProgress(db, ada.actor, f.projectId)).toEqual({ answered: 0, left: 4, leftCapped: false, project: { total: 4, done: 0 } });

    const first = await claimNextItem(db, ada.actor, f.projectId);
    // The item Ada holds is no longer ahead of her: the screen says "Item 1 of up to 4".
    expect(await getReviewerProgress(db, ada.actor, f.projectId)).toMatchObject({ answered: 0, left: 3 });
    await answer(ada.actor, first!.itemId);
    await answer(ben.actor, first!.itemId);
    // Overlap 2 reached: the item is done for the project.
    expect(await getReviewerProgress(db, ada.actor, f.projectId)).toEqual({ answered: 1, left: 3, leftCapped: false, project: { total: 4, done: 1 } });
    expect(await getReviewerProgress(db, ben.actor, f.projectId)).toEqual({ answered: 1, left: 3, leftCapped: false, project: { total: 4, done: 1 } });

    const second = await claimNextItem(db, ada.actor, f.projectId);
    await skipItem(db, ada.actor, { itemId: second!.itemId });
    // A skipped item is not ahead of Ada any more, but still open for Ben.
    expect(await getReviewerProgress(db, ada.actor, f.projectId)).toMatchObject({ answered: 1, left: 2 });
    expect(await getReviewerProgress(db, ben.actor, f.projectId)).toMatchObject({ answered: 1, left: 3 });
  });

  it("stops counting what is left at the cap and says so; refuses members who do not review", async () => {
    const f = await project(LEFT_COUNT_CAP + 2, 1);
    expect(await getReviewerProgress(db, f.reviewers[0]!.actor, f.projectId)).toEqual({
      answered: 0,
      left: LEFT_COUNT_CAP,
      leftCapped: true,
      project: { total: LEFT_COUNT_CAP + 2, done: 0 },
    });
    const researcher = await makeUser();
    await addMember(db, f.manager.actor, f.projectId, { email: researcher.email, role: "researcher" });
    await expect(getReviewerProgress(db, researcher.actor, f.projectId)).rejects.toThrow(ForbiddenError);
  });
});
