import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { db } from "~/db.server";
import { createProject } from "~/modules/projects/create-project.server";
import { rankModels } from "~/modules/stats/bradley-terry";
import { meanInterval, summarize } from "~/modules/stats/mean";
import { markChanges } from "~/modules/stats/monitoring";
import { positionBias } from "~/modules/stats/pairwise";
import { wilsonInterval } from "~/modules/stats/proportion";
import { ForbiddenError, ValidationError } from "~/utils/errors";
import { makeUser } from "~test/factories";
import { HOSTILE, makeInsightProject } from "~test/support/insight-project";
import { computeMetrics } from "./compute-metrics.server";
import { RANKING_MAX_DRAWS, RANKING_RESAMPLES, RANKING_SEED } from "./metrics";
import { metricsQuerySchema } from "./schemas";

const q = (params: Record<string, string> = {}) => metricsQuerySchema.parse(params);

describe("the metrics verb on a hand-checkable project", () => {
  it("per model: items, answers, rating mean with its t interval and distribution, Wilson rates, corrections, edit distance, review time", async () => {
    const f = await makeInsightProject();
    const report = await computeMetrics(db, f.manager.actor, f.projectId, q());
    expect(report.groups.map((g) => [g.group, g.items, g.answers])).toEqual([
      ["alpha", 2, 4],
      ["beta", 2, 4],
    ]);
    expect([report.overall.items, report.overall.answers]).toEqual([4, 8]);
    const [alpha, beta] = report.groups;

    // alpha's ratings 4, 5, 2, 3: mean 3.5, s = √(5/3), t(0.975, 3) = 3.182446 → 3.5 ± 2.054260.
    const rating = alpha!.figures["rating:quality"]!;
    expect(rating.value).toBe(3.5);
    expect(rating.interval!.low).toBeCloseTo(1.44574, 5);
    expect(rating.interval!.high).toBeCloseTo(5.55426, 5);
    // The same as stats/ on the raw values, up to the last bits (PostgreSQL's var_pop adds in its own order).
    const ratingExpected = meanInterval(summarize([4, 5, 2, 3])).interval!;
    expect(rating.interval!.low).toBeCloseTo(ratingExpected.low, 12);
    expect(rating.interval!.high).toBeCloseTo(ratingExpected.high, 12);
    expect(alpha!.distributions.quality).toEqual([2, 3, 4, 5].map((value) => ({ value, count: 1 })));
    expect(beta!.figures["rating:quality"]!.value).toBe(2.5);
    expect(beta!.distributions.quality).toEqual([
      { value: 1, count: 2 },
      { value: 3, count: 1 },
      { value: 5, count: 1 },
    ]);

    // Thumbs up 3 of 4: Wilson (0.300639, 0.954411), as statsmodels proportion_confint(3, 4, method="wilson").
    const up = alpha!.figures["thumbs:ok"]!;
    expect(up.value).toBe(0.75);
    expect(up.interval!.low).toBeCloseTo(0.300639, 5);
    expect(up.interval!.high).toBeCloseTo(0.954411, 5);
    expect(beta!.figures["thumbs:ok"]).toMatchObject({ value: 0.5, n: 4 });
    expect(alpha!.figures["flag:risks:hallucination"]).toMatchObject({ value: 0.5, n: 4 });
    expect(alpha!.figures["flag:risks:toxicity"]).toMatchObject({ value: 0, n: 4, interval: { low: 0 } });
    expect(beta!.figures["flag:risks:toxicity"]).toMatchObject({ value: 0.25, n: 4 });
    expect(alpha!.figures["corrected:fix"]).toMatchObject({ value: 0.5, n: 4 });
    expect(beta!.figures["corrected:fix"]).toMatchObject({ value: 0.25, n: 4 });

    // "The cat sat" → "The cat sat." and "Hello world" → "Hello, world": one edit in twelve each.
    expect(alpha!.figures["edit:fix"]).toMatchObject({ n: 2, interval: null, intervalReason: "All 2 answers are the same, so the spread is zero and a t interval says nothing." });
    expect(alpha!.figures["edit:fix"]!.value).toBeCloseTo(1 / 12, 12);
    // "kitten" → "kitten!": one edit in seven, one answer.
    expect(beta!.figures["edit:fix"]).toMatchObject({ n: 1, interval: null, intervalReason: "One answer has no spread, so the mean has no interval yet." });
    expect(beta!.figures["edit:fix"]!.value).toBeCloseTo(1 / 7, 12);

    // Spans on alpha's 11-character outputs: 1 and 2 from A, none from B → (1000/11 + 2000/11 + 0 + 0) / 4 = 750/11.
    expect(alpha!.figures["spans:marks:error"]).toMatchObject({ n: 4 });
    expect(alpha!.figures["spans:marks:error"]!.value).toBeCloseTo(750 / 11, 10);
    const spansExpected = meanInterval(summarize([1000 / 11, 2000 / 11, 0, 0])).interval!;
    expect(alpha!.figures["spans:marks:error"]!.interval!.low).toBeCloseTo(spansExpected.low, 9);
    expect(alpha!.figures["spans:marks:error"]!.interval!.high).toBeCloseTo(spansExpected.high, 9);
    expect(beta!.figures["spans:marks:error"]).toMatchObject({ value: 0, n: 4, interval: null, intervalReason: "All 4 answers are the same, so the spread is zero and a t interval says nothing." });

    // Review time: 10 s and 20 s for alpha (two answers had none): 15 ± 12.706205 × 5.
    const time = alpha!.figures.time!;
    expect(time).toMatchObject({ value: 15, n: 2 });
    expect(time.interval!.low).toBeCloseTo(15 - 63.531024, 4);
    expect(beta!.figures.time).toMatchObject({ value: 30, n: 1 });
    expect(JSON.stringify(report)).not.toMatch(/NaN|Infinity/);
  });

  it("pairwise: win/tie/loss per pair, a Bradley–Terry leaderboard for three models, position bias overall and per reviewer", async () => {
    const f = await makeInsightProject();
    const report = await computeMetrics(db, f.manager.actor, f.projectId, q());
    const [pick] = report.pairwise;
    expect(pick).toMatchObject({ question: "pick", comparisons: 8, sameModel: 0 });
    // alpha vs beta: alpha won items 0 (A), 1 (B), 2 (A and B); beta item 0 (B); item 1 (A) a tie.
    expect(pick!.headToHead.map((h) => [h.a, h.b, h.n, h.aWins.value, h.ties.value, h.bWins.value])).toEqual([
      ["alpha", "beta", 6, 4 / 6, 1 / 6, 1 / 6],
      ["beta", "gamma", 2, 0.5, 0, 0.5],
    ]);
    expect(pick!.headToHead[0]!.aWins.interval).toEqual(wilsonInterval(4, 6).interval);
    const expected = rankModels(
      [
        { a: "alpha", b: "beta", aWins: 4, bWins: 1, ties: 1 },
        { a: "beta", b: "gamma", aWins: 1, bWins: 1, ties: 0 },
      ],
      { seed: RANKING_SEED, resamples: RANKING_RESAMPLES, maxDraws: RANKING_MAX_DRAWS },
    );
    expect(pick!.leaderboard).toEqual(expected);
    // alpha won 4.5 of 6 against beta, beta 1 of 2 against gamma: alpha leads.
    expect(pick!.leaderboard.value!.models[0]!.model).toBe("alpha");
    // Eight comparisons are too few for the bootstrap: most resamples leave a model without a win.
    expect(pick!.leaderboard.value!.intervalReason).toMatch(/resamples had no ranking/);
    expect(pick!.leaderboard.value!.models.every((m) => m.strengthInterval === null)).toBe(true);
    // Left chosen: A item 0, B items 0 and 2; right: A items 2 and 3, B items 1 and 3; A's item 1 a tie.
    expect(pick!.positionBias.overall).toEqual(positionBias({ left: 3, right: 4, ties: 1 }));
    expect(pick!.positionBias.overall.value).toBeCloseTo(3 / 7, 12);
    expect(pick!.positionBias.perReviewer).toEqual([
      { reviewer: "Rater A", bias: positionBias({ left: 1, right: 2, ties: 1 }) },
      { reviewer: "Rater B", bias: positionBias({ left: 2, right: 2, ties: 0 }) },
    ]);

    // Engineers see pseudonyms, as everywhere else (projects/people.server.ts).
    const seen = await computeMetrics(db, f.engineer.actor, f.projectId, q());
    for (const r of seen.pairwise[0]!.positionBias.perReviewer) expect(r.reviewer).toMatch(/^reviewer-[0-9a-f]{10}$/);
  });

  it("over time: each figure per UTC week with its interval and change marks; a date range keeps only answers submitted in it", async () => {
    const f = await makeInsightProject();
    const report = await computeMetrics(db, f.manager.actor, f.projectId, q({ interval: "week" }));
    const thumbs = report.timeline!.find((s) => s.group === "All" && s.figure === "thumbs:ok")!;
    expect(thumbs.points.map((p) => [p.period, p.figure.value, p.figure.n])).toEqual([
      ["2026-11-02", 0.75, 4],
      ["2026-11-09", 0.5, 4],
    ]);
    expect(thumbs.points.map((p) => p.change)).toEqual(markChanges(thumbs.points.map((p) => ({ period: p.period, estimate: p.figure }))));
    expect(thumbs.points[1]!.change).toEqual({ period: "2026-11-09", change: "none", previous: "2026-11-02" });
    expect(report.timeline!.find((s) => s.group === "alpha" && s.figure === "rating:quality")!.points.map((p) => p.period)).toEqual(["2026-11-02"]);

    // 23:30 UTC on the 9th is the 9th, whatever the server's zone.
    const days = await computeMetrics(db, f.manager.actor, f.projectId, q({ interval: "day", from: "2026-11-09", to: "2026-11-09" }));
    expect(days.groups.map((g) => [g.group, g.answers])).toEqual([["beta", 4]]);
    expect(days.timeline!.find((s) => s.group === "All" && s.figure === "answers")).toBeUndefined();
    expect(days.timeline!.find((s) => s.group === "All" && s.figure === "thumbs:ok")!.points.map((p) => p.period)).toEqual(["2026-11-09"]);
    const none = await computeMetrics(db, f.manager.actor, f.projectId, q({ from: "2026-11-03", to: "2026-11-08" }));
    expect(none.groups).toEqual([]);
  });

  it("segments: gap and ratio to the best, the minimum-count guard, hostile values kept as data", async () => {
    const f = await makeInsightProject();
    const guarded = await computeMetrics(db, f.manager.actor, f.projectId, q({ segment: "metadata.lang" }));
    expect(guarded.segments!.summary).toEqual([
      { segment: HOSTILE, items: 1, answers: 2 },
      { segment: "en", items: 2, answers: 4 },
      { segment: "fr", items: 1, answers: 2 },
    ]);
    const thumbsGuarded = guarded.segments!.figures.find((s) => s.figure === "thumbs:ok")!;
    expect(thumbsGuarded.rows.map((r) => [r.segment, r.status])).toEqual([
      [HOSTILE, "too-few"],
      ["en", "too-few"],
      ["fr", "too-few"],
    ]);
    expect(thumbsGuarded.rows[1]).toMatchObject({ reason: "Too few answers to say (4; at least 30 needed)." });

    const report = await computeMetrics(db, f.manager.actor, f.projectId, q({ segment: "metadata.lang", minCount: "2" }));
    const thumbs = report.segments!.figures.find((s) => s.figure === "thumbs:ok")!;
    // up: HOSTILE 2/2, en 2/4, fr 1/2; the best is 1.
    expect(thumbs.rows.map((r) => (r.status === "compared" ? [r.segment, r.value, r.gap, r.ratio, r.best, r.separated] : [r.segment, r.status]))).toEqual([
      [HOSTILE, 1, 0, 1, true, false],
      ["en", 0.5, -0.5, 0.5, false, false],
      ["fr", 0.5, -0.5, 0.5, false, false],
    ]);
    // Flags: lower is better, so the best toxicity rate is 0.
    const tox = report.segments!.figures.find((s) => s.figure === "flag:risks:toxicity")!;
    expect(tox.rows.map((r) => (r.status === "compared" ? [r.segment, r.value, r.best] : [r.segment, r.status]))).toEqual([
      [HOSTILE, 0, true],
      ["en", 0.25, false],
      ["fr", 0, true],
    ]);
    // fr has no review time: undefined, with the reason.
    expect(report.segments!.figures.find((s) => s.figure === "time")!.rows.find((r) => r.segment === "fr")).toMatchObject({ status: "too-few" });
  });

  it("group by a metadata field, by import, and the dataset filter", async () => {
    const f = await makeInsightProject();
    const byLang = await computeMetrics(db, f.manager.actor, f.projectId, q({ groupBy: "metadata.lang" }));
    expect(byLang.groups.map((g) => [g.group, g.answers])).toEqual([
      [HOSTILE, 2],
      ["en", 4],
      ["fr", 2],
    ]);
    const byImport = await computeMetrics(db, f.manager.actor, f.projectId, q({ groupBy: "import" }));
    expect(byImport.groups.map((g) => [g.group, g.answers])).toEqual([["api", 8]]);
    expect(byImport.notes.join(" ")).toMatch(/do not record which import/);
    const byVersion = await computeMetrics(db, f.manager.actor, f.projectId, q({ groupBy: "promptVersion" }));
    expect(byVersion.groups.map((g) => g.group)).toEqual(["(not set)"]);
    // An output an LLM run generated carries its prompt version as {id, name, version}; an import may carry a label.
    await db.execute(sql`update items set outputs = jsonb_set(outputs, '{0,promptVersion}', ${JSON.stringify({ id: randomUUID(), name: "support-answer", version: 2 })}::jsonb) where id = ${f.itemIds[0]!}`);
    await db.execute(sql`update items set outputs = jsonb_set(outputs, '{0,promptVersion}', '"v1-imported"'::jsonb) where id = ${f.itemIds[1]!}`);
    const versions = await computeMetrics(db, f.manager.actor, f.projectId, q({ groupBy: "promptVersion" }));
    expect(versions.groups.map((g) => [g.group, g.answers])).toEqual([
      ["(not set)", 4],
      ["support-answer v2", 2],
      ["v1-imported", 2],
    ]);
    const gamma = await computeMetrics(db, f.manager.actor, f.projectId, q({ filter: JSON.stringify({ models: ["gamma"] }) }));
    expect(gamma.groups.map((g) => [g.group, g.items, g.answers])).toEqual([["beta", 1, 2]]);
    await expect(computeMetrics(db, f.manager.actor, f.projectId, q({ filter: JSON.stringify({ ratings: [{ question: "nope", min: 1 }] }) }))).rejects.toThrow(ValidationError);
    await expect(computeMetrics(db, f.manager.actor, f.projectId, q({ filter: "{" }))).rejects.toThrow("filter: expected JSON.");
  });

  it("undefined figures say why: a project without answers", async () => {
    const manager = await makeUser();
    const p = await createProject(db, manager.actor, { name: `Empty ${randomUUID().slice(0, 8)}` });
    const report = await computeMetrics(db, manager.actor, p.id, q({ interval: "day", segment: "metadata.lang" }));
    expect(report.groups).toEqual([]);
    expect(report.overall.answers).toBe(0);
    expect(report.overall.figures.time).toEqual({ value: null, reason: "No answers yet, so there is no mean.", interval: null, intervalReason: null, n: 0 });
    expect(report.timeline).toEqual([]);
    expect(report.segments!.summary).toEqual([]);
  });

  it("managers, engineers and researchers may see the figures; reviewers and outsiders may not", async () => {
    const f = await makeInsightProject();
    for (const who of [f.engineer, f.researcher]) expect((await computeMetrics(db, who.actor, f.projectId, q())).overall.answers).toBe(8);
    await expect(computeMetrics(db, f.reviewers[0]!.actor, f.projectId, q())).rejects.toThrow(ForbiddenError);
    const outsider = await makeUser();
    await expect(computeMetrics(db, outsider.actor, f.projectId, q())).rejects.toThrow("No such project.");
  });
});
