import { sql, type SQL } from "drizzle-orm";
import type { Db } from "~/db.server";
import type { Actor } from "~/modules/auth/actor";
import { authorizeProject } from "~/modules/projects/authorize.server";
import { noEstimate, type Estimate } from "~/modules/stats/estimate";
import { meanInterval, summaryFromSums } from "~/modules/stats/mean";
import { markChanges, type ChangeMark } from "~/modules/stats/monitoring";
import { wilsonInterval } from "~/modules/stats/proportion";
import { parseOrThrow } from "~/utils/validation";
import { trendsQuerySchema, type TrendGrouping, type TrendsQuery } from "./research-schemas";

export type TrendCell = { coded: number; count: number; share: Estimate; inboxHref: string };
export type TrendPoint = TrendCell & { period: string; change: ChangeMark };
export type TrendGroup = TrendCell & { group: string };
export type ThemeTrend = TrendCell & { themeId: string; name: string; series: TrendPoint[]; groups: TrendGroup[] };
export type ModelScores = { model: string; thumbs: { n: number; up: number; rate: Estimate }; rating: { n: number; mean: Estimate }; insightHref: string; inboxHref: string };
export type ThemeTrends = { query: TrendsQuery; coded: number; periods: string[]; groups: string[]; themes: ThemeTrend[]; scores: ModelScores[] };

export const NONE = "(none)";
const groupColumn: Record<TrendGrouping, { sql: SQL; param: string }> = {
  model: { sql: sql`f.model`, param: "model" },
  segment: { sql: sql`f.segment`, param: "segment" },
  promptVersion: { sql: sql`f.prompt_version`, param: "promptVersion" },
  source: { sql: sql`f.source::text`, param: "source" },
};

const day = (d: Date) => d.toISOString().slice(0, 10);
const lastDay = (period: string, interval: "day" | "week") => (interval === "day" ? period : day(new Date(Date.parse(`${period}T00:00:00Z`) + 6 * 86_400_000)));

/** The inbox's URL for comments with these filters (theme, model, segment…, from, to). */
export function inboxHref(projectId: string, filters: Record<string, string | undefined>): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(filters)) if (v !== undefined && v !== "") params.set(k, v);
  const search = params.toString();
  return `/projects/${projectId}/feedback${search ? `?${search}` : ""}`;
}

function share(count: number, coded: number, minCount: number): Estimate {
  if (coded < minCount) return noEstimate(`Too few coded comments to say (${coded}; at least ${minCount} needed).`);
  return wilsonInterval(count, coded);
}

/**
 * Each theme's count and share of the coded comments (a comment counts once for a theme whoever
 * coded it; a coded comment is one somebody marked coded), overall, by day or week with a mark
 * where a share falls outside the previous period's interval, and by model, segment, prompt
 * version or source; shares with Wilson 95% intervals, and "too few" below `minCount` coded
 * comments. Beside them, the end users' thumbs-up rate and mean star rating by model. Dates are
 * the comments' (UTC). Anyone who may read the project's feedback.
 */
