import type postgres from "postgres";
import { sqlOf, type Db } from "~/db.server";
import type { Actor } from "~/modules/auth/actor";
import { recordAudit } from "~/modules/audit/record-audit.server";
import { authorizeProject } from "~/modules/projects/authorize.server";
import { checkAnswers } from "~/modules/templates/answers";
import type { Question } from "~/modules/templates/schemas";
import { emitEvent } from "~/modules/webhooks/emit-event.server";
import { NotFoundError, ValidationError } from "~/utils/errors";
import { kindOf } from "~/modules/questions";
import { hasConsensus } from "./consensus";
import { refreshResolutions } from "./refresh-resolutions.server";

export type AdjudicateInput = { itemId: number; questionKey: string } & ({ value: unknown; fromAnnotationId?: undefined } | { fromAnnotationId: string; value?: undefined });
export type AdjudicationTarget = { projectId: string; question: Question; outputs: { text: string }[] };

const invalid = (field: string, message: string) => new ValidationError(`${field}: ${message}`, [{ field, message }]);

/** The item's project and the question being settled, for a manager (reviewers: 403, outsiders: 404). */
export async function adjudicationTarget(db: Db, actor: Actor, itemId: number, questionKey: string): Promise<AdjudicationTarget> {
  if (!Number.isSafeInteger(itemId) || itemId <= 0) throw new NotFoundError("No such item.");
  const [row] = await sqlOf(db)<{ project_id: string; outputs: { text: string }[]; questions: Question[] | null }[]>`
    select i.project_id, i.outputs, t.questions from items i join projects p on p.id = i.project_id
    left join review_templates t on t.project_id = p.id and t.version = p.template_version
    where i.id = ${itemId}`;
  if (!row) throw new NotFoundError("No such item.");
  await authorizeProject(db, actor, row.project_id, "annotations.adjudicate");
  const question = (row.questions ?? []).find((q) => q.key === questionKey);
  if (!question) throw invalid("questionKey", "There is no question with this key in the current template.");
  if (!hasConsensus(question)) throw invalid("questionKey", "A text question has no final answer to adjudicate.");
  return { projectId: row.project_id, question, outputs: row.outputs };
}

/**
 * A manager settles one question of an item: either one reviewer's answer (`fromAnnotationId`)
 * or a final answer they write (`value`, checked with the same rules as a reviewer's answer).
 * The adjudicated value wins over the votes and survives refreshes until cleared; the item is
 * re-resolved and the change audited in the same transaction.
 */
export async function adjudicate(db: Db, actor: Actor, input: AdjudicateInput) {
  const target = await adjudicationTarget(db, actor, input.itemId, input.questionKey);
  const { question } = target;
  let raw = input.value;
  if (input.fromAnnotationId !== undefined) {
    const [picked] = await sqlOf(db)<{ values: Record<string, unknown> }[]>`
      select values from annotations where id::text = ${input.fromAnnotationId} and item_id = ${input.itemId} and status = 'submitted'`;
    if (!picked) throw invalid("fromAnnotationId", "No submitted answer of this item has this id.");
    raw = picked.values[question.key];
    if (raw === undefined || raw === null) throw invalid("fromAnnotationId", "That reviewer did not answer this question.");
  }
  const value = finalValue(question, raw, target.outputs);
  return db.transaction(async (tx) => {
    const [before] = await sqlOf(tx)<{ resolved_at: Date | null }[]>`select resolved_at from items where id = ${input.itemId} for no key update`;
    await sqlOf(tx)`
      insert into resolutions (item_id, project_id, question_key, status, value, method, agreement, annotation_count, detail, adjudicated_by, adjudicated_at)
      values (${input.itemId}, ${target.projectId}, ${question.key}, 'resolved', ${JSON.stringify(value)}::text::jsonb, 'adjudicated', null, 0,
              ${JSON.stringify(input.fromAnnotationId ? { fromAnnotation: input.fromAnnotationId } : {})}::text::jsonb, ${actor.userId}, now())
      on conflict (item_id, question_key) do update set status = 'resolved', value = excluded.value, method = 'adjudicated',
        detail = (resolutions.detail - 'fromAnnotation') || excluded.detail, adjudicated_by = excluded.adjudicated_by, adjudicated_at = now(), computed_at = now()`;
    await recordAudit(tx, {
      actorUserId: actor.userId,
      action: "resolution.adjudicate",
      targetType: "item",
      targetId: String(input.itemId),
      data: { question: question.key, value, ...(input.fromAnnotationId ? { fromAnnotation: input.fromAnnotationId } : {}) },
    });
    await refreshResolutions(tx, target.projectId, { itemIds: [input.itemId] });
    const outcome = await readOutcome(sqlOf(tx), input.itemId, question.key);
    // why: an item that was resolved already is not reported by the refresh (its resolved_at stays), yet a manager settling it changes its answer.
    if (before?.resolved_at && outcome.resolvedAt) {
      const at = new Date().toISOString();
      await emitEvent(tx, target.projectId, "item.resolved", {
        key: `${input.itemId}:adjudicated:${question.key}:${at}`,
        data: { item_id: input.itemId, resolved_at: outcome.resolvedAt.toISOString(), adjudicated: true, question_key: question.key },
      });
    }
    return outcome;
  });
}

/** Removes a manager's adjudication: the question goes back to its votes, the item is re-resolved; audited. */
export async function clearAdjudication(db: Db, actor: Actor, input: { itemId: number; questionKey: string }) {
  const target = await adjudicationTarget(db, actor, input.itemId, input.questionKey);
  return db.transaction(async (tx) => {
    const removed = await sqlOf(tx)`
      delete from resolutions where item_id = ${input.itemId} and question_key = ${input.questionKey} and method = 'adjudicated' returning item_id`;
    if (!removed.length) throw new NotFoundError("This question has no adjudication to clear.");
    await recordAudit(tx, { actorUserId: actor.userId, action: "resolution.clear", targetType: "item", targetId: String(input.itemId), data: { question: input.questionKey } });
    await refreshResolutions(tx, target.projectId, { itemIds: [input.itemId] });
    return readOutcome(sqlOf(tx), input.itemId, input.questionKey);
  });
}

async function readOutcome(sql: postgres.Sql, itemId: number, questionKey: string) {
  const [row] = await sql<{ status: string | null; value: unknown; method: string | null; resolved_at: string | null }[]>`
    select r.status, r.value, r.method, i.resolved_at from items i
    left join resolutions r on r.item_id = i.id and r.question_key = ${questionKey}
    where i.id = ${itemId}`;
  return { status: row?.status ?? null, value: row?.value ?? null, method: row?.method ?? null, resolvedAt: row?.resolved_at ? new Date(row.resolved_at) : null };
}

/** The answer checked as a reviewer's would be, then put in the resolution shape of its kind. */
function finalValue(q: Question, value: unknown, outputs: { text: string }[]): unknown {
  if (value === undefined || value === null || value === "") throw invalid("value", "Give the final answer.");
  // why: an empty list is a real final answer for flags, multi-choice and spans ("none").
  const issues = checkAnswers({ questions: [{ ...q, required: !Array.isArray(value) }] }, { [q.key]: value }, { outputs });
  if (issues.length) throw invalid("value", issues[0]!.message);
  return kindOf(q).asResolution(q, value);
}
