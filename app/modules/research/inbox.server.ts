import { sql, type SQL } from "drizzle-orm";
import type { Db } from "~/db.server";
import type { Actor } from "~/modules/auth/actor";
import { authorizeProject } from "~/modules/projects/authorize.server";
import { parseOrThrow } from "~/utils/validation";
import { attribute, othersHidden, type Attributed } from "./comment.server";
import { inboxFilterSchema, type InboxFilter } from "./schemas";

export const PAGE_SIZE = 50;
/** Counts stop here ("10,000+"): a count never walks a million rows on each keystroke. */
export const COUNT_BOUND = 10_000;
/**
 * How many of the newest comments a search page (and the fuzzy tier's count) reads in time order
 * before it asks the indexes instead. A term in more than about 1 in 100 comments fills its page
 * within this walk; a rarer one has few matches, which its index finds and sorts at once. Without
 * the walk a common term sorts all its matches, and a term the planner wrongly thinks common walks
 * every comment.
 */
export const WALK_ROWS = 5_000;

/** Where the list resumes: the last row's tier (1 = an exact full-text match), time and id. */
export type InboxCursor = { exact: 0 | 1; at: string; id: number };

export function encodeCursor(c: InboxCursor): string {
  return Buffer.from(`${c.exact}|${c.at}|${c.id}`).toString("base64url");
}

export function decodeCursor(text: string | undefined | null): InboxCursor | null {
  if (!text) return null;
  const [exact, at, id] = Buffer.from(text, "base64url").toString().split("|");
  const n = Number(id);
  if ((exact !== "0" && exact !== "1") || !at || Number.isNaN(Date.parse(at)) || !Number.isSafeInteger(n) || n <= 0) return null;
  return { exact: exact === "1" ? 1 : 0, at, id: n };
}

/** A coding or coded mark row `c` the viewer may see on comment `f`. */
const visible = (c: string, f: SQL, viewer: string, sampleView: boolean) => sql`(${sql.raw(c)}.coder_id = ${viewer} or not ${othersHidden(f, viewer, sampleView)})`;

/** A search's two tiers: 1 = exact full-text matches, 0 = fuzzy (trigram) matches that are not exact. */
export type Tier = 0 | 1;

/**
 * The filter as SQL. With a search, `tier` picks one tier: each is asked on its own (see
 * listInbox), so a common word's page comes from its exact matches alone and its fuzzy matches,
 * which for such a word are most of the table, are never read unless the exact ones run out.
 */
function conditions(projectId: string, filter: InboxFilter, viewer: string, tier: Tier = 1): { where: SQL; exact: SQL } {
  const f = sql`f.id`;
  const sampleView = filter.sample !== undefined;
  const parts: SQL[] = [sql`f.project_id = ${projectId}`];
  let exact: SQL = sql`0`;
  if (filter.q) {
    const tsq = sql`websearch_to_tsquery('english', ${filter.q})`;
    exact = sql`${tier}::int`;
    // why: the tsvector finds stems ("suggestion" for "suggestions"); the trigram index finds a typo ("sugestions").
    parts.push(tier === 1 ? sql`f.comment_tsv @@ ${tsq}` : sql`${filter.q} <% f.comment and not (f.comment_tsv @@ ${tsq})`);
  }
  if (filter.source) parts.push(sql`f.source = ${filter.source}`);
  if (filter.score === "up" || filter.score === "down") parts.push(sql`f.score_kind = 'thumbs' and f.score = ${filter.score === "up" ? 1 : 0}`);
  else if (filter.score) parts.push(sql`f.score_kind = 'stars' and f.score = ${Number(filter.score)}`);
  if (filter.segment) parts.push(sql`f.segment = ${filter.segment}`);
  if (filter.model) parts.push(sql`f.model = ${filter.model}`);
  if (filter.promptVersion) parts.push(sql`f.prompt_version = ${filter.promptVersion}`);
  if (filter.from) parts.push(sql`f.occurred_at >= ${filter.from}::date`);
  if (filter.to) parts.push(sql`f.occurred_at < ${filter.to}::date + 1`);
  if (filter.sample) parts.push(sql`exists (select 1 from coding_sample_items si where si.sample_id = ${filter.sample} and si.feedback_id = f.id)`);
  if (filter.theme) {
    parts.push(sql`exists (select 1 from codings c where c.feedback_id = f.id and ${visible("c", f, viewer, sampleView)}
      and c.theme_id in (select t.id from themes t where t.project_id = ${projectId} and (t.id = ${filter.theme} or t.parent_id = ${filter.theme})))`);
  }
  const codedBy = (who: "me" | "anyone") =>
    who === "me"
      ? sql`exists (select 1 from feedback_coded fc where fc.feedback_id = f.id and fc.coder_id = ${viewer})`
      : sql`exists (select 1 from feedback_coded fc where fc.feedback_id = f.id and ${visible("fc", f, viewer, sampleView)})`;
  if (filter.coded === "me") parts.push(codedBy("me"));
  if (filter.coded === "not-me") parts.push(sql`not ${codedBy("me")}`);
  if (filter.coded === "anyone") parts.push(codedBy("anyone"));
  if (filter.coded === "none") parts.push(sql`not ${codedBy("anyone")}`);
  return { where: sql.join(parts, sql` and `), exact };
}