export async function computeThemeTrends(db: Db, actor: Actor, projectId: string, input: Record<string, unknown>): Promise<ThemeTrends> {
  await authorizeProject(db, actor, projectId, "feedback.read");
  const query = parseOrThrow(trendsQuerySchema, input);
  const { interval, minCount, from, to } = query;
  const group = groupColumn[query.groupBy];
  const dates = sql.join([sql`true`, from ? sql`f.occurred_at >= ${from}::date::timestamp at time zone 'UTC'` : sql`true`, to ? sql`f.occurred_at < (${to}::date + 1)::timestamp at time zone 'UTC'` : sql`true`], sql` and `);
  const coded = sql`select f.id, date_trunc(${interval}, f.occurred_at at time zone 'UTC')::date as period, coalesce(${group.sql}, ${NONE}) as grp
    from feedback f where f.project_id = ${projectId} and ${dates} and exists (select 1 from feedback_coded fc where fc.feedback_id = f.id)`;
  const totals = await db.execute<{ period: string; grp: string; n: number }>(sql`
    with c as (${coded}) select period::text, grp, count(*)::int as n from c group by 1, 2`);
  const counts = await db.execute<{ theme_id: string; period: string; grp: string; n: number }>(sql`
    with c as (${coded})
    select k.theme_id, c.period::text, c.grp, count(distinct c.id)::int as n
    from c join codings k on k.feedback_id = c.id group by 1, 2, 3`);
  const themes = await db.execute<{ id: string; name: string }>(sql`
    select t.id, case when p.name is null then t.name else p.name || ' › ' || t.name end as name
    from themes t left join themes p on p.id = t.parent_id where t.project_id = ${projectId}
    order by coalesce(p.position, t.position), coalesce(p.name, t.name), t.parent_id nulls first, t.position, t.name`);

  const periods = [...new Set(totals.map((r) => r.period))].sort();
  const groups = [...new Set(totals.map((r) => r.grp))].sort((a, b) => (a === NONE ? 1 : b === NONE ? -1 : a.localeCompare(b)));
  const sum = (rows: { n: number }[]) => rows.reduce((s, r) => s + r.n, 0);
  const codedAll = sum(totals);
  const link = (themeId: string, extra: Record<string, string | undefined>) => inboxHref(projectId, { theme: themeId, from, to, ...extra });
  const groupFilter = (g: string) => ({ [group.param]: g === NONE ? undefined : g });

  const trends: ThemeTrend[] = themes.map((t) => {
    const mine = counts.filter((c) => c.theme_id === t.id);
    const count = sum(mine);
    const points = periods.map((period) => {
      const n = sum(totals.filter((r) => r.period === period));
      const k = sum(mine.filter((r) => r.period === period));
      return { period, coded: n, count: k, share: share(k, n, minCount), inboxHref: link(t.id, { from: period, to: lastDay(period, interval) }) };
    });
    const marks = markChanges(points.map((p) => ({ period: p.period, estimate: p.share })));
    return {
      themeId: t.id,
      name: t.name,
      coded: codedAll,
      count,
      share: share(count, codedAll, 1),
      inboxHref: link(t.id, {}),
      series: points.map((p, i) => ({ ...p, change: marks[i]! })),
      groups: groups.map((g) => {
        const n = sum(totals.filter((r) => r.grp === g));
        const k = sum(mine.filter((r) => r.grp === g));
        return { group: g, coded: n, count: k, share: share(k, n, minCount), inboxHref: link(t.id, groupFilter(g)) };
      }),
    };
  });

  const scoreRows = await db.execute<{ model: string; thumbs: number; up: number; stars: number; total: number; squares: number }>(sql`
    select coalesce(f.model, ${NONE}) as model,
      count(*) filter (where f.score_kind = 'thumbs')::int as thumbs,
      count(*) filter (where f.score_kind = 'thumbs' and f.score = 1)::int as up,
      count(*) filter (where f.score_kind = 'stars')::int as stars,
      coalesce(sum(f.score) filter (where f.score_kind = 'stars'), 0)::float8 as total,
      coalesce(sum(f.score * f.score) filter (where f.score_kind = 'stars'), 0)::float8 as squares
    from feedback f where f.project_id = ${projectId} and ${dates} and f.score_kind is not null
    group by 1 order by 1`);
  const insight = new URLSearchParams({ groupBy: "model" });
  if (from) insight.set("from", from);
  if (to) insight.set("to", to);
  const scores = scoreRows.map((r) => ({
    model: r.model,
    thumbs: { n: r.thumbs, up: r.up, rate: r.thumbs ? wilsonInterval(r.up, r.thumbs) : noEstimate("No thumbs from end users.") },
    rating: { n: r.stars, mean: r.stars ? meanInterval(summaryFromSums(r.stars, r.total, r.squares)) : noEstimate("No star ratings from end users.") },
    // why: the dashboards group items by their output's model; the same model name finds its row there.
    insightHref: `/projects/${projectId}/insight?${insight.toString()}`,
    inboxHref: inboxHref(projectId, { model: r.model === NONE ? undefined : r.model, from, to }),
  }));
  return { query, coded: codedAll, periods, groups, themes: trends, scores };
}
