import { sql, type SQL } from "drizzle-orm";
import { sqlOf, type Db } from "~/db.server";
import type { Actor } from "~/modules/auth/actor";
import { compile, filterCondition } from "~/modules/datasets/filter-sql.server";
import { authorizeProject } from "~/modules/projects/authorize.server";
import { projectPeople } from "~/modules/projects/people.server";
import type { Question } from "~/modules/questions";
import { levenshtein } from "~/modules/scorers/levenshtein";
import type { PairCount } from "~/modules/stats/bradley-terry";
import { ValidationError } from "~/utils/errors";
import { assembleMetrics, NOT_SET, type AssembleInput, type Cell, type MetricsReport, type SideCounts } from "./metrics";
import { filterOf, type MetricsQuery } from "./schemas";

const BATCH = 2000;

/** Which slices a summary row belongs to: `grouping(g, p, s)` bits (1 = not grouped by it). */
const SLICE = { group: 3, groupPeriod: 1, segment: 6, whole: 7, period: 5 } as const;

const text = (v: string) => sql`${v}::text`;
// why: drizzle expands an array parameter into a list of parameters, not one array.
const textArray = (values: readonly string[]) => sql`array[${sql.join(values.map(text), sql`, `)}]::text[]`;

/** The value an item is grouped by; a missing one is "(not set)". Outputs: the first one (what ratings and corrections are about). */
function groupExpression(groupBy: string): SQL {
  if (groupBy === "model") return sql`coalesce(nullif(i.outputs -> 0 ->> 'model', ''), nullif(i.metadata ->> 'model', ''), ${text(NOT_SET)})`;
  if (groupBy === "promptVersion") {
    // LLM runs store {id, name, version} on the outputs they generate (llm-runs/ask-item); imports may carry a plain label.
    const pv = sql`(i.outputs -> 0 -> 'promptVersion')`;
    return sql`coalesce(case jsonb_typeof(${pv}) when 'object' then (${pv} ->> 'name') || ' v' || (${pv} ->> 'version')
        when 'string' then nullif(${pv} #>> '{}', '') when 'number' then ${pv} #>> '{}' end,
      nullif(i.metadata ->> 'promptVersion', ''), ${text(NOT_SET)})`;
  }
  if (groupBy === "import") return sql`i.source`;
  return metadataExpression(groupBy);
}

const metadataExpression = (field: string) => sql`coalesce(nullif(i.metadata ->> ${field.slice("metadata.".length)}::text, ''), ${text(NOT_SET)})`;

/**
 * One row per submitted answer and figure, as (figure, x): the answer count (x = 1), each rating
 * (its value, and one `dist:` row per value), thumbs up (1/0), each flag (1/0 for every flags
 * answer), spans per 1,000 characters of the first output per label, a correction (1/0 for every
 * answer) and the review time in seconds where stored.
 */
function factsOf(questions: readonly Question[]): SQL {
  const parts: SQL[] = [sql`select 'answers'::text as figure, 1::float8 as x`];
  for (const q of questions) {
    const v = sql`(ans.values -> ${q.key}::text)`;
    if (q.kind === "rating") {
      parts.push(sql`select ${text(`rating:${q.key}`)}, (${v} #>> '{}')::float8 where jsonb_typeof(${v}) = 'number'`);
      parts.push(sql`select ${text(`dist:${q.key}:`)} || (${v} #>> '{}'), 1::float8 where jsonb_typeof(${v}) = 'number'`);
    }
    if (q.kind === "thumbs") {
      parts.push(sql`select ${text(`thumbs:${q.key}`)}, case when ${v} #>> '{}' = 'up' then 1 else 0 end::float8 where ${v} #>> '{}' in ('up', 'down')`);
    }
    if (q.kind === "flags") {
      parts.push(sql`select ${text(`flag:${q.key}:`)} || o, case when ${v} ? o then 1 else 0 end::float8
        from unnest(${textArray(q.options)}) o where jsonb_typeof(${v}) = 'array'`);
    }
    if (q.kind === "spans") {
      // Spans on the first output per 1,000 of its characters, per label; an answer without spans counts 0.
      const spans = sql`jsonb_array_elements(case when jsonb_typeof(${v}) = 'array' then ${v} else '[]'::jsonb end)`;
      parts.push(sql`select ${text(`spans:${q.key}:`)} || l,
          1000.0 * (select count(*) from ${spans} e where e ->> 'label' = l and e ->> 'output' = '0') / char_length(ans.outputs -> 0 ->> 'text')
        from unnest(${textArray(q.labels)}) l where char_length(ans.outputs -> 0 ->> 'text') > 0`);
    }
    if (q.kind === "correction") {
      parts.push(sql`select ${text(`corrected:${q.key}`)}, case when jsonb_typeof(${v}) = 'object' then 1 else 0 end::float8`);
    }
  }
  parts.push(sql`select 'time'::text, ans.duration_ms / 1000.0::float8 where ans.duration_ms is not null`);
  return sql.join(parts, sql` union all `);
}

