import { describe, expect, it } from "vitest";
import { codings, feedbackCoded } from "~db/schema";
import { db } from "~/db.server";
import { makeResearchProject, type CommentRow } from "~test/support/research-insight-project";
import { isSafeSvg } from "~/modules/insight/charts.server";
import { trendCharts } from "./trends-charts.server";
import { computeThemeTrends } from "./trends.server";

const week1 = new Date("2026-11-03T10:00:00Z");
const week2 = new Date("2026-11-10T10:00:00Z");
const stars = [5, 4, 4, 3, 5, 2, 5, 4];

/**
 * alpha: 40 coded comments in the week of 2 Nov, 10 of them Slow, 30 thumbs up and 10 down;
 * beta: 35 in the week of 9 Nov, 21 Slow, 8 star ratings; gamma: 5 in that week, 1 Slow;
 * and 3 comments nobody coded.
 */
async function project() {
  const rows: (CommentRow & { slow: boolean; coded: boolean })[] = [
    ...Array.from({ length: 40 }, (_, i) => ({ comment: `a${i}`, model: "alpha", segment: "free", occurredAt: week1, scoreKind: "thumbs" as const, score: i < 30 ? 1 : 0, slow: i < 10, coded: true })),
    ...Array.from({ length: 35 }, (_, i) => ({ comment: `b${i}`, model: "beta", segment: "pro", occurredAt: week2, ...(i < 8 ? { scoreKind: "stars" as const, score: stars[i]! } : {}), slow: i < 21, coded: true })),
    ...Array.from({ length: 5 }, (_, i) => ({ comment: `g${i}`, model: "gamma", occurredAt: week2, slow: i < 1, coded: true })),
    ...Array.from({ length: 3 }, (_, i) => ({ comment: `u${i}`, model: "alpha", occurredAt: week2, slow: false, coded: false })),
  ];
  const f = await makeResearchProject(rows.map(({ slow: _slow, coded: _coded, ...r }) => r));
  const coded = f.feedbackIds.filter((_, i) => rows[i]!.coded);
  const slow = f.feedbackIds.filter((_, i) => rows[i]!.slow);
  await db.insert(feedbackCoded).values(coded.map((feedbackId) => ({ feedbackId, coderId: f.ann.id, projectId: f.projectId })));
  await db.insert(codings).values(slow.map((feedbackId) => ({ feedbackId, coderId: f.ann.id, projectId: f.projectId, themeId: f.themes.slow })));
  // why: a second coder on the same comments must not count them twice.
  await db.insert(codings).values(slow.slice(0, 5).map((feedbackId) => ({ feedbackId, coderId: f.ben.id, projectId: f.projectId, themeId: f.themes.slow })));
  return f;
}

