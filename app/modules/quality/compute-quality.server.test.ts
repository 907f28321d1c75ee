import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { db } from "~/db.server";
import { addItems } from "~/modules/items/add-items.server";
import { addMember } from "~/modules/projects/add-member.server";
import { createProject } from "~/modules/projects/create-project.server";
import { updateProjectSettings } from "~/modules/projects/update-settings.server";
import { submitAnnotation } from "~/modules/review/submit-annotation.server";
import { saveTemplate } from "~/modules/templates/save-template.server";
import { ForbiddenError } from "~/utils/errors";
import { makeUser } from "~test/factories";
import { cohensKappa } from "./agreement";
import { computeQuality } from "./compute-quality.server";

const QUESTIONS = [
  { key: "ok", kind: "thumbs", text: "OK?" },
  { key: "quality", kind: "rating", text: "How good?", min: 1, max: 5 },
  { key: "topics", kind: "choice", text: "Topics", multiple: true, options: [{ value: "refund" }, { value: "delay" }] },
  { key: "marks", kind: "spans", text: "Mark problems", labels: ["hallucination"] },
  { key: "note", kind: "text", text: "Note" },
];

async function qualityProject(answers: Record<string, unknown>[][], reviewerCount: number, questions: Record<string, unknown>[] = QUESTIONS) {
  const manager = await makeUser({ name: "Quinn Manager" });
  const engineer = await makeUser({ name: "Eve Engineer" });
  const p = await createProject(db, manager.actor, { name: `Quality ${randomUUID().slice(0, 8)}` });
  await saveTemplate(db, manager.actor, p.id, { questions } as Parameters<typeof saveTemplate>[3]);
  await updateProjectSettings(db, manager.actor, p.id, { overlap: reviewerCount });
  await addMember(db, manager.actor, p.id, { email: engineer.email, role: "engineer" });
  const reviewers = [];
  for (let i = 0; i < reviewerCount; i++) {
    const r = await makeUser({ name: `Rater ${String.fromCharCode(65 + i)}` });
    await addMember(db, manager.actor, p.id, { email: r.email, role: "reviewer" });
    reviewers.push(r);
  }
  const { ids } = await addItems(db, manager.actor, p.id, answers.map((_, i) => ({ input: `Prompt ${i}`, outputs: [{ text: `Output ${i}` }, { text: `Other output ${i}` }] })));
  for (const [i, perReviewer] of answers.entries()) {
    for (const [r, values] of perReviewer.entries()) {
      if (values) await submitAnnotation(db, reviewers[r]!.actor, { itemId: ids[i]!, values, idempotencyKey: randomUUID() });
    }
  }
  return { manager, engineer, reviewers, projectId: p.id };
}