type Scope = { projectId: string; questions: Question[]; query: MetricsQuery; where: SQL };

/** The answers in scope with their group, period and segment (a CTE named `ans`). */
function answersCte(s: Scope): SQL {
  const period = s.query.interval
    ? sql`to_char(date_trunc(${s.query.interval}::text, a.submitted_at at time zone 'UTC'), 'YYYY-MM-DD')`
    : sql`null::text`;
  const segment = s.query.segment ? metadataExpression(s.query.segment) : sql`null::text`;
  return sql`ans as (
    select a.id, a.item_id, a.user_id, a.values, a.duration_ms, i.outputs,
           ${groupExpression(s.query.groupBy)} as g, ${period} as p, ${segment} as s,
           -- why: one answer per item (and per item and period) stands for the item, so items are
           -- counted without count(distinct), which would force grouping sets to sort every fact row.
           row_number() over (partition by a.item_id) = 1 as first_i,
           row_number() over (partition by a.item_id, ${period}) = 1 as first_ip
    from annotations a join items i on i.id = a.item_id
    where a.project_id = ${s.projectId} and a.status = 'submitted' and ${s.where})`;
}

function slicesOf(query: MetricsQuery): { sets: SQL; slices: number[]; slice: SQL } {
  const sets = [sql`(figure, g)`, sql`(figure)`];
  const slices: number[] = [SLICE.group, SLICE.whole];
  if (query.interval) {
    sets.push(sql`(figure, g, p)`, sql`(figure, p)`);
    slices.push(SLICE.groupPeriod, SLICE.period);
  }
  if (query.segment) {
    sets.push(sql`(figure, s)`);
    slices.push(SLICE.segment);
  }
  // why: GROUPING() takes only expressions some set groups by; an absent p or s counts as not grouped.
  const slice = sql`(grouping(g) * 4 + ${query.interval ? sql`grouping(p) * 2` : sql`2`} + ${query.segment ? sql`grouping(s)` : sql`1`})::int`;
  return { sets: sql.join(sets, sql`, `), slices, slice };
}

async function summaryCells(db: Db, s: Scope): Promise<Cell[]> {
  const { sets, slice } = slicesOf(s.query);
  // why: M2 as var_pop × n: PostgreSQL's float8 var_pop uses the Youngs–Cramer update, so it does
  // not cancel the way Σx² − (Σx)²/n does for long review times.
  const rows = await db.execute<{ figure: string; g: string | null; p: string | null; s: string | null; slice: number; n: number; items: number; period_items: number; sum: number; mean: number; m2: number }>(sql`
    with ${answersCte(s)}
    select f.figure, g, ${s.query.interval ? sql`p` : sql`null::text`} as p, ${s.query.segment ? sql`s` : sql`null::text`} as s, ${slice} as slice, count(*)::int as n,
           count(*) filter (where first_i)::int as items, count(*) filter (where first_ip)::int as period_items,
           sum(f.x)::float8 as sum, avg(f.x)::float8 as mean, (coalesce(var_pop(f.x), 0) * count(*))::float8 as m2
    from ans cross join lateral (${factsOf(s.questions)}) f
    group by grouping sets (${sets})`);
  return rows.map((r) => cellOf(r.figure, r.slice, r.g, r.p, r.s, { ...r, items: r.slice === SLICE.groupPeriod || r.slice === SLICE.period ? r.period_items : r.items }));
}

