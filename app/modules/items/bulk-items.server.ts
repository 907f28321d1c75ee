import { sql, type SQL } from "drizzle-orm";
import type { Db } from "~/db.server";
import type { Actor } from "~/modules/auth/actor";
import { recordAudit } from "~/modules/audit/record-audit.server";
import { authorizeProject } from "~/modules/projects/authorize.server";
import { checkAnswers } from "~/modules/templates/answers";
import { getTemplate } from "~/modules/templates/get-template.server";
import { ConflictError, ValidationError } from "~/utils/errors";
import { parseOrThrow } from "~/utils/validation";
import { browseCondition, countMatches, pgArray } from "./browse-items.server";
import { bulkRequestSchema, type BulkAction, type BulkRequest } from "./schemas";

/** Items changed per transaction: each batch locks at most this many rows, briefly. */
export const BULK_BATCH = 1000;
/**
 * The most items one whole-filter action touches in one request (batches of BULK_BATCH in turn).
 * Past it the action is refused with the count, so a click never runs for minutes.
 */
export const BULK_CAP = 50_000;

export type BulkResult = { action: BulkAction["action"]; matched: number; changed: number; skipped: number };

/**
 * A manager's bulk action on chosen items or on every item a filter matches: set the priority,
 * send back to the queue, mark as gold with an answer (checked against the template), or delete
 * (the caller confirms the count it was shown). Runs in id-ordered batches, each one transaction
 * with an audit entry per item changed; one audit entry on the project records the whole action.
 */
export async function bulkItems(db: Db, actor: Actor, projectId: string, input: BulkRequest): Promise<BulkResult> {
  await authorizeProject(db, actor, projectId, "items.manage");
  const { selection, action } = parseOrThrow(bulkRequestSchema, input);
  const ids = selection.ids ? [...new Set(selection.ids)].sort((a, b) => a - b) : null;
  const browse = ids ? null : await browseCondition(db, projectId, { query: selection.query, filter: selection.filter });
  const where = browse ? browse.where : sql`i.project_id = ${projectId} and i.id = any(${pgArray(ids!)}::bigint[])`;
  const counted = browse ? await countMatches(db, where) : { n: (await db.execute<{ n: number }>(sql`select count(*)::int as n from items i where ${where}`))[0]!.n, capped: false };
  if (counted.capped || counted.n > BULK_CAP) {
    throw new ValidationError(`The filter matches more than ${BULK_CAP.toLocaleString("en")} items; narrow it to act on at most ${BULK_CAP.toLocaleString("en")} at a time.`, [
      { field: "selection", message: `Expected at most ${BULK_CAP.toLocaleString("en")} matching items.` },
    ]);
  }
  if (action.action === "delete" && action.confirmCount !== counted.n) {
    throw new ConflictError(`You confirmed deleting ${action.confirmCount} items but ${counted.n} match now; look again and confirm.`, { matched: counted.n });
  }
  const gold = action.action === "gold" ? await goldChecker(db, projectId, action.gold) : null;

  let changed = 0;
  let after = 0;
  for (;;) {
    const done = await db.transaction(async (tx) => {
      const batch = await tx.execute<{ id: string; outputs: { text: string }[]; submitted_count: number; overlap: number }>(sql`
        select i.id, ${gold ? sql`i.outputs` : sql`null`} as outputs, i.submitted_count, p.overlap from items i join projects p on p.id = i.project_id
        where ${where} and i.id > ${after} order by i.id limit ${BULK_BATCH} for update of i`);
      if (!batch.length) return true;
      after = Number(batch.at(-1)!.id);
      const targets = batch.map((r) => Number(r.id));
      if (gold) targets.forEach((_, n) => gold(batch[n]!.outputs, batch[n]!.id));
      changed += await apply(tx, action, targets, projectId);
      if (action.action !== "delete" && targets.length) {
        await tx.execute(sql`insert into audit_log (actor_user_id, action, target_type, target_id, data)
          select ${actor.userId}, ${`item.${action.action}`}, 'item', id::text, ${JSON.stringify(auditData(action))}::jsonb from unnest(${pgArray(targets)}::bigint[]) id`);
      }
      return batch.length < BULK_BATCH;
    });
    if (done) break;
  }
  await recordAudit(db, {
    actorUserId: actor.userId,
    action: `items.bulk_${action.action}`,
    targetType: "project",
    targetId: projectId,
    data: { ...(ids ? { ids } : { query: selection.query, filter: selection.filter ?? null }), count: counted.n, changed, ...auditData(action) },
  });
  return { action: action.action, matched: counted.n, changed, skipped: counted.n - changed };
}

async function apply(tx: Db, action: BulkAction, ids: number[], projectId: string): Promise<number> {
  if (!ids.length) return 0;
  const these = sql`project_id = ${projectId} and id = any(${pgArray(ids)}::bigint[])`;
  const statements: Record<BulkAction["action"], () => SQL> = {
    priority: () => sql`update items set priority = ${action.action === "priority" ? action.priority : 0} where ${these}`,
    // why extra_answers: the claim hands out an open item while its answers and live leases are
    // fewer than overlap + extra_answers, so "k more" raises what the item wants to at least what it
    // has + k; the item is open again, and its consensus waits for the new answers (marked stale, so
    // a resolved item is unresolved until they are in). Held and gold items are left as they are.
    requeue: () => {
      const more = action.action === "requeue" ? action.more : 1;
      return sql`with sent as (
          update items i set extra_answers = greatest(i.extra_answers, i.submitted_count + ${more} - p.overlap), status = 'open'
            from projects p where p.id = i.project_id and i.project_id = ${projectId} and i.id = any(${pgArray(ids)}::bigint[]) and i.status in ('open', 'done')
          returning i.id, i.project_id)
        insert into resolution_stale (item_id, project_id) select id, project_id from sent
        on conflict (item_id) do update set marked_at = now()`;
    },
    gold: () =>
      action.action === "gold" ? sql`update items set gold = ${JSON.stringify(action.gold)}::jsonb, gold_explanation = ${action.explanation || null}, status = 'gold' where ${these}` : sql`select 1`,
    delete: () => sql`delete from items where ${these}`,
  };
  const result = await tx.execute(statements[action.action]());
  return (result as unknown as { count: number }).count;
}

const auditData = (action: BulkAction): Record<string, unknown> =>
  action.action === "priority"
    ? { priority: action.priority }
    : action.action === "gold"
      ? { gold: action.gold, explanation: action.explanation ?? null }
      : action.action === "requeue"
        ? { more: action.more }
        : {};

/** Checks the gold answer against the template once (keys, required answers) and per item (spans and pairwise read its outputs). */
async function goldChecker(db: Db, projectId: string, gold: Record<string, unknown>) {
  const template = await getTemplate(db, projectId);
  if (!template) throw new ValidationError("gold: the project has no template to check a gold answer against.", [{ field: "action.gold", message: "Set up the project's template first." }]);
  return (outputs: { text: string }[], itemId: string) => {
    const issues = checkAnswers(template, gold, { outputs }, true);
    if (!Object.keys(gold).length) issues.push({ field: "values", message: "Answer at least one question." });
    if (issues.length) {
      const named = issues.map((i) => ({ field: i.field.replace(/^values/, "action.gold"), message: i.message }));
      throw new ValidationError(`Item ${itemId}: ${named.map((i) => `${i.field}: ${i.message}`).join("; ")}`, named);
    }
  };
}
