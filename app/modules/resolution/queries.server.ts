import type postgres from "postgres";
import { sqlOf, type Database } from "~/db.server";
import type { Actor } from "~/modules/auth/actor";
import type { StoredInput } from "~/modules/items/schemas";
import { authorizeProject } from "~/modules/projects/authorize.server";
import type { Question } from "~/modules/templates/schemas";
import { NotFoundError } from "~/utils/errors";
import { hasConsensus } from "./consensus";
import { refreshResolutions } from "./refresh-resolutions.server";

export const DISAGREEMENT_PAGE = 25;

export type DisagreementFilter = {
  /** Only this question. */
  question?: string;
  /** Ratings whose answers lie at least this many points apart. */
  minSpread?: number;
  /** Answers whose most common value has at most this share (0–1). */
  maxAgreement?: number;
  /** `open`: disagreements not yet adjudicated (default); `adjudicated`: those a manager settled. */
  show?: "open" | "adjudicated";
  after?: number;
};

export type DisagreementRow = {
  itemId: number;
  prompt: string;
  questions: { question: string; status: string; agreement: number | null; spread: number | null; answers: number; method: string }[];
};

const promptOf = (input: StoredInput) =>
  (input.type === "text" ? input.text : input.messages.filter((m) => m.role === "user").map((m) => m.content).join(" / ")).slice(0, 200);

/**
 * Items whose answers disagree (a question unresolved, or agreement below 1), for managers;
 * keyset-paged by item id on the partial index resolutions_disagreement_idx. Resolutions are
 * refreshed first, so the list reflects every answer submitted so far.
 */
export async function listDisagreements(db: Database, actor: Actor, projectId: string, filter: DisagreementFilter = {}) {
  await authorizeProject(db, actor, projectId, "annotations.adjudicate");
  await refreshResolutions(db, projectId);
  const sql = sqlOf(db);
  const rows = await disagreementPageQuery(sql, projectId, filter);
  const page = rows.slice(0, DISAGREEMENT_PAGE);
  const ids = page.map((r) => Number(r.item_id));
  const inputs = ids.length ? await sql<{ id: string; input: StoredInput }[]>`select id, input from items where id = any(${ids}::bigint[])` : [];
  const byId = new Map(inputs.map((i) => [Number(i.id), i.input]));
  return {
    rows: page.map((r): DisagreementRow => ({ itemId: Number(r.item_id), prompt: promptOf(byId.get(Number(r.item_id))!), questions: r.questions })),
    next: rows.length > DISAGREEMENT_PAGE ? ids[ids.length - 1]! : null,
  };
}

/** One page (and one row more) of the list, in item order; exported for its EXPLAIN check. */
export function disagreementPageQuery(sql: postgres.Sql, projectId: string, filter: DisagreementFilter, limit = DISAGREEMENT_PAGE + 1) {
  const which =
    filter.show === "adjudicated"
      ? sql`r.method = 'adjudicated'`
      : sql`r.method <> 'adjudicated' and (r.status = 'unresolved' or r.agreement < 1)`;
  const one = sql`jsonb_build_object('question', r.question_key, 'status', r.status, 'agreement', r.agreement,
             'spread', r.detail -> 'spread', 'answers', r.annotation_count, 'method', r.method)`;
  const bounds = sql`r.project_id = ${projectId} and ${which} and r.item_id > ${filter.after ?? 0}
      ${filter.minSpread !== undefined ? sql`and (r.detail ->> 'spread')::float8 >= ${filter.minSpread}` : sql``}
      ${filter.maxAgreement !== undefined ? sql`and r.agreement <= ${filter.maxAgreement}` : sql``}`;
  // why: with one question there is one row per item, so no GROUP BY: a plain ORDER BY item_id
  // LIMIT that the (project, question, item) partial index answers in order. With GROUP BY the
  // planner sometimes sorted a bitmap scan of every matching row instead (seen in full test runs).
  if (filter.question) {
    return sql<{ item_id: string; questions: DisagreementRow["questions"] }[]>`
      select r.item_id, jsonb_build_array(${one}) as questions
      from resolutions r
      where ${bounds} and r.question_key = ${filter.question}
      order by r.item_id limit ${limit}`;
  }
  return sql<{ item_id: string; questions: DisagreementRow["questions"] }[]>`
    select r.item_id, jsonb_agg(${one} order by r.question_key) as questions
    from resolutions r
    where ${bounds}
    group by r.item_id order by r.item_id limit ${limit}`;
}

