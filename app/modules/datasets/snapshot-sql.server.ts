import { Readable, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { sql, type SQL } from "drizzle-orm";
import type postgres from "postgres";
import { compile, labelExpression, promptKeyExpression } from "./filter-sql.server";
import type { FrozenAnnotation, FrozenRow, Roles, Split } from "./formats/frozen";
import type { DatasetOptions } from "./schemas";

type Reader = postgres.ReservedSql;
const BATCH = 1000;

/**
 * Chooses a snapshot's items on the reader connection (inside its repeatable-read transaction)
 * into the temp table `snapshot_items (id, label, position, split)`: the filter, then dedup
 * (the oldest item per normalized prompt), then per class a seeded shuffle, the cap, and the
 * split by rank. Per class of n items, test gets round(n·test), validation round(n·validation),
 * train the rest, so each split is within one row of its share of every class.
 */
export async function selectSnapshotItems(reader: Reader, where: SQL, roles: Roles, options: DatasetOptions) {
  const run = (query: SQL) => {
    const { text, params } = compile(query);
    return reader.unsafe(text, params as never[]);
  };
  const promptKey = options.dedup ? promptKeyExpression : sql`null::text`;
  const { seed, validation, test } = options.split;
  // why: the shuffle key is the item's identity (external id, else content), not its row id, so
  // the same items with the same seed get the same split in any project or database (so the
  // content part leaves the project out: input_key has it inside).
  await run(sql`create temp table snapshot_candidates on commit drop as
    select i.id, ${labelExpression(roles.label?.key ?? null)} as label, ${promptKey} as prompt_key,
           md5(${String(seed)} || ':' || coalesce(i.external_id, loupe_key(i.input::text)::text || i.outputs_key::text)) as shuffle
    from items i where ${where}`);
  const [{ matched, distinct }] = (await run(sql`select count(*)::int as matched, count(distinct prompt_key)::int as distinct from snapshot_candidates`)) as unknown as [
    { matched: number; distinct: number },
  ];
  const kept = options.dedup
    ? sql`select distinct on (prompt_key) id, label, shuffle from snapshot_candidates order by prompt_key, id`
    : sql`select id, label, shuffle from snapshot_candidates`;
  const cap = options.maxPerClass ?? 2_147_483_647;
  await run(sql`create temp table snapshot_items on commit drop as
    with kept as (${kept}),
    ranked as (
      select id, label, row_number() over (partition by label order by shuffle, id) - 1 as rank,
             count(*) over (partition by label) as n
      from kept
    ),
    capped as (select id, label, rank, least(n, ${cap}::bigint)::numeric as n from ranked where rank < ${cap}::bigint)
    select id, label, (row_number() over (order by id) - 1)::int as position,
      (case when rank < n - round(n * ${test}::numeric) - round(n * ${validation}::numeric) then 'train'
            when rank < n - round(n * ${test}::numeric) then 'validation' else 'test' end)::dataset_split as split
    from capped`);
  const [{ count }] = (await run(sql`select count(*)::int as count from snapshot_items`)) as unknown as [{ count: number }];
  const deduped = options.dedup ? distinct : matched;
  return { matched, dedupRemoved: matched - deduped, capRemoved: deduped - count, selected: count };
}

type RawRow = { position: number; split: Split; label: string | null; item_id: string; external_id: string | null; input: FrozenRow["input"]; outputs: FrozenRow["outputs"]; resolutions: FrozenRow["resolutions"] };

/** The chosen items with their input, outputs and every consensus row, in position order. */
export async function* readSnapshotRows(reader: Reader): AsyncGenerator<FrozenRow> {
  const cursor = reader<RawRow[]>`
    select s.position, s.split, s.label, i.id as item_id, i.external_id, i.input, i.outputs,
      coalesce((select jsonb_object_agg(r.question_key, jsonb_build_object('status', r.status, 'value', r.value, 'method', r.method,
                                        'agreement', r.agreement, 'annotations', r.annotation_count))
                from resolutions r where r.item_id = i.id), '{}'::jsonb) as resolutions
    from snapshot_items s join items i on i.id = s.id
    order by s.position`.cursor(BATCH);
  for await (const batch of cursor) {
    for (const r of batch) {
      yield { position: r.position, itemId: Number(r.item_id), externalId: r.external_id, split: r.split, input: r.input, outputs: r.outputs, resolutions: r.resolutions, label: r.label };
    }
  }
}

type RawAnnotation = { position: number; split: Split; item_id: string; reviewer: string; values: Record<string, unknown>; template_version: number; duration_ms: number | null; submitted_at: string | null; updated_at: string };

/** Every submitted annotation of the chosen items, reviewers as their pseudonyms, in position, then submission order. */
export async function* readSnapshotAnnotations(reader: Reader, projectId: string): AsyncGenerator<FrozenAnnotation> {
  const cursor = reader<RawAnnotation[]>`
    select s.position, s.split, s.id as item_id, p.pseudonym as reviewer, a.values, a.template_version, a.duration_ms, to_char(a.submitted_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as submitted_at,
           to_char(a.updated_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as updated_at
    from snapshot_items s
    join annotations a on a.item_id = s.id and a.status = 'submitted'
    join reviewer_pseudonyms p on p.project_id = ${projectId} and p.user_id = a.user_id
    order by s.position, a.submitted_at, p.pseudonym`.cursor(BATCH);
  for await (const batch of cursor) {
    for (const a of batch) {
      yield {
        position: a.position,
        itemId: Number(a.item_id),
        split: a.split,
        reviewer: a.reviewer,
        values: a.values,
        templateVersion: a.template_version,
        durationMs: a.duration_ms,
        submittedAt: a.submitted_at,
        updatedAt: a.updated_at,
      };
    }
  }
}

/** Gives every reviewer with a submitted answer in the project a random pseudonym, once. */
export async function ensurePseudonyms(client: postgres.Sql, projectId: string) {
  await client`
    insert into reviewer_pseudonyms (project_id, user_id, pseudonym)
    select ${projectId}, u.user_id, 'reviewer-' || substr(md5(gen_random_uuid()::text), 1, 10)
    from (select distinct user_id from annotations where project_id = ${projectId} and status = 'submitted') u
    on conflict do nothing`;
}

/** One CSV field for COPY … WITH (FORMAT csv): null unquoted and empty, anything else quoted. */
export function copyField(value: string | number | null): string {
  if (value === null) return "";
  if (typeof value === "number") return String(value);
  return `"${value.replace(/"/g, '""')}"`;
}

/** Streams lines into `COPY table (columns) FROM STDIN` on the writer, with backpressure. */
export async function copyInto(writer: postgres.TransactionSql, table: string, columns: string[], lines: AsyncIterable<string>) {
  const writable: Writable = await writer.unsafe(`copy ${table} (${columns.join(", ")}) from stdin with (format csv)`).writable();
  await pipeline(Readable.from(lines, { objectMode: false }), writable);
}
