import { sqlOf, type Database } from "~/db.server";
import type { ClaimedItem } from "./ask-item.server";

/**
 * Claims up to `limit` items of a run for one runner, in item order: pending ones, and running
 * ones whose runner is gone — a runner holds a session advisory lock on its key for as long as it
 * works, so a claim whose key no connection holds any more belongs to a process that died.
 * `SKIP LOCKED` lets two runners claim side by side without waiting for each other or taking the
 * same item. Each item comes back with what asking it needs, and whether its answer is stored.
 */
export async function claimItems(db: Database, run: { id: string; model: string; promptVersionId: string }, runnerKey: string, limit: number): Promise<ClaimedItem[]> {
  const sql = sqlOf(db);
  const rows = await sql<(Omit<ClaimedItem, "id"> & { id: string })[]>`
    with live as materialized (
      select (l.classid::int8 << 32) | l.objid::int8 as key from pg_locks l
      where l.locktype = 'advisory' and l.objsubid = 1 and l.granted
        and l.database = (select oid from pg_database where datname = current_database())
    ), picked as (
      select ri.item_id from llm_run_items ri
      where ri.run_id = ${run.id} and ri.state in ('pending', 'running')
        and (ri.state = 'pending' or (ri.claimed_by <> ${runnerKey}::int8 and ri.claimed_by not in (select key from live)))
      order by ri.item_id limit ${limit}
      for update skip locked
    ), claimed as (
      update llm_run_items ri set state = 'running', claimed_by = ${runnerKey}::int8, updated_at = now()
      from picked where ri.run_id = ${run.id} and ri.item_id = picked.item_id
      returning ri.item_id
    )
    select i.id, i.input, i.outputs, i.reference, i.metadata,
      exists (select 1 from annotations a where a.item_id = i.id and a.status = 'submitted') as reviewed,
      exists (select 1 from llm_outputs o where o.item_id = i.id and o.model = ${run.model} and o.prompt_version_id = ${run.promptVersionId}) as "hasOutput",
      (select count(*)::int from suggestions s
        where s.item_id = i.id and s.origin = 'llm' and s.prompt_version_id = ${run.promptVersionId} and s.model = ${run.model}) as answered
    from claimed c join items i on i.id = c.item_id
    order by i.id`;
  return rows.map((r) => ({ ...r, id: Number(r.id) }));
}

/** Puts this runner's unfinished items back (a cancel, a budget stop, a shutdown): never asked twice by it, taken again by a later runner. */
export async function releaseItems(db: Database, runId: string, runnerKey: string): Promise<void> {
  await sqlOf(db)`update llm_run_items set state = 'pending', claimed_by = null, updated_at = now() where run_id = ${runId} and state = 'running' and claimed_by = ${runnerKey}::int8`;
}