export type InboxRow = {
  id: number;
  source: "end_user" | "reviewer";
  scoreKind: "thumbs" | "stars" | null;
  score: number | null;
  comment: string;
  segment: string | null;
  model: string | null;
  promptVersion: string | null;
  occurredAt: string;
  exact: boolean;
  codedByMe: boolean;
  /** Coders whose coded mark the viewer may see (the viewer included). */
  coders: number;
  /** The themes of the codings the viewer may see, by name. */
  themes: { id: string; name: string }[];
  author: Attributed;
};

export type InboxPage = {
  rows: InboxRow[];
  next: string | null;
  count: number;
  countLabel: string;
};

/** The page query (exported for the query-plan test): `limit + 1` rows, the extra one saying whether there is a next page. */
/**
 * One page of one tier (a search's; without a search, the only one), after `cursor` when it is in
 * this tier. `plan`: "walk" reads only the newest WALK_ROWS comments after the cursor, in time order;
 * "matches" finds every match first (by the search's index) and sorts them; "index" (no search)
 * walks the time index.
 */
export function inboxPageQuery(
  projectId: string,
  filter: InboxFilter,
  viewer: string,
  cursor: InboxCursor | null,
  limit: number,
  tier: Tier = 1,
  plan: "walk" | "matches" | "index" = filter.q ? "matches" : "index",
): SQL {
  const { where, exact } = conditions(projectId, filter, viewer, tier);
  const inTier = cursor && (!filter.q || cursor.exact === tier);
  const after = inTier ? sql`and (f.occurred_at, f.id) < (${cursor.at}::timestamptz, ${cursor.id})` : sql``;
  const source =
    plan === "walk"
      ? sql`(select * from feedback f where f.project_id = ${projectId} ${after} order by f.occurred_at desc nulls last, f.id desc nulls last limit ${WALK_ROWS}) f`
      : sql`feedback f`;
  const page = sql`select f.*, ${exact} as exact from ${source} where ${where} ${after}`;
  // why: materialized, so the planner finds the matches by the search's index and sorts them, instead
  // of walking the time index hoping to meet matches early (which for a rare term reads every comment).
  const chosen =
    plan === "matches"
      ? sql`(with m as materialized (${page}) select * from m order by m.occurred_at desc nulls last, m.id desc nulls last limit ${limit + 1}) f`
      : sql`(${page} order by f.occurred_at desc nulls last, f.id desc nulls last limit ${limit + 1}) f`;
  const sampleView = filter.sample !== undefined;
  // why: the page is chosen first (by the index, in order, limited); only its rows are then joined
  // and annotated, so the planner never hashes the whole project to attach reviewer names. "nulls
  // last" as the index has it (drizzle writes DESC NULLS LAST), or the planner sorts instead of walking it.
  return sql`
    select f.id, f.source, f.score_kind, f.score, f.comment, f.segment, f.model, f.prompt_version, f.user_id,
      to_char(f.occurred_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as occurred_at, f.exact,
      a.user_id as reviewer_id, u.name as reviewer_name, u.email as reviewer_email,
      exists (select 1 from feedback_coded fc where fc.feedback_id = f.id and fc.coder_id = ${viewer}) as coded_by_me,
      (select count(*)::int from feedback_coded fc where fc.feedback_id = f.id and ${visible("fc", sql`f.id`, viewer, sampleView)}) as coders,
      coalesce((select json_agg(json_build_object('id', t.id, 'name', t.name) order by t.position, lower(t.name)) from themes t
        where exists (select 1 from codings c where c.feedback_id = f.id and c.theme_id = t.id and ${visible("c", sql`f.id`, viewer, sampleView)})), '[]') as themes
    from ${chosen}
    left join annotations a on a.id = f.annotation_id
    left join users u on u.id = a.user_id
    order by f.exact desc, f.occurred_at desc, f.id desc`;
}

/**
 * One page of a project's comments matching the filter: exact full-text matches first, then fuzzy
 * (typo) matches, each newest first; keyset-paged (no OFFSET), so a page costs the same at row
 * 1,000,000 as at row 1, and rows inserted meanwhile neither repeat nor push rows off a page.
 */