function cellOf(figure: string, slice: number, g: string | null, p: string | null, s: string | null, summary: Pick<Cell, "n" | "items" | "sum" | "mean" | "m2">): Cell {
  return {
    figure,
    group: slice === SLICE.group || slice === SLICE.groupPeriod ? g : null,
    period: slice === SLICE.groupPeriod || slice === SLICE.period ? p : null,
    segment: slice === SLICE.segment ? s : null,
    ...summary,
  };
}

/**
 * The mean normalised edit distance between each first output and its correction
 * (scorers/levenshtein). The one figure that needs the texts: corrections are read through a
 * cursor, BATCH rows at a time, and folded into the same slices as the SQL summaries.
 */
async function editCells(db: Db, s: Scope): Promise<{ cells: Cell[]; skipped: number }> {
  const keys = s.questions.filter((q) => q.kind === "correction").map((q) => q.key);
  if (!keys.length) return { cells: [], skipped: 0 };
  const { slices } = slicesOf(s.query);
  const acc = new Map<string, { n: number; sum: number; mean: number; m2: number; slice: number; g: string | null; p: string | null; s: string | null; figure: string }>();
  let skipped = 0;
  const query = compile(sql`
    with ${answersCte(s)}
    select k.key, g, p, s, coalesce(outputs -> 0 ->> 'text', '') as output, ans.values -> k.key ->> 'text' as corrected
    from ans cross join unnest(${textArray(keys)}) k(key)
    where jsonb_typeof(ans.values -> k.key) = 'object' and jsonb_typeof(ans.values -> k.key -> 'text') = 'string'`);
  const cursor = sqlOf(db).unsafe<{ key: string; g: string; p: string | null; s: string | null; output: string; corrected: string }[]>(query.text, query.params as never[]).cursor(BATCH);
  for await (const rows of cursor) {
    for (const r of rows) {
      const d = levenshtein(r.output, r.corrected).value;
      if (d === null) {
        skipped++;
        continue;
      }
      for (const slice of slices) {
        const id = JSON.stringify([slice, slice === SLICE.group || slice === SLICE.groupPeriod ? r.g : null, slice === SLICE.groupPeriod || slice === SLICE.period ? r.p : null, slice === SLICE.segment ? r.s : null, r.key]);
        const c = acc.get(id) ?? { n: 0, sum: 0, mean: 0, m2: 0, slice, g: r.g, p: r.p, s: r.s, figure: `edit:${r.key}` };
        // Welford's update, as stats/mean.ts addValue.
        const n = c.n + 1;
        const delta = d - c.mean;
        const mean = c.mean + delta / n;
        acc.set(id, { ...c, n, sum: c.sum + d, mean, m2: c.m2 + delta * (d - mean) });
      }
    }
  }
  const cells = [...acc.values()].map((c) => cellOf(c.figure, c.slice, c.g, c.p, c.s, { n: c.n, sum: c.sum, mean: c.mean, m2: c.m2, items: 0 }));
  return { cells, skipped };
}

