import type postgres from "postgres";
import { sqlOf, type Db } from "~/db.server";
import { checkAnswers } from "~/modules/templates/answers";
import type { Question } from "~/modules/templates/schemas";
import { emitEvent } from "~/modules/webhooks/emit-event.server";
import { consensusOf, hasConsensus, isAnswered, type Vote } from "./consensus";

/** Items recomputed per transaction: small enough that a batch holds its locks for milliseconds. */
const BATCH = 500;
/** Items of a project marked per transaction after an overlap or template change. */
const MARK_CHUNK = 5000;

type Setup = { overlap: number; questions: Question[] };
type Row = { item_id: number; question_key: string; status: string; value: unknown; method: string; agreement: number | null; annotation_count: number; detail: unknown };

export type RefreshOutcome = { items: number; resolved: number };

/**
 * Brings `resolutions` and `items.resolved_at` of a project up to date with its answers: every
 * item the triggers of migration resolution_triggers marked stale (or only `itemIds`, marked here
 * first), BATCH items per short transaction, never the whole project in memory. Adjudicated
 * questions keep their value (their vote figures follow the answers). An item is resolved when it
 * has the answers its overlap wants — or a manager adjudicated one of its questions — and every
 * question answered on it is resolved. Items another refresh or a writer holds are left marked
 * for the next call. See docs/decisions/0008-resolutions.md.
 */
export async function refreshResolutions(db: Db, projectId: string, options: { itemIds?: number[] } = {}): Promise<RefreshOutcome> {
  const setup = await loadSetup(sqlOf(db), projectId);
  const outcome = { items: 0, resolved: 0 };
  if (options.itemIds) {
    if (!options.itemIds.length) return outcome;
    await sqlOf(db)`
      insert into resolution_stale (item_id, project_id)
      select id, project_id from items where project_id = ${projectId} and id = any(${options.itemIds}::bigint[])
      on conflict (item_id) do update set marked_at = now()`;
  } else {
    while (await db.transaction((tx) => markProjectChunk(sqlOf(tx), projectId)));
  }
  for (;;) {
    const done = await db.transaction((tx) => refreshBatch(sqlOf(tx), projectId, setup, options.itemIds));
    if (!done) break;
    outcome.items += done.items;
    outcome.resolved += done.resolved;
  }
  return outcome;
}

async function loadSetup(sql: postgres.Sql, projectId: string): Promise<Setup> {
  const [row] = await sql<{ overlap: number; questions: Question[] | null }[]>`
    select p.overlap, t.questions from projects p
    left join review_templates t on t.project_id = p.id and t.version = p.template_version
    where p.id = ${projectId}`;
  return { overlap: row?.overlap ?? 1, questions: (row?.questions ?? []).filter(hasConsensus) };
}

/** Turns a project-wide mark into item marks, MARK_CHUNK items at a time; false when none is left. */
async function markProjectChunk(sql: postgres.Sql, projectId: string): Promise<boolean> {
  const [mark] = await sql<{ after_item: number }[]>`
    select after_item from resolution_stale_projects where project_id = ${projectId} for update skip locked`;
  if (!mark) return false;
  const [{ last, n }] = await sql<[{ last: number | null; n: number }]>`
    with chunk as (
      select id, project_id from items where project_id = ${projectId} and id > ${mark.after_item} order by id limit ${MARK_CHUNK}
    ), marked as (
      insert into resolution_stale (item_id, project_id) select id, project_id from chunk
      on conflict (item_id) do update set marked_at = now()
      returning item_id
    )
    select max(item_id)::bigint as last, count(*)::int as n from marked`;
  if (n < MARK_CHUNK) await sql`delete from resolution_stale_projects where project_id = ${projectId}`;
  else await sql`update resolution_stale_projects set after_item = ${last} where project_id = ${projectId}`;
  return true;
}

type Locked = { item_id: number; outputs: { text: string }[]; extra_answers: number };
type Answer = { item_id: number; user_id: string; values: Record<string, unknown> };
type Adjudicated = { item_id: number; question_key: string };

