import { sql } from "drizzle-orm";
import type { Db } from "~/db.server";
import { MAX_OUTPUTS } from "~/modules/items/schemas";
import type { PreparedRow, StoredOutput } from "./prepare-row.server";
import type { RowError } from "./schemas";

export type InsertResult = { inserted: number; duplicates: number; ids: number[]; rejected: RowError[] };

export const keyOf = (r: { externalId: string | null; inputKey: string; outputsKey: string }) =>
  r.externalId === null ? `#${r.inputKey}${r.outputsKey}` : `=${r.externalId}`;

// why: any constant works as long as every Loupe process uses the same one (see insertBatch).
export const ITEM_INSERT_LOCK = 731_104_291;

/** Called inside a batch's transaction with what it did, so what records it commits with it. */
export type Recorder<R> = (tx: Db, result: R) => Promise<void>;

/**
 * One batch's transaction: it takes the project's insert lock first (two batches inserting the
 * same keys in different orders would deadlock on each other's not-yet-committed rows; one
 * project's batches take turns instead, each is short) and commits without waiting for the WAL
 * flush. A server crash can then lose the last batches, never one in the middle (commits reach
 * the WAL in order); the pass ends with a durable commit, whose flush makes every earlier one
 * durable too (runPass, ADR 0009).
 */
export function batchTransaction<T>(db: Db, projectId: string, fn: (tx: Db) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`select set_config('synchronous_commit', 'off', true) from pg_advisory_xact_lock(${ITEM_INSERT_LOCK}, hashtext(${projectId}))`);
    return fn(tx);
  });
}

/**
 * Inserts a batch in one short transaction with one `INSERT … SELECT FROM jsonb_to_recordset(…)`
 * and the batch's suggestions, in file order (so item ids, and the review queue, follow the
 * file). Rows whose external id — or, without one, content keys — are already in the project are
 * skipped (`ON CONFLICT DO NOTHING`), which makes re-imports and retries after a crash no-ops.
 * Items get a random queue key only in a random-order project (see items.randomKey). Batches of
 * new items without suggestions whose ids nobody needs go in faster by COPY (copy-batch.server.ts).
 * `record` runs in the same transaction, with the result.
 */
export async function insertRows(db: Db, projectId: string, source: string, rows: PreparedRow[], record?: Recorder<InsertResult>): Promise<InsertResult> {
  try {
    return await batchTransaction(db, projectId, async (tx) => {
      const result = await insertBatch(tx, projectId, source, rows);
      await record?.(tx, result);
      return result;
    });
  } catch (error) {
    if (!isDataError(error)) throw error;
  }
  // why: one row PostgreSQL refuses must not cost the good rows around it: each row is tried in a
  // savepoint, and the batch still commits (and is recorded) as one.
  return batchTransaction(db, projectId, async (tx) => {
    const result: InsertResult = { inserted: 0, duplicates: 0, ids: [], rejected: [] };
    for (const row of rows) {
      try {
        const one = await tx.transaction((savepoint) => insertBatch(savepoint, projectId, source, [row]));
        result.inserted += one.inserted;
        result.duplicates += one.duplicates;
        result.ids.push(...one.ids);
      } catch (rowError) {
        if (!isDataError(rowError)) throw rowError;
        result.rejected.push({ line: row.line, record: row.record, field: null, message: `the database refused this row (${databaseMessage(rowError)})` });
      }
    }
    await record?.(tx, result);
    return result;
  });
}

