import { sql } from "drizzle-orm";
import type { Db } from "~/db.server";
import type { Actor } from "~/modules/auth/actor";
import { authorizeProject } from "~/modules/projects/authorize.server";
import { projectPeople, type SeenPerson } from "~/modules/projects/people.server";
import { can } from "~/modules/projects/policy";
import { getTemplate } from "~/modules/templates/get-template.server";
import { NotFoundError } from "~/utils/errors";
import { browseCondition, encodeCursor, pageQuery, pgArray, type Browse, type ItemRow } from "./browse-items.server";
import type { StoredInput } from "./schemas";

export type HistoryEvent = { at: string; what: string; who: SeenPerson | null; detail: string | null };

type ItemRecord = {
  id: number;
  externalId: string | null;
  input: StoredInput;
  outputs: { text: string; model?: string }[];
  reference: string | null;
  metadata: Record<string, unknown>;
  source: string;
  status: ItemRow["status"];
  priority: number;
  submittedCount: number;
  resolvedAt: string | null;
  gold: Record<string, unknown> | null;
  goldExplanation: string | null;
  createdAt: string;
  overlap: number;
};

/**
 * Everything about one item for the data manager (not blind: outputs carry their models):
 * input, outputs, reference, metadata, gold, every answer with its reviewer as the name rules let
 * the actor see them (answers only with annotations.read_all), suggestions, the consensus per
 * question, a history timeline, and the items before and after it in the browse the actor came from.
 */
export async function getItemDetail(db: Db, actor: Actor, projectId: string, itemId: number, browse: Browse = { query: {} }) {
  const access = await authorizeProject(db, actor, projectId, "items.read");
  const [item] = await db.execute<ItemRecord>(sql`
    select i.id, i.external_id as "externalId", i.input, i.outputs, i.reference, i.metadata, i.source, i.status, i.priority, i.submitted_count as "submittedCount",
      i.resolved_at as "resolvedAt", i.gold, i.gold_explanation as "goldExplanation", i.created_at as "createdAt", p.overlap
    from items i join projects p on p.id = i.project_id where i.id = ${itemId} and i.project_id = ${projectId}`);
  if (!item) throw new NotFoundError("No such item in this project.");
  const subject = { isAdmin: actor.isAdmin, role: access.role };
  const mayReadAnswers = can(subject, "annotations.read_all");
  const questions = (await getTemplate(db, projectId))?.questions ?? [];

  const annotations = mayReadAnswers
    ? await db.execute<{ id: string; userId: string; name: string; email: string; status: string; values: Record<string, unknown>; version: number; durationMs: number | null; submittedAt: string | null; updatedAt: string }>(sql`
        select a.id, a.user_id as "userId", u.name, u.email, a.status, a.values, a.version, a.duration_ms as "durationMs", a.submitted_at as "submittedAt", a.updated_at as "updatedAt"
        from annotations a join users u on u.id = a.user_id where a.item_id = ${itemId} order by a.submitted_at nulls last, a.created_at`)
    : [];
  const suggestions = await db.execute<{ id: number; questionKey: string; value: unknown; confidence: number | null; source: string; origin: string; model: string | null; rationale: string | null; createdAt: string }>(sql`
    select s.id, s.question_key as "questionKey", s.value, s.confidence, s.source, s.origin, s.model, s.rationale, s.created_at as "createdAt"
    from suggestions s where s.item_id = ${itemId} order by s.question_key, s.id`);
  const resolutions = await db.execute<{ questionKey: string; status: string; value: unknown; method: string; agreement: number | null; annotationCount: number; adjudicatedBy: string | null; adjudicatedAt: string | null; computedAt: string }>(sql`
    select r.question_key as "questionKey", r.status, r.value, r.method, r.agreement, r.annotation_count as "annotationCount", r.adjudicated_by as "adjudicatedBy",
      r.adjudicated_at as "adjudicatedAt", r.computed_at as "computedAt"
    from resolutions r where r.item_id = ${itemId} order by r.question_key`);

  const history = await itemHistory(db, itemId, mayReadAnswers);
  const ids = new Set<string>([...annotations.map((a) => a.userId), ...history.flatMap((h) => (h.userId ? [h.userId] : [])), ...resolutions.flatMap((r) => (r.adjudicatedBy ? [r.adjudicatedBy] : []))]);
  const users = ids.size ? await db.execute<{ id: string; name: string; email: string }>(sql`select id, name, email from users where id = any(${pgArray([...ids])}::uuid[])`) : [];
  const people = await projectPeople(db, actor, projectId, access.role);
  const seen = new Map((await people.see(users.map((u) => ({ id: u.id, name: u.name, email: u.email })))).map((p, n) => [users[n]!.id, p]));
  const who = (id: string | null) => (id ? (seen.get(id) ?? null) : null);

  return {
    item,
    questions,
    mayReadAnswers,
    mayManage: can(subject, "items.manage"),
    mayAdjudicate: can(subject, "annotations.adjudicate"),
    answers: annotations.map(({ userId, name: _name, email: _email, ...a }) => ({ ...a, reviewer: who(userId) })),
    suggestions,
    resolutions: resolutions.map(({ adjudicatedBy, ...r }) => ({ ...r, adjudicatedBy: who(adjudicatedBy) })),
    history: history.map(({ userId, ...h }) => ({ ...h, who: who(userId) })),
    neighbours: await neighbours(db, projectId, item, browse),
  };
}

