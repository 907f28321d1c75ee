import { describe, expect, it } from "vitest";
import { db } from "~/db.server";
import { codeComment, makeResearchProject } from "~test/support/research-insight-project";
import { computeSampleAgreement, sampleDisagreements } from "./agreement.server";
import { createCodingSample, getCodingSample, listCodingSamples, seededDraw } from "./samples.server";

const comments = Array.from({ length: 12 }, (_, i) => ({
  comment: `Comment ${i + 1}`,
  source: i < 10 ? ("end_user" as const) : ("reviewer" as const),
  occurredAt: new Date(Date.UTC(2026, 10, 1 + i)),
}));

describe("seededDraw", () => {
  it("is a reproducible partial shuffle: same seed, same draw; another seed, another draw", () => {
    const ids = Array.from({ length: 100 }, (_, i) => i);
    const a = seededDraw(ids, 10, 42);
    expect(seededDraw(ids, 10, 42)).toEqual(a);
    expect(new Set(a).size).toBe(10);
    expect(seededDraw(ids, 10, 43)).not.toEqual(a);
    expect(seededDraw(ids, 200, 1).sort((x, y) => x - y)).toEqual(ids);
  });
});

describe("createCodingSample", () => {
  it("draws N comments from the filter with a seed (reproducible) for two coders, and lists each coder's progress", async () => {
    const f = await makeResearchProject(comments);
    const input = { name: "Pilot", size: 4, seed: 7, coderIds: [f.ann.id, f.ben.id], filter: { source: "end_user" as const, from: "2026-11-02", uncodedOnly: false } };
    const first = await createCodingSample(db, f.ann.actor, f.projectId, input);
    const second = await createCodingSample(db, f.manager.actor, f.projectId, { ...input, name: "Again" });
    expect(first).toMatchObject({ size: 4, seed: 7, candidates: 9 });
    const items = async (id: string) => (await db.query.codingSampleItems.findMany({ where: (t, { eq }) => eq(t.sampleId, id), orderBy: (t, { asc }) => asc(t.position) })).map((r) => r.feedbackId);
    const drawn = await items(first.id);
    expect(await items(second.id)).toEqual(drawn);
    // Only end-user comments from 2 November on: ids 2–10 of the 12.
    for (const id of drawn) expect(f.feedbackIds.slice(1, 10)).toContain(id);

    await codeComment(f.projectId, f.ann.id, drawn[0]!, [f.themes.slow]);
    await codeComment(f.projectId, f.ann.id, drawn[1]!, []);
    await codeComment(f.projectId, f.ben.id, drawn[0]!, []);
    const listed = await listCodingSamples(db, f.engineer.actor, f.projectId);
    const pilot = listed.find((s) => s.id === first.id)!;
    expect(pilot).toMatchObject({ name: "Pilot", size: 4, codedByTwoOrMore: 1 });
    expect(pilot.coders.map((c) => [c.name, c.coded])).toEqual([
      ["Ann Coder", 2],
      ["Ben Coder", 1],
    ]);
  });

  it("refuses reviewers and engineers, coders who may not code, one coder, and a filter with too few comments", async () => {
    const f = await makeResearchProject(comments);
    const ok = { name: "S", size: 2, coderIds: [f.ann.id, f.ben.id] };
    await expect(createCodingSample(db, f.engineer.actor, f.projectId, ok)).rejects.toThrow("Only managers and researchers can code feedback into themes");
    await expect(createCodingSample(db, f.reviewer.actor, f.projectId, ok)).rejects.toThrow("Only managers and researchers can code feedback into themes");
    await expect(createCodingSample(db, f.ann.actor, f.projectId, { ...ok, coderIds: [f.ann.id, f.engineer.id] })).rejects.toThrow("cannot code in this project");
    await expect(createCodingSample(db, f.ann.actor, f.projectId, { ...ok, coderIds: [f.ann.id, f.ann.id] })).rejects.toThrow("two or more different coders");
    await expect(createCodingSample(db, f.ann.actor, f.projectId, { ...ok, size: 5, filter: { source: "reviewer" } })).rejects.toThrow("Only 2 comment(s) match the filter");
    const other = await makeResearchProject();
    await expect(getCodingSample(db, other.manager.actor, (await createCodingSample(db, f.ann.actor, f.projectId, ok)).id)).rejects.toThrow("No such project");
  });
});

describe("computeSampleAgreement", () => {
  it("counts only comments two coders finished, per theme, and lists the disagreements", async () => {
    const f = await makeResearchProject(comments);
    const sample = await createCodingSample(db, f.manager.actor, f.projectId, { name: "S", size: 6, seed: 1, coderIds: [f.ann.id, f.ben.id] });
    const drawn = (await db.query.codingSampleItems.findMany({ where: (t, { eq }) => eq(t.sampleId, sample.id), orderBy: (t, { asc }) => asc(t.position) })).map((r) => r.feedbackId);
    // Slow: Ann yes on 0,1,2; Ben yes on 0,1,3. Wrong answer: nobody. Comment 4 only Ann finished.
    const plan: [number, string[], string[]][] = [
      [0, [f.themes.slow], [f.themes.slow]],
      [1, [f.themes.slow], [f.themes.slow, f.themes.tone]],
      [2, [f.themes.slow], []],
      [3, [], [f.themes.slow]],
      [5, [], []],
    ];
    for (const [i, a, b] of plan) {
      await codeComment(f.projectId, f.ann.id, drawn[i]!, a);
      await codeComment(f.projectId, f.ben.id, drawn[i]!, b);
    }
    await codeComment(f.projectId, f.ann.id, drawn[4]!, [f.themes.slow]);
    // A coding by someone outside the sample does not count.
    await codeComment(f.projectId, f.manager.id, drawn[5]!, [f.themes.wrong]);

    const { agreement } = await computeSampleAgreement(db, f.engineer.actor, sample.id);
    expect(agreement.units).toBe(5);
    const slow = agreement.themes.find((t) => t.name === "Slow")!;
    // 2×2 table: both yes 2, Ann only 1, Ben only 1, neither 1 → po = .6, pe = .6·.6 + .4·.4 = .52, κ = .08/.48.
    expect(slow.cohensKappa.value).toBeCloseTo(0.08 / 0.48, 12);
    expect(slow.percentAgreement.value).toBeCloseTo(0.6, 12);
    expect(slow.disagreements).toEqual([drawn[2], drawn[3]]);
    expect(agreement.themes.find((t) => t.name === "Wrong answer")!.alpha.reason).toContain("No coder used this theme");
    expect(agreement.themes.map((t) => t.name)).toEqual(["Slow", "Wrong answer", "Wrong answer › Tone"]);

    const rows = await sampleDisagreements(db, f.ann.actor, sample.id, f.themes.slow);
    expect(rows.map((r) => [r.feedbackId, r.yes, r.no])).toEqual([
      [drawn[2], ["Ann Coder"], ["Ben Coder"]],
      [drawn[3], ["Ben Coder"], ["Ann Coder"]],
    ]);
    await expect(computeSampleAgreement(db, f.reviewer.actor, sample.id)).rejects.toThrow("Only managers, researchers and engineers can read feedback");
  });
});
