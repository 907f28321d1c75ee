import { describe, expect, it } from "vitest";
import { wilsonInterval } from "~/modules/stats/proportion";
import { distillationVerdict, monthlyCosts, type VerdictInput } from "./readiness";

describe("monthlyCosts", () => {
  it("prices each policy at the monthly volume and its saving against all-LLM", () => {
    // 1,000 items: LLM $0.002 each = $2; classifier free; hybrid 60% classifier, 30% LLM, 15% people at $0.05:
    // 1000 × (0.3 × 0.002 + 0.15 × 0.05) = 1000 × 0.0081 = $8.10, saving 2 − 8.10 = −6.10.
    const rows = monthlyCosts(1000, { llm: 0.002, classifier: 0, people: 0.05 }, { classifier: 0.6, llm: 0.3, people: 0.15 });
    expect(rows.map((r) => r.policy)).toEqual(["all-llm", "all-classifier", "hybrid"]);
    expect(rows[0]).toMatchObject({ savingUsd: 0, reason: null });
    expect(rows[0]!.monthlyUsd).toBeCloseTo(2, 10);
    expect(rows[1]).toMatchObject({ monthlyUsd: 0, reason: null });
    expect(rows[1]!.savingUsd).toBeCloseTo(2, 10);
    expect(rows[2]!.monthlyUsd).toBeCloseTo(8.1, 10);
    expect(rows[2]!.savingUsd).toBeCloseTo(-6.1, 10);
  });

  it("says which cost is missing instead of guessing", () => {
    const noRate = monthlyCosts(500, { llm: 0.01, classifier: 0, people: null }, { classifier: 0.5, llm: 0.4, people: 0.1 });
    expect(noRate[2]).toEqual({ policy: "hybrid", monthlyUsd: null, savingUsd: null, reason: "Unknown: people's cost needs an hourly rate." });
    const noLlm = monthlyCosts(500, { llm: null, classifier: 0, people: 0.1 }, null);
    expect(noLlm[0]).toMatchObject({ monthlyUsd: null, reason: "Unknown: the LLM judge has no recorded cost per item." });
    expect(noLlm[1]).toMatchObject({ monthlyUsd: 0, savingUsd: null, reason: "Saving unknown: the LLM judge has no recorded cost per item." });
    expect(noLlm[2]!.reason).toMatch(/No routing policy/);
    // A hybrid that never asks people needs no hourly rate.
    expect(monthlyCosts(100, { llm: 0.01, classifier: 0, people: null }, { classifier: 0.9, llm: 0.1, people: 0 })[2]!.monthlyUsd).toBeCloseTo(0.1, 10);
    // The policy's own LLM, when its cost is known, prices the hybrid's calls: 100 × 0.1 × $0.05 = $0.50.
    expect(monthlyCosts(100, { llm: 0.01, classifier: 0, people: null }, { classifier: 0.9, llm: 0.1, people: 0, llmUsdPerItem: 0.05 })[2]!.monthlyUsd).toBeCloseTo(0.5, 10);
  });
});

describe("distillationVerdict", () => {
  // LLM judge: 90 of 100 agree → 90%, Wilson 95% CI 82.6%–94.5%.
  const llm = { agreement: wilsonInterval(90, 100), costPerItem: 0.002 };
  const base: VerdictInput = { llm, classifier: { accuracy: wilsonInterval(88, 100), costPerItem: 0 }, moreLabels: null, hybrid: null };

  it("switch: the classifier within the LLM's CI and cheaper", () => {
    expect(llm.agreement.interval!.low).toBeCloseTo(0.8256, 3);
    expect(distillationVerdict(base)).toMatchObject({ code: "switch", text: "switch to the classifier" });
  });

  it("not switch when the LLM is no dearer (a free local model)", () => {
    expect(distillationVerdict({ ...base, llm: { ...llm, costPerItem: 0 } })).toMatchObject({ code: "keep-llm", detail: "The LLM judge costs no more per item than the classifier." });
  });

  it("hybrid: the classifier alone falls short but the policy's machine labels are as good and cheaper", () => {
    const input = { ...base, classifier: { accuracy: wilsonInterval(75, 100), costPerItem: 0 }, hybrid: { accuracy: wilsonInterval(180, 200), savingUsd: 12.5 }, moreLabels: 400 };
    expect(distillationVerdict(input)).toMatchObject({ code: "hybrid" });
    expect(distillationVerdict({ ...input, hybrid: { ...input.hybrid, savingUsd: -1 } })).toMatchObject({ code: "label-more", text: "label 400 more" });
  });

  it("label N more, or keep the LLM when the curve does not get there", () => {
    const short = { ...base, classifier: { accuracy: wilsonInterval(70, 100), costPerItem: 0 } };
    expect(distillationVerdict({ ...short, moreLabels: 1234 })).toMatchObject({ code: "label-more", text: "label 1,234 more" });
    expect(distillationVerdict(short)).toMatchObject({ code: "keep-llm", text: "keep the LLM" });
    expect(distillationVerdict({ ...short, moreLabels: 0 })).toMatchObject({ code: "keep-llm", detail: expect.stringMatching(/should suffice: retrain/) });
  });

  it("unknown without a judge figure or a model", () => {
    expect(distillationVerdict({ ...base, llm: null })).toMatchObject({ code: "unknown", detail: expect.stringMatching(/No LLM judge/) });
    expect(distillationVerdict({ ...base, classifier: null })).toMatchObject({ code: "unknown", detail: expect.stringMatching(/No classifier model is ready/) });
    expect(distillationVerdict({ ...base, llm: { agreement: wilsonInterval(0, 0), costPerItem: null } })).toMatchObject({ code: "unknown" });
  });
});
