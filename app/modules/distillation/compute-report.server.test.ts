import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { classifierModels } from "~db/schema";
import { db } from "~/db.server";
import { saveClassifierSettings } from "~/modules/classifier/settings.server";
import { saveRoutingPolicy } from "~/modules/routing/routing.server";
import { makeDistillationProject } from "~test/support/distillation-project";
import { computeDistillationReport } from "./compute-report.server";

describe("computeDistillationReport", () => {
  it("sets the judge, the classifier and the reviewers against people with costs, labels needed, savings and the verdict", async () => {
    const f = await makeDistillationProject({ hourlyUsd: 36 });
    const report = await computeDistillationReport(db, f.manager.actor, f.projectId);
    expect(report.question).toEqual({ key: "intent", title: "Intent" });
    const [llm, classifier, people] = report.routes;
    // Reference (scipy norm.ppf(0.975), Wilson by hand): 21/24 → 0.689961–0.956557; 30/50 → 0.461814–0.723916; 48/48 → 0.925900–1.
    expect(llm).toMatchObject({ route: "llm", name: "gpt-x · Intent judge v1", n: 24, agreement: { value: 0.875 } });
    expect(llm!.agreement.interval!.low).toBeCloseTo(0.6899611873, 8);
    expect(llm!.agreement.interval!.high).toBeCloseTo(0.9565566592, 8);
    // Mean over the three done run items (the failed one left out): $0.002 and 300 ms.
    expect(llm!.costPerItemUsd).toBeCloseTo(0.002, 12);
    expect(llm!.latencyPerItemMs).toBeCloseTo(300, 9);
    expect(classifier).toMatchObject({ route: "classifier", name: "classifier v1", n: 50, agreement: { value: 0.6 }, costPerItemUsd: 0, latencyPerItemMs: 0.5 });
    expect(classifier!.agreement.interval!.low).toBeCloseTo(0.4618143775, 8);
    // Both reviewers, each against the other on 24 items: 48 of 48.
    expect(people).toMatchObject({ route: "people", name: "reviewers", n: 48, agreement: { value: 1 } });
    expect(people!.agreement.interval!.low).toBeCloseTo(0.9258998703, 8);
    // Median of 1000·(i+1)+r over i < 24, r < 2: (12001 + 13000) / 2 = 12500.5 ms; 2 reviews an item at $36/h → $0.25001.
    expect(people!.latencyPerItemMs).toBe(12500.5);
    expect(people!.costPerItemUsd).toBeCloseTo(0.25001, 10);

    // acc(n) = 0.95 − 2/√n reaches 0.875 at (2 / 0.075)² = 711.1 → 712 training labels; ×250/200 held out → 890 labels; 24 there are.
    expect(report.labelsNeeded).toMatchObject({ target: 0.875, currentLabels: 24, labelsAtTarget: 890, moreLabels: 866 });
    expect(report.labelsNeeded.fit!.a).toBeCloseTo(0.95, 6);
    expect(report.monthlyItems).toBe(24);
    expect(report.savings[0]!.monthlyUsd).toBeCloseTo(0.048, 12);
    expect(report.savings[1]).toMatchObject({ policy: "all-classifier", monthlyUsd: 0 });
    expect(report.savings[1]!.savingUsd).toBeCloseTo(0.048, 12);
    expect(report.savings[2]).toMatchObject({ policy: "hybrid", monthlyUsd: null, reason: expect.stringMatching(/No routing policy/) });
    expect(report.verdict).toMatchObject({ code: "label-more", text: "label 866 more" });
  });

  it("says people's cost is unknown without an hourly rate, and a save without the rate keeps it", async () => {
    const f = await makeDistillationProject();
    const people = (await computeDistillationReport(db, f.manager.actor, f.projectId)).routes.find((r) => r.route === "people")!;
    expect(people).toMatchObject({ costPerItemUsd: null, note: expect.stringMatching(/cost unknown: set an hourly rate/) });
    await saveClassifierSettings(db, f.manager.actor, f.projectId, { questionKey: "intent", reviewerHourlyUsd: 30 });
    await saveClassifierSettings(db, f.manager.actor, f.projectId, { questionKey: "intent", retrainEvery: 50 });
    expect((await computeDistillationReport(db, f.manager.actor, f.projectId)).reviewerHourlyUsd).toBe(30);
    await expect(saveClassifierSettings(db, f.manager.actor, f.projectId, { questionKey: "intent", reviewerHourlyUsd: -1 })).rejects.toMatchObject({ issues: [{ field: "reviewerHourlyUsd", message: "At least 0." }] });
  });

  it("prices the routing policy from its replay on held-out items, and says hybrid when its machine labels are as good and cheaper", async () => {
    // At $0.036 an hour people cost 12500.5 / 3.6e6 × 0.036 × 2 = $0.00025001 an item.
    const f = await makeDistillationProject({ hourlyUsd: 0.036 });
    await saveRoutingPolicy(db, f.manager.actor, f.projectId, { high: 0.9, low: 0.5, spotCheck: 0, llm: null });
    // Ten held-out items: six the model is sure of (and right about), four it is not (to people).
    const holdout = f.itemIds.slice(0, 10).map((id, i): [number, string, string, number, string | null, number | null] =>
      i < 6 ? [id, "billing", "billing", 0.95, "other", 0.03] : [id, "billing", "shipping", 0.4, "billing", 0.35],
    );
    await db.update(classifierModels).set({ holdout }).where(eq(classifierModels.projectId, f.projectId));
    const report = await computeDistillationReport(db, f.manager.actor, f.projectId);
    expect(report.hybrid).toMatchObject({ classifier: 0.6, llm: 0, people: 0.4, items: 10, accuracy: { value: 1 } });
    // 24 items × 0.4 × $0.00025001 = $0.002400096; all-LLM $0.048 → saving $0.045599904.
    expect(report.savings[2]!.monthlyUsd).toBeCloseTo(0.002400096, 12);
    expect(report.savings[2]!.savingUsd).toBeCloseTo(0.045599904, 12);
    expect(report.verdict).toMatchObject({ code: "hybrid", text: "run the hybrid policy" });
  });
});
