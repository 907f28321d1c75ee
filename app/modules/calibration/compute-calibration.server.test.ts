import { describe, expect, it } from "vitest";
import { db } from "~/db.server";
import { addMember } from "~/modules/projects/add-member.server";
import { ForbiddenError } from "~/utils/errors";
import { makeDatasetProject } from "~test/support/dataset-project";
import { judge, judgePrompt } from "~test/support/judge";
import { makeUser } from "~test/factories";
import { computeCalibration } from "./compute-calibration.server";

describe("computeCalibration", () => {
  it("sets each judge (model × prompt version) against the consensus of the resolved items it answered; figures as sklearn gives them", async () => {
    const f = await makeDatasetProject();
    const v1 = await judgePrompt(f, "Intent judge");
    const v2 = await judgePrompt(f, "Intent judge", 2);
    // Consensus per item: shipping, other, other, billing, (a tie: unresolved), other.
    // One answer per item from a judge (model × prompt version): the database keeps no second one.
    await judge(f, "gpt-x", v1, ["shipping", "other", "billing", "billing", "shipping", "other"]);
    await judge(f, "gpt-x", v2, ["other", "other", "other", "other", "other", "other"]);
    // An imported label is not a judge.
    await judge(f, "labels.csv", null, ["billing", "billing", "billing", "billing", "billing", "billing"], "import");

    const report = await computeCalibration(db, f.manager.actor, f.projectId);
    const intent = report.questions.find((q) => q.key === "intent")!;
    expect(intent).toMatchObject({ kind: "choice", figure: "kappa", resolvedItems: 5, judgedItems: 5, minItems: 20 });
    expect(intent.judges.map((j) => [j.model, j.prompt])).toEqual([
      ["gpt-x", "Intent judge v1"],
      ["gpt-x", "Intent judge v2"],
    ]);
    const [first, second] = intent.judges;
    // Reference (sklearn 1.2.1, statsmodels 0.13.5): consensus [shipping, other, other, billing, other]
    // against [shipping, other, billing, billing, other]: cohen_kappa_score = 0.6875; cohens_kappa
    // kappa_low 0.1559652716749801, kappa_upp 1.219 (clipped to 1); confusion_matrix(labels=
    // [billing, shipping, other]) [[1,0,0],[0,1,0],[1,0,2]]; proportion_confint(4, 5, "wilson").
    expect(first!.items).toBe(5);
    expect(first!.kappa!.value).toBeCloseTo(0.6875, 14);
    expect(first!.kappa!.interval!.low).toBeCloseTo(0.1559652716749801, 12);
    expect(first!.kappa!.interval!.high).toBe(1);
    expect(first!.confusion).toEqual({ labels: ["billing", "shipping", "other"], counts: [[1, 0, 0], [0, 1, 0], [1, 0, 2]], n: 5 });
    expect(first!.agreement.value).toBe(0.8);
    expect(first!.agreement.interval!.low).toBeCloseTo(0.3755346297625252, 12);
    expect(first!.agreement.interval!.high).toBeCloseTo(0.9637758913675698, 12);
    expect(first!.verdict).toEqual({ code: "too-few", text: "too few items to say", detail: "5 item(s) compared; at least 20 are needed." });
    // Always "other": right on 3 of 5, κ 0 (it never tells the labels apart).
    expect(second!.agreement.value).toBe(0.6);
    expect(second!.kappa!.value).toBeCloseTo(0, 14);

    // Both reviewers against the other's answer on the same five items: they agree on every one.
    expect(intent.reviewers.map((r) => [r.reviewer, r.items, r.agreement.value, r.kappa!.value])).toEqual([
      ["Rev One", 5, 1, 1],
      ["Rev Two", 5, 1, 1],
    ]);
    // Kinds without a measure say why; questions with no judge have no judges.
    expect(report.questions.find((q) => q.key === "correction")).toMatchObject({ figure: null, reason: expect.stringMatching(/free text/), judges: [] });
    expect(report.questions.find((q) => q.key === "quality")).toMatchObject({ figure: "mae", judgedItems: 0, judges: [] });
  });

  it("the verdict appears once enough items were judged (minItems is an option)", async () => {
    const f = await makeDatasetProject();
    const v1 = await judgePrompt(f, "Intent judge");
    await judge(f, "gpt-x", v1, ["shipping", "other", "billing", "billing", "shipping", "other"]);
    const intent = (await computeCalibration(db, f.manager.actor, f.projectId, { minItems: 5 })).questions.find((q) => q.key === "intent")!;
    // κ 0.6875 (interval 0.16 to 1) against reviewers whose κ is 1 with no interval: the judge's interval holds their mean.
    expect(intent.judges[0]!.verdict).toMatchObject({ code: "comparable", text: "agrees with people about as well as a reviewer does" });
    expect(intent.judges[0]!.verdict.detail).toBe("Judge κ 0.69 (95% CI 0.16 to 1.00) on 5 item(s); 2 reviewer(s) against the others: mean 1.00, from 1.00 to 1.00.");
  });

  it("managers, engineers and admins may see it; reviewers and researchers may not; engineers see pseudonyms", async () => {
    const f = await makeDatasetProject();
    await judge(f, "gpt-x", await judgePrompt(f, "J"), ["shipping", "other", "other", "billing", "other", "other"]);
    const [engineer, researcher, admin] = [await makeUser(), await makeUser(), await makeUser({ isAdmin: true })];
    await addMember(db, f.manager.actor, f.projectId, { email: engineer.email, role: "engineer" });
    await addMember(db, f.manager.actor, f.projectId, { email: researcher.email, role: "researcher" });
    const seen = await computeCalibration(db, engineer.actor, f.projectId);
    const names = seen.questions.find((q) => q.key === "intent")!.reviewers.map((r) => r.reviewer);
    expect(names).toHaveLength(2);
    for (const name of names) expect(name).toMatch(/^reviewer-[0-9a-f]{10}$/);
    await expect(computeCalibration(db, admin.actor, f.projectId)).resolves.toMatchObject({ projectId: f.projectId });
    await expect(computeCalibration(db, researcher.actor, f.projectId)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(computeCalibration(db, f.reviewers[0]!.actor, f.projectId)).rejects.toBeInstanceOf(ForbiddenError);
  });
});
