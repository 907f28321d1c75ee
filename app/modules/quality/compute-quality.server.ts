import type postgres from "postgres";
import { sqlOf, type Database } from "~/db.server";
import type { Actor } from "~/modules/auth/actor";
import { ensurePseudonyms } from "~/modules/datasets/snapshot-sql.server";
import { authorizeProject } from "~/modules/projects/authorize.server";
import { projectPeople } from "~/modules/projects/people.server";
import { refreshResolutions } from "~/modules/resolution/refresh-resolutions.server";
import { kindOf, type Question } from "~/modules/questions";
import type { AgreementShape } from "~/modules/questions/types";
import { AgreementAccumulator, cohensKappa, type Metric } from "./agreement";
import type { QualityReport, QuestionMetrics, QuestionQuality, ReviewerAgreement } from "./report";



const BATCH = 2000;
const nullAll = (reason: string): QuestionMetrics => {
  const m = { value: null, reason };
  return { percentAgreement: m, cohensKappa: m, fleissKappa: m, alphaNominal: m, alphaOrdinal: m, alphaInterval: m };
};

/**
 * The Quality page and API: per question, how many items and answers, the consensus figures,
 * percent agreement, Cohen's κ (exactly two reviewers), Fleiss' κ, Krippendorff's α (nominal,
 * ordinal, interval), per option for multi-label questions, and each reviewer's agreement with
 * the consensus (by name or by pseudonym, as projectPeople decides for the actor). Resolutions are refreshed first.
 * Answers are read as `GROUP BY item, value` counts through a cursor, never all at once.
 */
export async function computeQuality(db: Database, actor: Actor, projectId: string): Promise<QualityReport> {
  const access = await authorizeProject(db, actor, projectId, "quality.view");
  await refreshResolutions(db, projectId);
  const sql = sqlOf(db);
  const [row] = await sql<{ questions: Question[] | null }[]>`
    select t.questions from projects p left join review_templates t on t.project_id = p.id and t.version = p.template_version where p.id = ${projectId}`;
  const { names: named } = await projectPeople(db, actor, projectId, access.role);
  if (!named) await ensurePseudonyms(sql, projectId);
  const questions: QuestionQuality[] = [];
  for (const q of row?.questions ?? []) {
    const shape = kindOf(q).agreement?.(q);
    if (shape) questions.push(await questionQuality(sql, projectId, q, shape, named));
  }
  return { projectId, questions };
}

type Compare = Extract<AgreementShape, { measure: "category" }>["compare"];

/** A text answer with line endings and surrounding white space normalised (two corrections that differ only there agree). */
const normalisedText = (sql: postgres.Sql, value: postgres.PendingQuery<postgres.Row[]>) =>
  sql`regexp_replace(replace(${value} ->> 'text', E'\r\n', E'\n'), '^\\s+|\\s+$', '', 'g')`;

/** An answer (`a.values -> key`) as a category string, null when absent or of another shape. */
const categoryOf: Record<Compare, (sql: postgres.Sql, v: postgres.PendingQuery<postgres.Row[]>) => postgres.PendingQuery<postgres.Row[]>> = {
  number: (sql, v) => sql`case when jsonb_typeof(${v}) = 'number' then ${v} #>> '{}' end`,
  string: (sql, v) => sql`case when jsonb_typeof(${v}) = 'string' then ${v} #>> '{}' end`,
  winner: (sql, v) => sql`${v} ->> 'winner'`,
  text: (sql, v) => sql`md5(${normalisedText(sql, v)})`,
};

/** Whether an answer agrees with the resolution `r.value` (a mean rating within half a point). */
const agreesWith: Record<Compare | "per-option", (sql: postgres.Sql, v: postgres.PendingQuery<postgres.Row[]>) => postgres.PendingQuery<postgres.Row[]>> = {
  number: (sql, v) => sql`jsonb_typeof(${v}) = 'number' and abs((${v} #>> '{}')::numeric - (r.value #>> '{}')::numeric) <= 0.5`,
  string: (sql, v) => sql`${v} = r.value`,
  winner: (sql, v) => sql`${v} -> 'winner' = r.value -> 'winner'`,
  text: (sql, v) => sql`${normalisedText(sql, v)} = ${normalisedText(sql, sql`r.value`)}`,
  "per-option": (sql, v) => sql`jsonb_typeof(${v}) = 'array' and (select coalesce(jsonb_agg(distinct e order by e), '[]'::jsonb) from jsonb_array_elements_text(${v}) e) = r.value`,
};