describe("computeThemeTrends", () => {
  it("gives each theme's share of coded comments by model with Wilson intervals (statsmodels), and guards small groups", async () => {
    const f = await project();
    const r = await computeThemeTrends(db, f.ann.actor, f.projectId, { groupBy: "model", minCount: "30" });
    expect(r.coded).toBe(80);
    const slow = r.themes.find((t) => t.name === "Slow")!;
    expect(slow).toMatchObject({ count: 32, coded: 80 });
    const [alpha, beta, gamma] = slow.groups;
    expect(alpha).toMatchObject({ group: "alpha", coded: 40, count: 10 });
    // statsmodels proportion_confint(10, 40, method="wilson") and (21, 35).
    expect(alpha!.share.interval!.low).toBeCloseTo(0.14187118639096305, 12);
    expect(alpha!.share.interval!.high).toBeCloseTo(0.4019396142076803, 12);
    expect(beta!.share.value).toBeCloseTo(21 / 35, 12);
    expect(beta!.share.interval!.low).toBeCloseTo(0.43572709012892497, 12);
    expect(gamma).toMatchObject({ group: "gamma", coded: 5, count: 1, share: { value: null, reason: "Too few coded comments to say (5; at least 30 needed)." } });
    expect(alpha!.inboxHref).toBe(`/projects/${f.projectId}/feedback?theme=${f.themes.slow}&model=alpha`);
    expect(r.themes.find((t) => t.name === "Wrong answer")!.count).toBe(0);
  });

  it("marks a week whose share is outside the previous week's interval, and links each week to its comments", async () => {
    const f = await project();
    const r = await computeThemeTrends(db, f.ann.actor, f.projectId, { interval: "week", minCount: 30, from: "2026-11-01", to: "2026-11-30" });
    const slow = r.themes.find((t) => t.name === "Slow")!;
    expect(slow.series.map((p) => [p.period, p.coded, p.count])).toEqual([
      ["2026-11-02", 40, 10],
      ["2026-11-09", 40, 22],
    ]);
    expect(slow.series[0]!.change.change).toBeNull();
    expect(slow.series[1]!.change).toEqual({ period: "2026-11-09", change: "up", previous: "2026-11-02" });
    expect(slow.series[1]!.inboxHref).toBe(`/projects/${f.projectId}/feedback?theme=${f.themes.slow}&from=2026-11-09&to=2026-11-15`);
  });

  it("shows the end users' thumbs-up rate and mean rating per model (scipy t interval) with a link to the dashboards", async () => {
    const f = await project();
    const r = await computeThemeTrends(db, f.ann.actor, f.projectId, { from: "2026-11-01" });
    const alpha = r.scores.find((s) => s.model === "alpha")!;
    expect(alpha.thumbs).toMatchObject({ n: 40, up: 30 });
    expect(alpha.thumbs.rate.interval!.low).toBeCloseTo(0.5980603857923197, 12);
    expect(alpha.rating.mean.reason).toBe("No star ratings from end users.");
    const beta = r.scores.find((s) => s.model === "beta")!;
    // scipy.stats.t.interval(0.95, 7, loc=4, scale=sem([5,4,4,3,5,2,5,4])); scipy's t quantile is good to about 1e-10.
    expect(beta.rating.mean.value).toBe(4);
    expect(beta.rating.mean.interval!.low).toBeCloseTo(3.1062560411020534, 8);
    expect(beta.rating.mean.interval!.high).toBeCloseTo(4.8937439588979466, 8);
    expect(beta.insightHref).toBe(`/projects/${f.projectId}/insight?groupBy=model&from=2026-11-01`);
  });

  it("refuses reviewers and names a bad query's field", async () => {
    const f = await project();
    await expect(computeThemeTrends(db, f.reviewer.actor, f.projectId, {})).rejects.toThrow("Only managers, researchers and engineers can read feedback");
    await expect(computeThemeTrends(db, f.engineer.actor, f.projectId, { groupBy: "colour" })).rejects.toThrow("groupBy: Expected groupBy to be model, segment, promptVersion or source.");
  });

  it("draws each theme's share by group and over time as checked SVG, a hostile model name as escaped text", async () => {
    const hostile = "<img src=x onerror=alert(1)>";
    const f = await makeResearchProject([{ comment: "slow", model: hostile, occurredAt: week1 }, { comment: "fine", model: hostile, occurredAt: week2 }]);
    await db.insert(feedbackCoded).values(f.feedbackIds.map((feedbackId) => ({ feedbackId, coderId: f.ann.id, projectId: f.projectId })));
    await db.insert(codings).values({ feedbackId: f.feedbackIds[0]!, coderId: f.ann.id, projectId: f.projectId, themeId: f.themes.slow });
    const trends = await computeThemeTrends(db, f.ann.actor, f.projectId, { minCount: 1 });
    const charts = trendCharts(trends);
    expect(charts.map((c) => c.id)).toEqual([`groups:${f.themes.slow}`, `timeline:${f.themes.slow}`, `groups:${f.themes.wrong}`, `timeline:${f.themes.wrong}`, `groups:${f.themes.tone}`, `timeline:${f.themes.tone}`]);
    const groups = charts[0]!.svg;
    expect(isSafeSvg(groups)).toBe(true);
    expect(groups).not.toContain("<img");
    expect(groups).toContain("&lt;img src=x onerror=alert(1)&gt;");
  });
});
