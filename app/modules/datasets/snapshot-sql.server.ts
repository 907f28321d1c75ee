import { sql, type SQL } from "drizzle-orm";
import type postgres from "postgres";
import { compile, labelExpression, NO_EXTRA_LABELS, promptKeyExpression, type ExtraLabels } from "./filter-sql.server";
import type { FrozenAnnotation, Roles, Split } from "./formats/frozen";
import type { DatasetOptions } from "./schemas";

type Reader = postgres.ReservedSql;

/**
 * Chooses a snapshot's items on the reader connection (inside its repeatable-read transaction)
 * into the temp table `snapshot_items (id, label, position, split)`: the filter, then dedup
 * (the oldest item per normalized prompt), then per class a seeded shuffle, the cap, and the
 * split by rank. Per class of n items, test gets round(n·test), validation round(n·validation),
 * train the rest, so each split is within one row of its share of every class.
 */
export async function selectSnapshotItems(reader: Reader, where: SQL, roles: Roles, options: DatasetOptions, extra: ExtraLabels = NO_EXTRA_LABELS) {
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
    select i.id, ${labelExpression(roles.label?.key ?? null, extra)} as label, ${promptKey} as prompt_key,
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

// why: json (not jsonb) objects keep the keys in the order written and are built as text, about
// twice as fast as building jsonb and printing it; consensus rows are aggregated in key order.
// why: a lookup per item; a join would hash the whole snapshot_resolutions table for every batch.
const FROZEN_ITEM = `json_build_object('position', s.position, 'itemId', i.id, 'externalId', i.external_id, 'split', s.split, 'input', i.input,
    'outputs', i.outputs, 'resolutions', coalesce((select r.resolutions from snapshot_resolutions r where r.item_id = s.id), '{}'::json),
    'label', s.label)::text || E'\\n'`;
const chosenItems = (from: string, to: string) => `from snapshot_items s
  join items i on i.id = s.id
  where s.position >= ${from} and s.position < ${to}`;

/**
 * Readies the chosen items for reading by position range: an index (temp tables are never
 * auto-analyzed, so with counts too), and every chosen item's consensus rows as one JSON object,
 * aggregated in one pass over `resolutions` (a lookup and an aggregate per item cost twice as much).
 */
export async function prepareSnapshotItems(reader: Reader, projectId: string, extra: ExtraLabels = NO_EXTRA_LABELS) {
  await reader`create index on snapshot_items (position)`;
  await reader`analyze snapshot_items`;
  // why: a gold answer, then a machine label, stands in for the consensus only where the item has
  // no consensus row; its method is its source (gold, classifier or llm), so every format and
  // reader can tell it apart.
  const gold = extra.gold
    ? reader`union all
      select i.id, g.key, 'resolved'::resolution_status, g.value, 'gold', null::real, 0
      from snapshot_items s join items i on i.id = s.id cross join lateral jsonb_each(coalesce(i.gold, '{}'::jsonb)) g
      where not exists (select 1 from resolutions r where r.item_id = i.id and r.question_key = g.key)`
    : reader``;
  const machine = extra.machine
    ? reader`union all
      select m.item_id, m.question_key, 'resolved'::resolution_status, m.value, m.source, null::real, 0
      from machine_labels m join snapshot_items s on s.id = m.item_id
      where m.project_id = ${projectId} and not exists (select 1 from resolutions r where r.item_id = m.item_id and r.question_key = m.question_key)
        ${extra.gold ? reader`and not exists (select 1 from items i where i.id = m.item_id and i.gold ? m.question_key)` : reader``}`
    : reader``;
  await reader`create temp table snapshot_resolutions on commit drop as
    select r.item_id, json_object_agg(r.question_key, json_build_object('status', r.status, 'value', r.value, 'method', r.method,
             'agreement', r.agreement, 'annotations', r.annotation_count) order by r.question_key) as resolutions
    from (select r.item_id, r.question_key, r.status, r.value, r.method::text as method, r.agreement, r.annotation_count
          from resolutions r join snapshot_items s on s.id = r.item_id
          where r.project_id = ${projectId}
          ${gold}
          ${machine}) r
    group by r.item_id`;
  await reader`create index on snapshot_resolutions (item_id)`;
  await reader`analyze snapshot_resolutions`;
}

/**
 * The frozen items at positions [from, to) as JSON lines in position order: each item's input,
 * outputs, consensus, split and label, which PostgreSQL writes. With `store`, the same statement
 * also keeps them as the snapshot's item chunk number `chunk`, so they never travel to Node and
 * back; without (when Node must redact them first), it only reads them. Started at once (not
 * awaited), so it runs while the previous batch is rendered.
 */
export function frozenItems(reader: Reader, datasetId: string, chunk: number, from: number, to: number, store: boolean): Promise<string> {
  const lines = `coalesce(string_agg(${FROZEN_ITEM}, '' order by s.position), '')`;
  const query = store
    ? reader.unsafe<[{ lines: string }]>(`insert into dataset_item_chunks (dataset_id, chunk, lines) select $1, $2, ${lines} ${chosenItems("$3", "$4")} returning lines`, [datasetId, chunk, from, to])
    : reader.unsafe<[{ lines: string }]>(`select ${lines} as lines ${chosenItems("$1", "$2")}`, [from, to]);
  return query.execute().then(([row]) => row.lines);
}

/** Keeps a chunk of frozen items that Node wrote (redacted), started at once. */
export function storeItemChunk(reader: Reader, datasetId: string, chunk: number, lines: string): Promise<unknown> {
  return reader`insert into dataset_item_chunks (dataset_id, chunk, lines) values (${datasetId}, ${chunk}, ${lines})`.execute();
}

type RawAnnotation = { position: number; split: Split; item_id: string; reviewer: string; values: Record<string, unknown>; template_version: number; duration_ms: number | null; submitted_at: string | null; updated_at: string };

/** The submitted annotations of the chosen items at positions [from, to), reviewers as their pseudonyms, in position, then submission order (started at once). */
export function snapshotAnnotations(reader: Reader, projectId: string, from: number, to: number): Promise<FrozenAnnotation[]> {
  return reader<RawAnnotation[]>`
    select s.position, s.split, s.id as item_id, a.pseudonym as reviewer, a.values, a.template_version, a.duration_ms, to_char(a.submitted_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as submitted_at,
           to_char(a.updated_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as updated_at
    from snapshot_items s
    -- why: "offset 0" keeps this a lookup by item (annotations_item_user_key) per chosen item; joined
    -- flat, the planner hashed every annotation of the database for each batch.
    cross join lateral (
      select a.*, (select p.pseudonym from reviewer_pseudonyms p where p.project_id = ${projectId} and p.user_id = a.user_id) as pseudonym
      from annotations a where a.item_id = s.id and a.status = 'submitted' offset 0) a
    where s.position >= ${from} and s.position < ${to} and a.pseudonym is not null
    order by s.position, a.submitted_at, a.pseudonym`
    .execute()
    .then((rows) =>
      rows.map((a) => ({
        position: a.position,
        itemId: Number(a.item_id),
        split: a.split,
        reviewer: a.reviewer,
        values: a.values,
        templateVersion: a.template_version,
        durationMs: a.duration_ms,
        submittedAt: a.submitted_at,
        updatedAt: a.updated_at,
      })),
    );
}

/** Gives every reviewer with a submitted answer in the project a random pseudonym, once. */
export async function ensurePseudonyms(client: postgres.Sql, projectId: string) {
  await client`
    insert into reviewer_pseudonyms (project_id, user_id, pseudonym)
    select ${projectId}, u.user_id, 'reviewer-' || substr(md5(gen_random_uuid()::text), 1, 10)
    from (select distinct user_id from annotations where project_id = ${projectId} and status = 'submitted') u
    on conflict do nothing`;
}