async function refreshBatch(sql: postgres.Sql, projectId: string, setup: Setup, only?: number[]): Promise<RefreshOutcome | null> {
  // why: a submit locks the item, then its trigger the mark; taking both here without waiting
  // (SKIP LOCKED) means a refresh never deadlocks with a writer, it just leaves that item for later.
  const locked = await sql<Locked[]>`
    select s.item_id, i.outputs, i.extra_answers from resolution_stale s join items i on i.id = s.item_id
    where s.project_id = ${projectId} ${only ? sql`and s.item_id = any(${only}::bigint[])` : sql``}
    order by s.item_id limit ${BATCH}
    for update of s skip locked for no key update of i skip locked`;
  if (!locked.length) return null;
  const ids = locked.map((l) => Number(l.item_id));
  const answers = await sql<Answer[]>`
    select item_id, user_id, values from annotations where item_id = any(${ids}::bigint[]) and status = 'submitted' order by item_id, submitted_at, id`;
  const adjudicated = await sql<Adjudicated[]>`
    select item_id, question_key from resolutions where item_id = any(${ids}::bigint[]) and method = 'adjudicated'`;

  const byItem = new Map<number, Answer[]>();
  for (const a of answers) byItem.set(Number(a.item_id), [...(byItem.get(Number(a.item_id)) ?? []), a]);
  const fixed = new Set(adjudicated.map((a) => `${a.item_id}:${a.question_key}`));
  const rows: Row[] = [];
  const figures: Row[] = [];
  const resolved: boolean[] = [];
  for (const { item_id, outputs, extra_answers } of locked) {
    const itemId = Number(item_id);
    const given = byItem.get(itemId) ?? [];
    let settled = true;
    let anyAdjudicated = false;
    for (const q of setup.questions) {
      const isFixed = fixed.has(`${itemId}:${q.key}`);
      anyAdjudicated ||= isFixed;
      const votes = validVotes(q, given, outputs);
      if (!votes.length) continue;
      const c = consensusOf(q, votes);
      const row = { item_id: itemId, question_key: q.key, status: c.status, value: c.value, method: c.method, agreement: c.agreement, annotation_count: votes.length, detail: c.detail };
      if (isFixed) figures.push(row);
      else {
        rows.push(row);
        if (c.status !== "resolved") settled = false;
      }
    }
    // why + extra_answers: an item a manager sent back for more answers waits for them.
    resolved.push(settled && (anyAdjudicated || given.length >= setup.overlap + extra_answers) && (anyAdjudicated || given.length > 0));
  }

  await sql`delete from resolutions where item_id = any(${ids}::bigint[]) and method <> 'adjudicated'`;
  if (rows.length) {
    await sql`
      insert into resolutions (item_id, project_id, question_key, status, value, method, agreement, annotation_count, detail)
      select r.item_id, ${projectId}, r.question_key, r.status, r.value, r.method, r.agreement, r.annotation_count, r.detail
      from jsonb_to_recordset(${JSON.stringify(rows)}::text::jsonb) as r(item_id bigint, question_key text, status resolution_status,
           value jsonb, method resolution_method, agreement real, annotation_count int, detail jsonb)`;
  }
  if (figures.length) {
    await sql`
      update resolutions t set agreement = r.agreement, annotation_count = r.annotation_count,
             detail = t.detail || jsonb_build_object('votes', r.detail -> 'votes'), computed_at = now()
      from jsonb_to_recordset(${JSON.stringify(figures)}::text::jsonb) as r(item_id bigint, question_key text, agreement real, annotation_count int, detail jsonb)
      where t.item_id = r.item_id and t.question_key = r.question_key`;
  }
  const resolvedIds = ids.filter((_, i) => resolved[i]);
  const changed = await sql<{ id: number; resolved_at: Date | null }[]>`
    update items i set resolved_at = case when i.id = any(${resolvedIds}::bigint[]) then coalesce(i.resolved_at, now()) end
    where i.id = any(${ids}::bigint[]) and (i.resolved_at is null) = (i.id = any(${resolvedIds}::bigint[]))
    returning i.id, i.resolved_at`;
  // why: emitted where the item's resolved_at turns on, in the same transaction and under the item's lock,
  // so two refreshes racing over one item (two submits at once) cannot both report it.
  const newlyResolved = changed.filter((c) => c.resolved_at !== null);
  await emitEvent(
    sql,
    projectId,
    "item.resolved",
    newlyResolved.map((c) => ({
      key: `${c.id}:${new Date(c.resolved_at!).toISOString()}`,
      data: { item_id: Number(c.id), resolved_at: new Date(c.resolved_at!).toISOString(), adjudicated: adjudicated.some((a) => Number(a.item_id) === Number(c.id)) },
    })),
  );
  await sql`delete from resolution_stale where item_id = any(${ids}::bigint[])`;
  return { items: ids.length, resolved: resolved.filter(Boolean).length };
}

/**
 * The answers to `q` that fit its current shape: an annotation made with an older template may
 * hold another kind under the same key, and it does not vote.
 */
function validVotes(q: Question, given: Answer[], outputs: { text: string }[]): Vote[] {
  const votes: Vote[] = [];
  for (const a of given) {
    const value = a.values[q.key];
    if (!isAnswered(value)) continue;
    if (checkAnswers({ questions: [{ ...q, required: false }] }, { [q.key]: value }, { outputs }).length) continue;
    votes.push({ userId: a.user_id, value });
  }
  return votes;
}
