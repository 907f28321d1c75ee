import { describe, expect, it } from "vitest";
import { db } from "~/db.server";
import { addItems } from "~/modules/items/add-items.server";
import { addMember } from "~/modules/projects/add-member.server";
import { createProject } from "~/modules/projects/create-project.server";
import { updateProjectSettings } from "~/modules/projects/update-settings.server";
import { claimNextItem } from "~/modules/review/claim-next-item.server";
import { editAnnotation } from "~/modules/review/edit-annotation.server";
import { submitAnnotation } from "~/modules/review/submit-annotation.server";
import { saveTemplate } from "~/modules/templates/save-template.server";
import { makeUser } from "~test/factories";
import { computeReviewerQuality } from "./reviewer-quality.server";

describe("reviewers' quality", () => {
  it("measures each reviewer's accuracy on gold and agreement with the consensus; a reviewer sees only their own", async () => {
    const manager = await makeUser();
    const ada = await makeUser({ name: "Ada" });
    const bo = await makeUser({ name: "Bo" });
    const project = await createProject(db, manager.actor, { name: `Reviewers ${crypto.randomUUID().slice(0, 8)}` });
    for (const r of [ada, bo]) await addMember(db, manager.actor, project.id, { email: r.email, role: "reviewer" });
    await saveTemplate(db, manager.actor, project.id, {
      questions: [
        { key: "ok", kind: "thumbs", text: "Is it right?" },
        { key: "why", kind: "text", text: "Why?" },
      ],
    });
    await addItems(db, manager.actor, project.id, [{ input: "Regular", outputs: [{ text: "R" }] }]);
    await addItems(db, manager.actor, project.id, [
      { input: "G1", outputs: [{ text: "G" }], gold: { ok: "down" } },
      { input: "G2", outputs: [{ text: "G" }], gold: { ok: "up" } },
    ]);
    await updateProjectSettings(db, manager.actor, project.id, { goldRate: 1, overlap: 2 });
    // Ada: both gold items, one right; then the regular item. Bo: the regular item only, answered as Ada did.
    const answers = ["down", "down", "up"];
    const submitted = [];
    for (let lease = await claimNextItem(db, ada.actor, project.id, { goldDraw: 0 }); lease; lease = await claimNextItem(db, ada.actor, project.id, { goldDraw: 0 })) {
      submitted.push(await submitAnnotation(db, ada.actor, { itemId: lease.itemId, values: { ok: answers.shift()! }, idempotencyKey: crypto.randomUUID() }));
    }
    // Changing a wrong gold answer afterwards does not make it right: accuracy reads the first submitted answer.
    await editAnnotation(db, ada.actor, { annotationId: submitted[1]!.id, version: submitted[1]!.version, values: { ok: "up" } });
    const lease = await claimNextItem(db, bo.actor, project.id, { goldDraw: 1 });
    await submitAnnotation(db, bo.actor, { itemId: lease!.itemId, values: { ok: "up" }, idempotencyKey: crypto.randomUUID() });

    const report = await computeReviewerQuality(db, manager.actor, project.id);
    expect(report.reviewers.map((r) => [r.label, r.answered, r.goldAnswered])).toEqual([
      ["Ada", 3, 2],
      ["Bo", 1, 0],
    ]);
    const [a, b] = report.reviewers;
    expect(a!.accuracy[0]!.estimate).toMatchObject({ value: 0.5, basis: "1 of 2" });
    expect(a!.accuracy[0]!.estimate.interval!.low).toBeCloseTo(0.09453, 4);
    expect(a!.agreement[0]!.estimate).toMatchObject({ value: 1, basis: "1 of 1" });
    expect(b!.accuracy[0]!.estimate).toMatchObject({ value: null, reason: "No gold answers yet." });
    expect(a!.medianSeconds).toBeGreaterThanOrEqual(0);
    expect(report.questions.find((q) => q.key === "why")!.reason).toMatch(/^Not scored: a free text answer/);

    const own = await computeReviewerQuality(db, bo.actor, project.id, { mine: true });
    expect(own.reviewers.map((r) => [r.label, r.isYou])).toEqual([["Bo", true]]);
    await expect(computeReviewerQuality(db, bo.actor, project.id)).rejects.toMatchObject({ status: 403 });
  });
});