/** The batch's insert and its suggestions, in the caller's transaction (which holds the lock). */
async function insertBatch(tx: Db, projectId: string, source: string, rows: PreparedRow[]): Promise<InsertResult> {
  const inserted = await tx.execute<{ id: number; external_id: string | null; input_key: string; outputs_key: string }>(sql`
    insert into items (project_id, external_id, input_key, outputs_key, input, outputs, reference, metadata, priority, gold, source, random_key, status)
    select ${projectId}, r.e, r.k, r.l, r.i, r.o, r.r, r.m, r.p, r.g, ${source},
           case when (select item_order from projects where id = ${projectId}) = 'random' then floor(random() * 2147483647)::int end,
           -- why: a gold item is a training item, out of the regular queue and of progress.
           case when r.g is null then 'open' else 'gold' end::item_status
    from rows from (jsonb_to_recordset(${batchJson(rows)}::jsonb) as (e text, k uuid, l uuid, i jsonb, o jsonb, r text, m jsonb, p int, g jsonb))
         with ordinality as r(e, k, l, i, o, r, m, p, g, n)
    order by r.n
    on conflict do nothing
    returning id, external_id, input_key, outputs_key`);
  const ids = inserted.map((r) => Number(r.id)).sort((a, b) => a - b);
  const withSuggestions = rows.filter((r) => r.suggestions.length);
  if (withSuggestions.length) {
    const byKey = new Map(inserted.map((r) => [keyOf({ externalId: r.external_id, inputKey: r.input_key, outputsKey: r.outputs_key }), Number(r.id)]));
    const suggestionRows = withSuggestions.flatMap((row) => {
      const id = byKey.get(keyOf(row));
      // why: the first row with a key gets the item; a repeat of it in the same batch adds nothing.
      byKey.delete(keyOf(row));
      return id === undefined ? [] : row.suggestions.map((s) => ({ id, question: s.question, value: JSON.stringify(s.value ?? null), confidence: s.confidence ?? null, source: s.source }));
    });
    if (suggestionRows.length) {
      const s = <T>(pick: (r: (typeof suggestionRows)[number]) => T) => sql.param(suggestionRows.map(pick));
      await tx.execute(sql`
        insert into suggestions (item_id, question_key, value, confidence, source)
        select r.id, r.question, r.value::jsonb, r.confidence, r.source
        from unnest(${s((r) => r.id)}::bigint[], ${s((r) => r.question)}::text[], ${s((r) => r.value)}::text[], ${s((r) => r.confidence)}::real[], ${s((r) => r.source)}::text[])
          as r(id, question, value, confidence, source)`);
    }
  }
  return { inserted: ids.length, duplicates: rows.length - ids.length, ids, rejected: [] };
}

/**
 * The batch as one JSON document whose rows embed each item's already-serialized JSON as is:
 * no escaping, one parameter, one parse in PostgreSQL. (An array parameter per column costs
 * postgres.js two regex passes per value and a copy of every string; it was most of the CPU.)
 */
function batchJson(rows: PreparedRow[]): string {
  const text = (value: string | null) => (value === null ? "null" : JSON.stringify(value));
  return `[${rows.map((r) => `{"e":${text(r.externalId)},"k":"${r.inputKey}","l":"${r.outputsKey}","i":${r.input},"o":${r.outputs},"r":${text(r.reference)},"m":${r.metadata},"p":${r.priority},"g":${r.gold ?? "null"}}`).join(",")}]`;
}

export type AddOutputsResult = { matched: number; unmatched: number; duplicates: number; outputsAdded: number; rejected: RowError[]; unmatchedRows: PreparedRow[] };

/**
 * Add-outputs mode: each row's outputs join the items it matches (by external id, else by the
 * exact input), skipping outputs an item already has, so importing the same file again changes
 * nothing. Items with submitted annotations are left alone (their answers were given to the
 * outputs they had), as are items that would pass 10 outputs; both are reported. The items are
 * locked in id order for a moment and re-read under the lock, so two imports adding to the same
 * items neither deadlock nor add an output twice. `dryRun` reports the same without writing;
 * otherwise `record` runs in the transaction that adds them.
 */