async function questionQuality(sql: postgres.Sql, projectId: string, q: Question, shape: AgreementShape, named: boolean): Promise<QuestionQuality> {
  const answered = sql`a.project_id = ${projectId} and a.status = 'submitted' and a.values ? ${q.key} and a.values -> ${q.key} <> 'null'::jsonb`;
  const [counts] = await sql<[{ items: number; annotations: number; reviewers: number }]>`
    select count(distinct a.item_id)::int as items, count(*)::int as annotations, count(distinct a.user_id)::int as reviewers
    from annotations a where ${answered}`;
  const [res] = await sql<[{ resolved: number; unresolved: number; adjudicated: number; mean: number | null }]>`
    select count(*) filter (where status = 'resolved')::int as resolved, count(*) filter (where status = 'unresolved')::int as unresolved,
           count(*) filter (where method = 'adjudicated')::int as adjudicated, avg(agreement)::float8 as mean
    from resolutions where project_id = ${projectId} and question_key = ${q.key}`;
  const base = { key: q.key, kind: q.kind, text: q.text, ...counts, resolved: res.resolved, unresolved: res.unresolved, adjudicated: res.adjudicated, consensusAgreement: res.mean };

  if (shape.measure === "none") return { ...base, metrics: nullAll(shape.reason), options: null, perReviewer: null, perReviewerReason: shape.reason };
  const v = sql`a.values -> ${q.key}`;
  const reviewers = await perReviewer(sql, projectId, q, agreesWith[shape.measure === "per-option" ? "per-option" : shape.compare](sql, v), named);
  if (shape.measure === "per-option") {
    const value = sql`case when jsonb_typeof(${v}) = 'array' then (case when ${v} ? o.opt then '1' else '0' end) end`;
    const byOption = await metricsFor(sql, answered, value, counts.reviewers, false, shape.options);
    const perOption = shape.options.map((option) => ({ option, metrics: byOption.get(option)! }));
    return { ...base, metrics: nullAll("A multi-label question is measured per option (chosen or not); see the options."), options: perOption, perReviewer: reviewers, perReviewerReason: null };
  }
  const metrics = (await metricsFor(sql, answered, categoryOf[shape.compare](sql, v), counts.reviewers, shape.compare === "number")).get("")!;
  return { ...base, metrics, options: null, perReviewer: reviewers, perReviewerReason: null };
}

/**
 * The metrics of one question — or, with `options`, of each option as its own yes/no question —
 * in one pass: `GROUP BY option, item, value` counts streamed through a cursor in that order.
 */
async function metricsFor(
  sql: postgres.Sql,
  answered: postgres.PendingQuery<postgres.Row[]>,
  value: postgres.PendingQuery<postgres.Row[]>,
  raters: number,
  numeric: boolean,
  options?: string[],
): Promise<Map<string, QuestionMetrics>> {
  const from = options ? sql`annotations a cross join unnest(${options}::text[]) as o(opt)` : sql`annotations a`;
  const dim = options ? sql`o.opt` : sql`''::text`;
  const accumulators = new Map<string, AgreementAccumulator>((options ?? [""]).map((o) => [o, new AgreementAccumulator(numeric)]));
  let unit: string | undefined;
  let counts = new Map<string, number>();
  let acc: AgreementAccumulator | undefined;
  const cursor = sql<{ dim: string; item_id: string; v: string; n: number }[]>`
    select ${dim} as dim, a.item_id, ${value} as v, count(*)::int as n from ${from}
    where ${answered} and ${value} is not null
    group by 1, a.item_id, 3 order by 1, a.item_id`.cursor(BATCH);
  for await (const rows of cursor) {
    for (const r of rows) {
      const id = `${r.dim}\u0000${r.item_id}`;
      if (id !== unit) {
        if (acc) acc.addUnit(counts);
        unit = id;
        acc = accumulators.get(r.dim);
        counts = new Map();
      }
      counts.set(r.v, r.n);
    }
  }
  if (acc) acc.addUnit(counts);

  const tables = new Map<string, { a: string; b: string; n: number }[]>();
  if (raters === 2) {
    const rows = await sql<{ dim: string; a: string; b: string; n: number }[]>`
      with answers as (select ${dim} as dim, a.item_id, a.user_id, ${value} as v from ${from} where ${answered} and ${value} is not null),
           raters as (select min(user_id::text)::uuid as first, max(user_id::text)::uuid as second from answers)
      select x.dim, x.v as a, y.v as b, count(*)::int as n
      from raters r join answers x on x.user_id = r.first join answers y on y.user_id = r.second and y.item_id = x.item_id and y.dim = x.dim
      group by x.dim, x.v, y.v`;
    for (const { dim: d, ...row } of rows) tables.set(d, [...(tables.get(d) ?? []), row]);
  }
  const result = new Map<string, QuestionMetrics>();
  for (const [d, accumulator] of accumulators) {
    const cohen: Metric =
      raters === 2
        ? cohensKappa(tables.get(d) ?? [])
        : { value: null, reason: `Cohen's κ is defined for exactly two reviewers; ${raters} answered this question (see Fleiss' κ and Krippendorff's α).` };
    result.set(d, { ...accumulator.result(), cohensKappa: cohen });
  }
  return result;
}

/** Each reviewer's share of answers equal to the consensus, over items resolved by votes of two or more (or adjudicated). */
async function perReviewer(sql: postgres.Sql, projectId: string, q: Question, agree: postgres.PendingQuery<postgres.Row[]>, named: boolean): Promise<ReviewerAgreement[]> {
  const rows = await sql<{ reviewer: string; items: number; agreed: number }[]>`
    select ${named ? sql`coalesce(u.name, 'unknown')` : sql`coalesce(p.pseudonym, 'unknown')`} as reviewer,
           count(*)::int as items, count(*) filter (where ${agree})::int as agreed
    from annotations a
    join resolutions r on r.item_id = a.item_id and r.question_key = ${q.key} and r.status = 'resolved'
                      and (r.annotation_count >= 2 or r.method = 'adjudicated')
    left join users u on u.id = a.user_id
    left join reviewer_pseudonyms p on p.project_id = a.project_id and p.user_id = a.user_id
    where a.project_id = ${projectId} and a.status = 'submitted' and a.values ? ${q.key}
    group by a.user_id, 1 order by 1`;
  return rows.map((r) => ({ ...r, agreement: r.items ? r.agreed / r.items : null }));
}