/**
 * The item's life from the tables that record it: import, leases and skips, each saved state of
 * each answer (only with `answers`), consensus and adjudication, and audit entries about it
 * (priority, sent back, gold, skips…), oldest first.
 */
async function itemHistory(db: Db, itemId: number, answers: boolean) {
  const rows = await db.execute<{ at: string; what: string; userId: string | null; detail: string | null }>(sql`
    select i.created_at as at, 'imported' as what, null::uuid as "userId", 'source: ' || i.source as detail from items i where i.id = ${itemId}
    union all
    select a.created_at, 'claimed', a.user_id, null from assignments a where a.item_id = ${itemId}
    union all
    select a.updated_at, 'skipped', a.user_id, a.skip_reason from assignments a where a.item_id = ${itemId} and a.state = 'skipped'
    ${
      answers
        ? sql`union all
    select h.changed_at, case when h.status = 'draft' then 'draft saved' when h.version = 1 or not exists (select 1 from annotation_history p where p.annotation_id = h.annotation_id and p.version < h.version and p.status = 'submitted') then 'submitted' else 'edited' end,
      h.changed_by, 'version ' || h.version
    from annotation_history h join annotations a on a.id = h.annotation_id where a.item_id = ${itemId}`
        : sql``
    }
    union all
    select r.computed_at, case when r.status = 'resolved' then 'resolved' else 'unresolved' end, null, r.question_key || ' (' || r.method || ')' from resolutions r where r.item_id = ${itemId} and r.method <> 'adjudicated'
    union all
    select r.adjudicated_at, 'adjudicated', r.adjudicated_by, r.question_key from resolutions r where r.item_id = ${itemId} and r.adjudicated_at is not null
    union all
    select l.created_at, l.action, l.actor_user_id, nullif(l.data::text, '{}') from audit_log l where l.target_type = 'item' and l.target_id = ${String(itemId)}
    order by 1, 2`);
  return rows.map((r) => ({ ...r, what: describeAction(r.what), detail: r.detail?.startsWith("{") ? describeData(r.detail) : r.detail }));
}

const actionWords: Record<string, string> = {
  "item.skip": "skipped (audit)",
  "item.unskip": "returned to the queue after a skip",
  "item.priority": "priority changed",
  "item.requeue": "sent back to the queue",
  "item.gold": "marked as gold",
  "resolution.adjudicate": "adjudicated (audit)",
  "resolution.clear": "adjudication cleared",
};
const describeAction = (what: string) => actionWords[what] ?? what;
/** An audit entry's data as "key: value" pairs (values as compact JSON when not plain). */
const describeData = (json: string) =>
  Object.entries(JSON.parse(json) as Record<string, unknown>)
    .map(([key, value]) => `${key}: ${typeof value === "string" || typeof value === "number" ? value : JSON.stringify(value)}`)
    .join(", ");

/** The items just before and after this one in the browse the actor came from (its filter, search and sort). */
async function neighbours(db: Db, projectId: string, item: ItemRecord, browse: Browse) {
  const { where, query } = await browseCondition(db, projectId, browse);
  const key = { sort: query.sort, priority: item.priority, id: item.id };
  const [next] = await db.execute<{ id: string }>(pageQuery(where, query, { after: key, limit: 0 }));
  const [prev] = await db.execute<{ id: string }>(pageQuery(where, query, { before: key, limit: 0 }));
  return { prev: prev ? Number(prev.id) : null, next: next ? Number(next.id) : null, cursor: encodeCursor(key) };
}
