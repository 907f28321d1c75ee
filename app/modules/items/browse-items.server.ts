import { sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "~/db.server";
import type { Actor } from "~/modules/auth/actor";
import { filterCondition } from "~/modules/datasets/filter-sql.server";
import { datasetFilterSchema, type DatasetFilterInput } from "~/modules/datasets/schemas";
import { authorizeProject } from "~/modules/projects/authorize.server";
import { getTemplate } from "~/modules/templates/get-template.server";
import { ValidationError } from "~/utils/errors";
import { parseOrThrow } from "~/utils/validation";
import { itemQuerySchema, type ItemQuery, type ItemQueryInput, type ItemSort } from "./schemas";

export const MAX_PAGE = 1000;
/** Past this many matches the data manager says "10,000+" instead of counting on. */
export const COUNT_CAP = 10_000;
export const PREVIEW_CHARS = 120;

/**
 * The full-text vector of an item's input and outputs: every string in their JSON
 * (db/functions/loupe_item_search.sql). Spelled as the expression of items_search_idx.
 */
export const SEARCH_VECTOR = sql`loupe_item_search(i.input, i.outputs)`;

/** A list as one array parameter (drizzle spreads a JS array into a row of parameters). */
export const pgArray = (values: readonly (string | number)[]) => `{${values.map((v) => (typeof v === "number" ? String(v) : JSON.stringify(v))).join(",")}}`;

type Key = { sort: ItemSort; priority: number; id: number };

/** An opaque cursor: the sort key and id of an item (`i:<id>` for id order, as the items API always gave). */
export const encodeCursor = (key: Key) => Buffer.from(key.sort === "id" ? `i:${key.id}` : `p:${key.priority}:${key.id}`).toString("base64url");

export function decodeCursor(cursor: string, sort: ItemSort, field = "query.cursor"): Key {
  const text = Buffer.from(cursor, "base64url").toString("utf8");
  const byId = /^i:(\d{1,18})$/.exec(text);
  if (byId && sort === "id") return { sort, priority: 0, id: Number(byId[1]) };
  const byPriority = /^p:(-?\d{1,7}):(\d{1,18})$/.exec(text);
  if (byPriority && sort === "priority") return { sort, priority: Number(byPriority[1]), id: Number(byPriority[2]) };
  throw new ValidationError(`${field.replace(/^query\./, "")}: Expected a cursor of a previous page in the same sort order.`, [
    { field, message: "Expected a cursor of a previous page in the same sort order." },
  ]);
}

export type Browse = { query: ItemQueryInput; filter?: DatasetFilterInput | unknown };

/** The WHERE of a browse over `items i`: the dataset filter (status "any" unless given), the item status and the search. */
export async function browseCondition(db: Db, projectId: string, input: Browse, use: "scan" | "page" = "page"): Promise<{ where: SQL; query: ItemQuery }> {
  const query = parseOrThrow(itemQuerySchema, input.query ?? {});
  const given = (input.filter ?? {}) as Record<string, unknown>;
  // why gold "include" by default: the data manager shows every item, gold ones too (datasets leave them out unless asked).
  const { filter } = parseOrThrow(z.object({ filter: datasetFilterSchema }), { filter: { ...given, status: given.status ?? "any", gold: given.gold ?? "include" } });
  const questions = (await getTemplate(db, projectId))?.questions ?? [];
  const parts = [filterCondition(projectId, filter, questions, use)];
  if (query.state) parts.push(sql`i.status = ${query.state}::item_status`);
  if (query.q) parts.push(sql`${SEARCH_VECTOR} @@ websearch_to_tsquery('english'::regconfig, ${query.q})`);
  return { where: sql.join(parts, sql` and `), query };
}

/**
 * One keyset page of the items matching `where`, in the query's sort: after a cursor (forward) or
 * before one (backward: the comparison and the order reversed, the rows turned back). Sorts are
 * those an index serves: (project_id, id) and (project_id, priority, id), both directions.
 */
export function pageQuery(where: SQL, query: ItemQuery, page: { after?: Key; before?: Key; limit: number; metaKeys?: string[]; full?: boolean }): SQL {
  const backward = page.before !== undefined;
  const descending = (query.dir === "desc") !== backward;
  const key = page.before ?? page.after;
  const order = descending ? sql`desc` : sql`asc`;
  const cmp = descending ? sql`<` : sql`>`;
  const keyset = !key ? sql`true` : query.sort === "id" ? sql`i.id ${cmp} ${key.id}` : sql`(i.priority, i.id) ${cmp} (${key.priority}::int, ${key.id}::bigint)`;
  const orderBy = query.sort === "id" ? sql`i.id ${order}` : sql`i.priority ${order}, i.id ${order}`;
  const metaKeys = page.metaKeys ?? [];
  const fields =
    page.full
      ? sql`i.id, i.external_id as "externalId", i.input, i.outputs, i.reference, i.metadata, i.gold, i.priority, i.status, i.source, i.created_at as "createdAt"`
      : sql`i.id, i.external_id as "externalId", i.status, i.priority, i.submitted_count as "submittedCount", i.resolved_at as "resolvedAt", i.created_at as "createdAt",
      i.gold is not null as "hasGold",
      left(case when i.input ->> 'type' = 'text' then i.input ->> 'text'
        else (select string_agg((m ->> 'role') || ': ' || (m ->> 'content'), ' ' order by n) from jsonb_array_elements(i.input -> 'messages') with ordinality as t(m, n)) end, ${PREVIEW_CHARS + 1}) as preview,
      coalesce((select array_agg(distinct o ->> 'model') from jsonb_array_elements(i.outputs) o where o ->> 'model' is not null), '{}') as models,
      (select min(r.agreement) from resolutions r where r.item_id = i.id) as agreement,
      ${metaKeys.length ? sql`(select jsonb_object_agg(e.key, e.value) from jsonb_each(i.metadata) e where e.key = any(${pgArray(metaKeys)}::text[]))` : sql`null::jsonb`} as metadata`;
  return sql`
    select ${fields}
    from items i where ${where} and ${keyset}
    order by ${orderBy} limit ${page.limit + 1}`;
}

export type ItemRow = {
  id: number;
  externalId: string | null;
  status: "open" | "done" | "held" | "gold";
  priority: number;
  submittedCount: number;
  resolvedAt: string | null;
  createdAt: string;
  hasGold: boolean;
  preview: string;
  models: string[];
  agreement: number | null;
  metadata: Record<string, unknown> | null;
};

/** One keyset page of `where` in the query's order, with the cursors either side of it. */
export async function runPage<R extends { id: number; priority: number }>(
  db: Db,
  where: SQL,
  query: ItemQuery,
  input: { after?: string; before?: string; limit?: number; metaKeys?: string[]; full?: boolean; cursorField?: string },
) {
  if (input.after && input.before) throw new ValidationError("before: Give after or before, not both.", [{ field: "query.before", message: "Give after or before, not both." }]);
  const limit = Math.min(Math.max(input.limit ?? 50, 1), MAX_PAGE);
  const after = input.after ? decodeCursor(input.after, query.sort, input.cursorField ?? "query.after") : undefined;
  const before = input.before ? decodeCursor(input.before, query.sort, "query.before") : undefined;
  const raw = await db.execute<R & { id: string | number }>(pageQuery(where, query, { after, before, limit, metaKeys: input.metaKeys, full: input.full }));
  const more = raw.length > limit;
  const rows = (more ? raw.slice(0, limit) : raw).map((r) => ({ ...r, id: Number(r.id) }) as R);
  if (before) rows.reverse();
  const keyOf = (r: R): Key => ({ sort: query.sort, priority: r.priority, id: r.id });
  const first = rows[0];
  const last = rows.at(-1);
  // why: going back, "more" means there are rows before this page; the page we came from is after it.
  const hasNext = before ? true : more;
  const hasPrev = before ? more : after !== undefined;
  return { rows, nextCursor: hasNext && last ? encodeCursor(keyOf(last)) : null, prevCursor: hasPrev && first ? encodeCursor(keyOf(first)) : null };
}

/**
 * A page of a project's items for the data manager and the items API: the dataset filter, item
 * status, full-text search over input and outputs, sorted on indexed keys, keyset-paged both ways,
 * with a count that stops at COUNT_CAP (never a count of the whole project per page).
 */
export async function browseItems(
  db: Db,
  actor: Actor,
  projectId: string,
  input: Browse & { after?: string; before?: string; limit?: number; metaKeys?: string[]; count?: boolean },
) {
  await authorizeProject(db, actor, projectId, "items.read");
  const { where, query } = await browseCondition(db, projectId, input);
  const page = await runPage<ItemRow>(db, where, query, input);
  const [project] = await db.execute<{ overlap: number }>(sql`select overlap from projects where id = ${projectId}`);
  return {
    query,
    overlap: project?.overlap ?? 1,
    rows: page.rows.map((r) => ({ ...r, preview: clip(r.preview ?? "") })),
    nextCursor: page.nextCursor,
    prevCursor: page.prevCursor,
    count: input.count ? await countMatches(db, where) : null,
  };
}

/** How many items match, up to COUNT_CAP (`capped` when there are more): an index walk that stops, never a full count. */
export async function countMatches(db: Db, where: SQL): Promise<{ n: number; capped: boolean }> {
  const [row] = await db.execute<{ n: number }>(sql`select count(*)::int as n from (select 1 from items i where ${where} limit ${COUNT_CAP + 1}) m`);
  const n = row?.n ?? 0;
  return { n: Math.min(n, COUNT_CAP), capped: n > COUNT_CAP };
}

/** Metadata field names seen on a project's newest 500 items: what the column picker offers. */
export async function sampleMetadataKeys(db: Db, projectId: string): Promise<string[]> {
  const rows = await db.execute<{ key: string }>(sql`
    select distinct k as key from (select metadata from items i where i.project_id = ${projectId} order by i.id desc limit 500) s, jsonb_object_keys(s.metadata) k
    order by 1 limit 100`);
  return rows.map((r) => r.key);
}

const clip = (text: string) => {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > PREVIEW_CHARS ? `${flat.slice(0, PREVIEW_CHARS)}…` : flat;
};