/** Pairwise answers as (left model, right model, side chosen) and per reviewer (side chosen). */
async function pairwiseOf(db: Db, actor: Actor, s: Scope, role: Parameters<typeof projectPeople>[3]): Promise<AssembleInput["pairwise"]> {
  const out: AssembleInput["pairwise"] = [];
  const people = await projectPeople(db, actor, s.projectId, role);
  for (const q of s.questions) {
    if (q.kind !== "pairwise") continue;
    const v = sql`(ans.values -> ${q.key}::text)`;
    const model = (at: number) =>
      sql`coalesce(nullif(ans.outputs -> ((${v} -> 'shown' ->> ${at}::int)::int) ->> 'model', ''), ${text(NOT_SET)})`;
    const rows = await db.execute<{ l: string | null; r: string | null; user_id: string | null; name: string | null; side: string; slice: number; n: number }>(sql`
      with ${answersCte(s)}, sides as (
        select ${model(0)} as l, ${model(1)} as r, ans.user_id,
               case when ${v} ->> 'winner' = 'tie' then 'tie' when ${v} ->> 'winner' = ${v} -> 'shown' ->> 0 then 'left' else 'right' end as side
        from ans
        where jsonb_typeof(${v}) = 'object' and jsonb_typeof(${v} -> 'shown') = 'array' and jsonb_array_length(${v} -> 'shown') = 2)
      select l, r, sides.user_id, u.name, side, grouping(l, r, sides.user_id, u.name)::int as slice, count(*)::int as n
      from sides left join users u on u.id = sides.user_id
      group by grouping sets ((l, r, side), (sides.user_id, u.name, side), (side))`);
    const pairs: PairCount[] = [];
    let sameModel = 0;
    const overall: SideCounts = { left: 0, right: 0, ties: 0 };
    const perUser = new Map<string, { name: string | null; counts: SideCounts }>();
    const add = (c: SideCounts, side: string, n: number) => (side === "left" ? (c.left += n) : side === "right" ? (c.right += n) : (c.ties += n));
    for (const row of rows) {
      if (row.slice === 3) {
        // (l, r, side): one pair count, left = a.
        if (row.l === row.r) {
          sameModel += row.n;
          continue;
        }
        pairs.push({ a: row.l!, b: row.r!, aWins: row.side === "left" ? row.n : 0, bWins: row.side === "right" ? row.n : 0, ties: row.side === "tie" ? row.n : 0 });
      } else if (row.slice === 12) {
        const u = perUser.get(row.user_id!) ?? { name: row.name, counts: { left: 0, right: 0, ties: 0 } };
        add(u.counts, row.side, row.n);
        perUser.set(row.user_id!, u);
      } else if (row.slice === 15) add(overall, row.side, row.n);
    }
    const ids = [...perUser.keys()];
    const seen = await people.see(ids.map((id) => ({ id, name: perUser.get(id)!.name })));
    out.push({ question: q.key, text: q.text, pairs, sameModel, overall, perReviewer: ids.map((id, i) => ({ reviewer: seen[i]!.label, counts: perUser.get(id)!.counts })) });
  }
  return out;
}

/**
 * The dashboards' figures for a project (the Dashboards page and GET /api/v1/projects/:id/metrics):
 * grouped by model, prompt version, import or a metadata field; limited to answers submitted in
 * [from, to] (UTC days) on items the dataset filter takes. Answers are summed in SQL to one row
 * per (figure, slice) — count, sum, M2 — and intervals are computed from those (metrics.ts).
 * Managers, engineers and researchers of the project (quality.view); reviewers are refused.
 */
export async function computeMetrics(db: Db, actor: Actor, projectId: string, query: MetricsQuery): Promise<MetricsReport> {
  const access = await authorizeProject(db, actor, projectId, "quality.view");
  const sqlc = sqlOf(db);
  const [row] = await sqlc<{ questions: Question[] | null }[]>`
    select t.questions from projects p left join review_templates t on t.project_id = p.id and t.version = p.template_version where p.id = ${projectId}`;
  const questions = row?.questions ?? [];
  const parsed = filterOf(query);
  if ("error" in parsed) throw new ValidationError(parsed.error, [{ field: "filter", message: parsed.error }]);
  const parts = [filterCondition(projectId, parsed.filter, questions)];
  if (query.from) parts.push(sql`a.submitted_at >= (${query.from}::date)::timestamp at time zone 'UTC'`);
  if (query.to) parts.push(sql`a.submitted_at < (${query.to}::date + 1)::timestamp at time zone 'UTC'`);
  const scope: Scope = { projectId, questions, query, where: sql.join(parts, sql` and `) };

  const cells = await summaryCells(db, scope);
  const edits = await editCells(db, scope);
  const pairwise = await pairwiseOf(db, actor, scope, access.role);
  const notes = [
    "Ratings, thumbs, flags and corrections are counted for the item's first output's model (or metadata.model); pairwise answers for the two outputs shown.",
    "Review time is the time from opening an item to submitting it, as the review screen records it; answers sent without one are left out of that figure.",
  ];
  if (query.groupBy === "import") notes.push("Items do not record which import brought them, so \"import\" groups by how they came in (api, upload, cli).");
  if (edits.skipped) notes.push(`${edits.skipped} correction(s) too long to compare were left out of the edit distance.`);
  return assembleMetrics({
    projectId,
    groupBy: query.groupBy,
    interval: query.interval ?? null,
    segment: query.segment ?? null,
    from: query.from ?? null,
    to: query.to ?? null,
    minCount: query.minCount,
    questions,
    cells: [...cells, ...edits.cells],
    pairwise,
    notes,
  });
}