describe("the quality report", () => {
  it("two reviewers: Cohen's κ from their table, α and per-reviewer agreement, by name for managers and by pseudonym for engineers", async () => {
    // ok: A/B = up/up, up/down, down/down, up/up → the contingency table below.
    const f = await qualityProject(
      [
        [{ ok: "up", quality: 5, topics: ["refund"] }, { ok: "up", quality: 4, topics: ["refund"] }],
        [{ ok: "up", quality: 4, topics: ["delay"] }, { ok: "down", quality: 2, topics: [] }],
        [{ ok: "down", quality: 1 }, { ok: "down", quality: 1 }],
        [{ ok: "up", quality: 5 }, { ok: "up", quality: 5 }],
      ],
      2,
    );
    const report = await computeQuality(db, f.manager.actor, f.projectId);
    expect(report.questions.map((q) => q.key)).toEqual(["ok", "quality", "topics", "marks"]);
    const ok = report.questions[0]!;
    expect(ok).toMatchObject({ kind: "thumbs", items: 4, annotations: 8, reviewers: 2, resolved: 3, unresolved: 1 });
    const expected = cohensKappa([
      { a: "up", b: "up", n: 2 },
      { a: "up", b: "down", n: 1 },
      { a: "down", b: "down", n: 1 },
    ]);
    expect(ok.metrics.cohensKappa.value).toBeCloseTo(expected.value!, 10);
    expect(ok.metrics.cohensKappa.value).toBeCloseTo(0.5, 10);
    expect(ok.metrics.percentAgreement.value).toBeCloseTo(0.75, 10);
    expect(ok.metrics.alphaInterval).toEqual({ value: null, reason: "The answers are categories without an order or a distance." });
    // Item 2's thumbs are a split, so only three items have a consensus; each reviewer agrees on all three.
    expect(ok.perReviewer).toEqual([
      { reviewer: "Rater A", items: 3, agreed: 3, agreement: 1 },
      { reviewer: "Rater B", items: 3, agreed: 3, agreement: 1 },
    ]);

    const quality = report.questions[1]!;
    expect(quality.metrics.alphaInterval.value).not.toBeNull();
    expect(quality.metrics.alphaOrdinal.value).not.toBeNull();
    // Rater B's 2 is 1 point from the mean 3: disagrees; 4 vs mean 4.5 is within half a point.
    expect(quality.perReviewer).toEqual([
      { reviewer: "Rater A", items: 4, agreed: 3, agreement: 0.75 },
      { reviewer: "Rater B", items: 4, agreed: 3, agreement: 0.75 },
    ]);

    const topics = report.questions[2]!;
    expect(topics.metrics.alphaNominal.value).toBeNull();
    expect(topics.options!.map((o) => o.option)).toEqual(["refund", "delay"]);
    // "refund": both chose it on item 1, neither on item 2 → perfect agreement, κ = 1.
    expect(topics.options![0]!.metrics.cohensKappa.value).toBe(1);
    expect(topics.options![1]!.metrics.percentAgreement.value).toBe(0.5);

    expect(report.questions[3]!.metrics.percentAgreement).toMatchObject({ value: null, reason: expect.stringContaining("Spans") });

    const seenByEngineer = await computeQuality(db, f.engineer.actor, f.projectId);
    const names = seenByEngineer.questions[0]!.perReviewer!.map((r) => r.reviewer);
    expect(names).toHaveLength(2);
    for (const name of names) expect(name).toMatch(/^reviewer-[0-9a-f]{10}$/);
  });

  it("corrections agree when they differ only in line endings and surrounding space; pairwise answers agree on the winner, whatever order was shown", async () => {
    const f = await qualityProject(
      [
        [
          { fix: { text: "Fixed line one\nline two" }, pick: { winner: 0, shown: [0, 1] } },
          { fix: { text: "  Fixed line one\r\nline two\n" }, pick: { winner: 0, shown: [1, 0] } },
          { fix: { text: "Fixed line one\nline two \n" }, pick: { winner: 1, shown: [0, 1] } },
        ],
      ],
      3,
      [
        { key: "fix", kind: "correction", text: "Correct it" },
        { key: "pick", kind: "pairwise", text: "Which is better?" },
      ],
    );
    const report = await computeQuality(db, f.manager.actor, f.projectId);
    expect(report.questions.map((q) => [q.key, q.resolved])).toEqual([
      ["fix", 1],
      ["pick", 1],
    ]);
    const [fix, pick] = report.questions;
    // Every correction is the same text once line endings and outer white space are set aside.
    expect(fix!.perReviewer!.map((r) => r.agreed)).toEqual([1, 1, 1]);
    expect(fix!.metrics.percentAgreement.value).toBe(1);
    expect(pick!.perReviewer).toEqual([
      { reviewer: "Rater A", items: 1, agreed: 1, agreement: 1 },
      { reviewer: "Rater B", items: 1, agreed: 1, agreement: 1 },
      { reviewer: "Rater C", items: 1, agreed: 0, agreement: 0 },
    ]);
    // Two of three answers name one winner: one agreeing pair out of three.
    expect(pick!.metrics.percentAgreement.value).toBeCloseTo(1 / 3, 10);
  });

  it("undefined cases: Cohen's κ with three reviewers, everything with one answer per item or none", async () => {
    const three = await qualityProject([[{ ok: "up" }, { ok: "up" }, { ok: "down" }], [{ ok: "down" }, { ok: "down" }, { ok: "down" }]], 3);
    const ok = (await computeQuality(db, three.manager.actor, three.projectId)).questions[0]!;
    expect(ok.metrics.cohensKappa).toEqual({
      value: null,
      reason: "Cohen's κ is defined for exactly two reviewers; 3 answered this question (see Fleiss' κ and Krippendorff's α).",
    });
    expect(ok.metrics.fleissKappa.value).not.toBeNull();
    expect(ok.metrics.fleissKappa.basis).toBe("2 item(s) with 3 answers each");

    const single = await qualityProject([[{ ok: "up" }], [{ ok: "down" }]], 1);
    const report = await computeQuality(db, single.manager.actor, single.projectId);
    expect(report.questions[0]!.metrics.alphaNominal).toEqual({ value: null, reason: "No item has two or more answers yet." });
    expect(report.questions[1]!).toMatchObject({ key: "quality", items: 0, annotations: 0, metrics: { percentAgreement: { value: null, reason: "No answers yet." } } });
  });

  it("refuses reviewers", async () => {
    const f = await qualityProject([[{ ok: "up" }]], 1);
    await expect(computeQuality(db, f.reviewers[0]!.actor, f.projectId)).rejects.toThrow(ForbiddenError);
  });

  it("fifty raters per item (overlap 50): Fleiss' κ and percent agreement match statsmodels", async () => {
    // why: surveys and agreement studies use 20–50 raters; the figures must hold at that size.
    // Reference: statsmodels 0.13.5, fleiss_kappa(aggregate_raters(data)[0]) on this same matrix
    // (item i, rater r: "up" when (7r + 13i) mod 10 < [9, 7, 5, 3, 8, 2][i]).
    const thresholds = [9, 7, 5, 3, 8, 2];
    const answers = thresholds.map((t, i) => Array.from({ length: 50 }, (_, r) => ({ ok: (r * 7 + i * 13) % 10 < t ? "up" : "down" })));
    const f = await qualityProject(answers, 50);
    const report = await computeQuality(db, f.manager.actor, f.projectId);
    const ok = report.questions.find((q) => q.key === "ok")!;
    expect(ok).toMatchObject({ items: 6, annotations: 300, reviewers: 50 });
    expect(ok.metrics.fleissKappa.value).toBeCloseTo(0.25200849570597483, 10);
    expect(ok.metrics.percentAgreement.value).toBeCloseTo(0.6326530612244898, 10);
    expect(ok.perReviewer).toHaveLength(50);
  }, 120_000);
});
