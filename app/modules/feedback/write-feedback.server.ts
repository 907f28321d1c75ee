import { sql } from "drizzle-orm";
import { sqlOf, type Db } from "~/db.server";
import { batchTransaction, keyOf } from "~/modules/imports/write-rows.server";
import type { PreparedFeedback, PreparedItem } from "./prepare-record.server";

/** Who writes: the project, and the ingest key (null from the CLI). */
export type Writer = { projectId: string; keyId: string | null };

/** Per row, in order: the feedback id, or null when its client id was in the project already. */
export type WriteResult = { ids: (number | null)[] };

/**
 * Writes a batch of feedback in one transaction with one `INSERT … SELECT FROM jsonb_to_recordset`
 * (one parameter, one parse): idempotent by client id (`ON CONFLICT DO NOTHING` on
 * feedback_client_id_key), so a retried batch or record adds nothing. Inline outputs go in first
 * as items (held, or open when sampled) under the project's item insert lock, as imports write
 * them; `traceId`/`externalId` find existing items by external id in the same statement.
 */
export async function writeFeedback(db: Db, writer: Writer, rows: PreparedFeedback[]): Promise<WriteResult> {
  if (rows.length === 0) return { ids: [] };
  const inline = rows.some((r) => r.item);
  const write = async (tx: Db) => {
    const itemIds = inline ? await storeItems(tx, writer.projectId, rows) : null;
    // why: a named prepared statement (postgres.js): one text whatever the batch, planned once per connection.
    const inserted = await sqlOf(tx)<{ id: number; client_id: string | null }[]>`
      insert into feedback (project_id, source, ingest_key_id, client_id, item_id, trace_id, external_id, score_kind, score, comment,
                            user_id, segment, model, prompt_version, metadata, pii, occurred_at)
      select ${writer.projectId}::uuid, 'end_user', ${writer.keyId}::uuid, r.c,
             case when r.i is not null then r.i
                  when coalesce(r.x, r.t) is not null then (select it.id from items it where it.project_id = ${writer.projectId}::uuid and it.external_id = coalesce(r.x, r.t)) end,
             r.t, r.x, r.sk::feedback_score_kind, r.s, r.cm, r.u, r.sg, r.md, r.pv, r.m, r.p, coalesce(r.at, now())
      from rows from (jsonb_to_recordset(${batchJson(rows, itemIds)}::text::jsonb)
             as (c text, i bigint, t text, x text, sk text, s smallint, cm text, u text, sg text, md text, pv text, m jsonb, p jsonb, at timestamptz))
           with ordinality as r(c, i, t, x, sk, s, cm, u, sg, md, pv, m, p, at, n)
      order by r.n
      on conflict do nothing
      returning id, client_id`;
    return inserted.map((r) => ({ id: Number(r.id), clientId: r.client_id }));
  };
  const inserted = inline ? await batchTransaction(db, writer.projectId, write) : await write(db);
  return { ids: matchInserted(rows, inserted) };
}

/**
 * Which rows got which new id: a row without a client id always goes in (in order); of the rows
 * sharing a client id only the first can, and only when the project did not have it yet.
 */
function matchInserted(rows: PreparedFeedback[], inserted: { id: number; clientId: string | null }[]): (number | null)[] {
  const byClient = new Map<string, number>();
  const anonymous: number[] = [];
  for (const r of inserted) {
    if (r.clientId === null) anonymous.push(r.id);
    else byClient.set(r.clientId, r.id);
  }
  let next = 0;
  return rows.map((row) => {
    if (row.clientId === null) return anonymous[next++] ?? null;
    const id = byClient.get(row.clientId);
    byClient.delete(row.clientId);
    return id ?? null;
  });
}

/** The inline outputs as items (held or open), each found again if it was there: item id per row. */
async function storeItems(tx: Db, projectId: string, rows: PreparedFeedback[]): Promise<(number | null)[]> {
  const unique = new Map<string, PreparedItem>();
  for (const r of rows) if (r.item && !unique.has(keyOf(r.item))) unique.set(keyOf(r.item), r.item);
  const list = [...unique.values()];
  const json = `[${list.map((i) => `{"e":${i.externalId === null ? "null" : JSON.stringify(i.externalId)},"k":"${i.inputKey}","l":"${i.outputsKey}","i":${i.input},"o":${i.outputs},"m":${i.metadata},"q":${i.open}}`).join(",")}]`;
  await tx.execute(sql`
    insert into items (project_id, external_id, input_key, outputs_key, input, outputs, metadata, source, status, random_key)
    select ${projectId}, r.e, r.k, r.l, r.i, r.o, r.m, 'feedback', case when r.q then 'open' else 'held' end::item_status,
           case when r.q and (select item_order from projects where id = ${projectId}) = 'random' then floor(random() * 2147483647)::int end
    from rows from (jsonb_to_recordset(${json}::jsonb) as (e text, k uuid, l uuid, i jsonb, o jsonb, m jsonb, q boolean)) with ordinality as r(e, k, l, i, o, m, q, n)
    order by r.n
    on conflict do nothing`);
  const externals = list.filter((i) => i.externalId !== null).map((i) => i.externalId!);
  const keys = list.filter((i) => i.externalId === null);
  const found = await tx.execute<{ id: number; external_id: string | null; input_key: string; outputs_key: string }>(sql`
    select id, external_id, input_key, outputs_key from items
    where project_id = ${projectId} and external_id = any(${sql.param(externals)}::text[])
    union all
    select i.id, i.external_id, i.input_key, i.outputs_key
    from unnest(${sql.param(keys.map((k) => k.inputKey))}::uuid[], ${sql.param(keys.map((k) => k.outputsKey))}::uuid[]) as k(input_key, outputs_key)
    join items i on i.input_key = k.input_key and i.outputs_key = k.outputs_key and i.external_id is null`);
  const byKey = new Map(found.map((f) => [keyOf({ externalId: f.external_id, inputKey: f.input_key, outputsKey: f.outputs_key }), Number(f.id)]));
  return rows.map((r) => (r.item ? (byKey.get(keyOf(r.item)) ?? null) : null));
}

function batchJson(rows: PreparedFeedback[], itemIds: (number | null)[] | null): string {
  const text = (value: string | null) => (value === null ? "null" : JSON.stringify(value));
  return `[${rows
    .map(
      (r, n) =>
        `{"c":${text(r.clientId)},"i":${itemIds?.[n] ?? "null"},"t":${text(r.traceId)},"x":${text(r.externalId)},"sk":${text(r.scoreKind)},"s":${r.score ?? "null"},` +
        `"cm":${JSON.stringify(r.comment)},"u":${text(r.userId)},"sg":${text(r.segment)},"md":${text(r.model)},"pv":${text(r.promptVersion)},` +
        `"m":${JSON.stringify(r.metadata)},"p":${r.pii ? JSON.stringify(r.pii) : "null"},"at":${text(r.occurredAt)}}`,
    )
    .join(",")}]`;
}