/**
 * The item to adjudicate after `itemId`: the next one in item order whose answers still disagree
 * under the list's filter (never the adjudicated ones), else the first such item from the start;
 * null when no other is left.
 */
export async function nextDisagreement(db: Database, actor: Actor, projectId: string, itemId: number, filter: Omit<DisagreementFilter, "show" | "after"> = {}) {
  await authorizeProject(db, actor, projectId, "annotations.adjudicate");
  const sql = sqlOf(db);
  const open = { ...filter, show: "open" as const };
  const [after] = await disagreementPageQuery(sql, projectId, { ...open, after: itemId }, 1);
  if (after) return Number(after.item_id);
  const [first] = await disagreementPageQuery(sql, projectId, { ...open, after: 0 }, 1);
  return first && Number(first.item_id) !== itemId ? Number(first.item_id) : null;
}

/** The questions a manager may filter the list by (those with a consensus). */
export async function consensusQuestions(db: Database, projectId: string): Promise<Question[]> {
  const [row] = await sqlOf(db)<{ questions: Question[] | null }[]>`
    select t.questions from projects p left join review_templates t on t.project_id = p.id and t.version = p.template_version where p.id = ${projectId}`;
  return (row?.questions ?? []).filter(hasConsensus);
}

/**
 * One item for adjudication: its input and outputs, every reviewer's submitted answer with the
 * reviewer's name, the questions and their current resolutions. Managers only.
 */
export async function getAdjudicationItem(db: Database, actor: Actor, projectId: string, itemId: number) {
  await authorizeProject(db, actor, projectId, "annotations.adjudicate");
  if (!Number.isSafeInteger(itemId) || itemId <= 0) throw new NotFoundError("No such item.");
  const sql = sqlOf(db);
  const [item] = await sql<{ id: string; input: StoredInput; outputs: { text: string; model?: string }[]; metadata: Record<string, unknown> }[]>`
    select id, input, outputs, metadata from items where id = ${itemId} and project_id = ${projectId}`;
  if (!item) throw new NotFoundError("No such item in this project.");
  await refreshResolutions(db, projectId, { itemIds: [itemId] });
  const [answers, resolutions, questions] = await Promise.all([
    sql<{ id: string; reviewer: string; values: Record<string, unknown>; submitted_at: string | null }[]>`
      select a.id, coalesce(u.name, 'unknown') as reviewer, a.values, a.submitted_at from annotations a left join users u on u.id = a.user_id
      where a.item_id = ${itemId} and a.status = 'submitted' order by a.submitted_at, a.id`,
    sql<{ question_key: string; status: string; value: unknown; method: string; agreement: number | null; annotation_count: number; detail: Record<string, unknown>; adjudicated_by_name: string | null }[]>`
      select r.question_key, r.status, r.value, r.method, r.agreement, r.annotation_count, r.detail, u.name as adjudicated_by_name
      from resolutions r left join users u on u.id = r.adjudicated_by where r.item_id = ${itemId}`,
    consensusQuestions(db, projectId),
  ]);
  return {
    item: { id: Number(item.id), input: item.input, outputs: item.outputs },
    questions,
    answers: answers.map((a) => ({ id: a.id, reviewer: a.reviewer, values: a.values, submittedAt: a.submitted_at })),
    resolutions: Object.fromEntries(resolutions.map((r) => [r.question_key, r])),
  };
}