export async function addOutputs(db: Db, projectId: string, rows: PreparedRow[], dryRun: boolean, record?: Recorder<AddOutputsResult>): Promise<AddOutputsResult> {
  const result: AddOutputsResult = { matched: 0, unmatched: 0, duplicates: 0, outputsAdded: 0, rejected: [], unmatchedRows: [] };
  const p = <T>(pick: (r: PreparedRow) => T) => sql.param(rows.map(pick));
  // why: by input key through its two indexes (items with and without an external id), then the
  // stored input compared as JSON, so a key collision could never join the wrong item.
  const matches = await db.execute<{ n: number; id: number }>(sql`
    with r as (
      select * from unnest(${p((r) => r.externalId)}::text[], ${p((r) => r.inputKey)}::uuid[], ${p((r) => r.input)}::text[])
        with ordinality as r(external_id, input_key, input, n)
    )
    select r.n::int as n, i.id from r join items i on i.project_id = ${projectId} and i.external_id = r.external_id
    where r.external_id is not null
    union all
    select r.n::int, i.id from r join items i
      on i.input_key = r.input_key and i.external_id is null and i.project_id = ${projectId} and i.input = r.input::jsonb
    where r.external_id is null
    union all
    select r.n::int, i.id from r join items i
      on i.input_key = r.input_key and i.external_id is not null and i.project_id = ${projectId} and i.input = r.input::jsonb
    where r.external_id is null`);
  const itemsOf = new Map<number, number[]>();
  for (const m of matches) itemsOf.set(m.n - 1, [...(itemsOf.get(m.n - 1) ?? []), Number(m.id)]);
  const ids = [...new Set(matches.map((m) => Number(m.id)))].sort((a, b) => a - b);

  const apply = async (tx: Db) => {
    const current = ids.length
      ? await tx.execute<{ id: number; outputs: StoredOutput[]; reviewed: boolean }>(sql`
          select i.id, i.outputs, exists (select 1 from annotations a where a.item_id = i.id and a.status = 'submitted') as reviewed
          from items i where i.id = any(${sql.param(ids)}::bigint[]) order by i.id ${dryRun ? sql`` : sql`for no key update`}`)
      : [];
    const state = new Map(current.map((c) => [Number(c.id), { outputs: [...c.outputs], reviewed: c.reviewed, changed: false }]));
    rows.forEach((row, index) => {
      const targets = (itemsOf.get(index) ?? []).map((id) => [id, state.get(id)!] as const);
      if (targets.length === 0) {
        result.unmatched++;
        result.unmatchedRows.push(row);
        return;
      }
      const additions = targets.map(([id, item]) => ({
        id,
        item,
        fresh: row.outputList.filter((o) => !item.outputs.some((e) => e.text === o.text && (e.model ?? null) === (o.model ?? null))),
      }));
      const refusal = additions.find((a) => a.fresh.length && (a.item.reviewed || a.item.outputs.length + a.fresh.length > MAX_OUTPUTS));
      if (refusal) {
        const { id, item, fresh } = refusal;
        const message = item.reviewed
          ? `item ${id} already has submitted annotations, so no outputs are added to it`
          : `item ${id} would have ${item.outputs.length + fresh.length} outputs; at most ${MAX_OUTPUTS}`;
        result.rejected.push({ line: row.line, record: row.record, field: null, message });
        return;
      }
      let added = 0;
      for (const { item, fresh } of additions) {
        if (fresh.length === 0) continue;
        item.outputs.push(...fresh);
        item.changed = true;
        added += fresh.length;
      }
      if (added === 0) result.duplicates++;
      else result.matched++;
      result.outputsAdded += added;
    });
    const changed = [...state].filter(([, s]) => s.changed);
    if (!dryRun && changed.length) {
      await tx.execute(sql`
        update items i set outputs = u.outputs::jsonb
        from unnest(${sql.param(changed.map(([id]) => id))}::bigint[], ${sql.param(changed.map(([, s]) => JSON.stringify(s.outputs)))}::text[]) as u(id, outputs)
        where i.id = u.id`);
    }
  };
  if (dryRun) await apply(db);
  else {
    await db.transaction(async (tx) => {
      await apply(tx);
      await record?.(tx, result);
    });
  }
  return result;
}

export const isDataError = (error: unknown) => /^2[23]/.test(sqlState(error) ?? "");

export function sqlState(error: unknown): string | undefined {
  for (let e = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && /^[0-9A-Z]{5}$/.test(code)) return code;
  }
  return undefined;
}

function databaseMessage(error: unknown): string {
  for (let e = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if ((e as { code?: unknown }).code && e instanceof Error) return e.message;
  }
  return error instanceof Error ? error.message : String(error);
}