export async function listInbox(db: Db, actor: Actor, projectId: string, rawFilter: InboxFilter, cursorText?: string | null, limit = PAGE_SIZE): Promise<InboxPage> {
  const access = await authorizeProject(db, actor, projectId, "feedback.read");
  const filter = parseOrThrow(inboxFilterSchema, rawFilter);
  const cursor = decodeCursor(cursorText);
  const page1 = (q: SQL) => db.execute(q) as unknown as Promise<RawRow[]>;
  // why: exact matches first, then fuzzy ones; the fuzzy tier is read only for the rest of a page
  // the exact tier could not fill (limit + 1 rows tell whether there is a next page).
  let rows: RawRow[] = [];
  // why: the newest comments first; only when they do not fill the page are all matches found (see WALK_ROWS).
  const tierPage = async (tier: Tier, wanted: number) => {
    const walked = await page1(inboxPageQuery(projectId, filter, actor.userId, cursor, wanted, tier, "walk"));
    return walked.length > wanted ? walked : page1(inboxPageQuery(projectId, filter, actor.userId, cursor, wanted, tier, "matches"));
  };
  if (!filter.q) rows = await page1(inboxPageQuery(projectId, filter, actor.userId, cursor, limit));
  else {
    if (!cursor || cursor.exact === 1) rows = await tierPage(1, limit);
    if (rows.length <= limit) rows = rows.concat(await tierPage(0, limit - rows.length));
  }
  const page = rows.slice(0, limit);
  const authors = await attribute(db, actor, projectId, access.role, page);
  const last = page.at(-1);
  const next =
    rows.length > limit && last
      ? encodeCursor({
          exact: last.exact ? 1 : 0,
          at: last.occurred_at,
          id: Number(last.id),
        })
      : null;
  // why: a first page that holds every match is its own exact count.
  const { count, atLeast } = !cursor && rows.length <= limit ? { count: rows.length, atLeast: false } : await countInbox(db, projectId, filter, actor.userId);
  return {
    rows: page.map((r, i) => ({
      id: Number(r.id),
      source: r.source,
      scoreKind: r.score_kind,
      score: r.score,
      comment: r.comment,
      segment: r.segment,
      model: r.model,
      promptVersion: r.prompt_version,
      occurredAt: r.occurred_at,
      exact: Boolean(r.exact),
      codedByMe: r.coded_by_me,
      coders: r.coders,
      themes: r.themes,
      author: authors[i]!,
    })),
    next,
    count,
    countLabel: count > COUNT_BOUND ? `${COUNT_BOUND.toLocaleString("en-US")}+` : `${count.toLocaleString("en-US")}${atLeast ? "+" : ""}`,
  };
}

type RawRow = {
  id: number | string;
  source: "end_user" | "reviewer";
  score_kind: "thumbs" | "stars" | null;
  score: number | null;
  comment: string;
  segment: string | null;
  model: string | null;
  prompt_version: string | null;
  user_id: string | null;
  occurred_at: string;
  exact: number;
  reviewer_id: string | null;
  reviewer_name: string | null;
  reviewer_email: string | null;
  coded_by_me: boolean;
  coders: number;
  themes: { id: string; name: string }[];
};

/** The number of matches, exact up to COUNT_BOUND and COUNT_BOUND + 1 beyond it. */
/**
 * The number of matches: exact up to COUNT_BOUND (then COUNT_BOUND + 1). A search's fuzzy matches
 * are counted among the newest WALK_ROWS comments only — a typo of a common word is similar to a
 * fifth of all comments, and checking each costs — so with more comments than that the count is a
 * lower bound (`atLeast`, shown as "N+").
 */
async function countInbox(db: Db, projectId: string, filter: InboxFilter, viewer: string): Promise<{ count: number; atLeast: boolean }> {
  const count = async (tier: Tier, bound: number, walk: boolean) => {
    const { where } = conditions(projectId, filter, viewer, tier);
    const source = walk
      ? sql`(select * from feedback f where f.project_id = ${projectId} order by f.occurred_at desc nulls last, f.id desc nulls last limit ${WALK_ROWS}) f`
      : sql`feedback f`;
    const [row] = (await db.execute(sql`select count(*)::int as n from (select 1 from ${source} where ${where} limit ${bound}) m`)) as unknown as { n: number }[];
    return row?.n ?? 0;
  };
  const exact = await count(1, COUNT_BOUND + 1, false);
  // why: past the bound the answer is "10,000+" whatever the fuzzy tier holds.
  if (!filter.q || exact > COUNT_BOUND) return { count: exact, atLeast: false };
  const fuzzy = await count(0, COUNT_BOUND + 1 - exact, true);
  const [total] = (await db.execute(sql`select count(*) > ${WALK_ROWS} as more from (select 1 from feedback where project_id = ${projectId} limit ${WALK_ROWS + 1}) m`)) as unknown as { more: boolean }[];
  return { count: exact + fuzzy, atLeast: Boolean(total?.more) };
}

/** The values the inbox's filter menus offer (segments, models, prompt versions) among the newest 10,000 comments, at most 100 each. */
export async function inboxFacets(db: Db, actor: Actor, projectId: string) {
  await authorizeProject(db, actor, projectId, "feedback.read");
  const values = async (column: "segment" | "model" | "prompt_version") =>
    (
      (await db.execute(
        sql`select distinct v from (select ${sql.raw(
          column
        )} as v from feedback where project_id = ${projectId} order by occurred_at desc nulls last, id desc nulls last limit 10000) r where v is not null order by 1 limit 100`
      )) as unknown as { v: string }[]
    ).map((r) => r.v);
  const [segments, models, promptVersions] = await Promise.all([values("segment"), values("model"), values("prompt_version")]);
  return { segments, models, promptVersions };
}
