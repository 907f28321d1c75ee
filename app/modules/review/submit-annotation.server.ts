import { and, eq, sql } from "drizzle-orm";
import { annotations } from "~db/schema";
import type { Db } from "~/db.server";
import type { Actor } from "~/modules/auth/actor";
import { authorizeProject } from "~/modules/projects/authorize.server";
import { checkAnswers, type Answers } from "~/modules/templates/answers";
import { getTemplate } from "~/modules/templates/get-template.server";
import { ConflictError, NotFoundError, ValidationError } from "~/utils/errors";

export type SubmitInput = { itemId: number; values: Answers; idempotencyKey: string; durationMs?: number };
export type SubmittedAnnotation = { id: string; itemId: number; version: number; values: Answers; templateVersion: number; created: boolean };

/**
 * Submits the reviewer's answer to an item. Retrying with the same idempotency key returns the
 * first result instead of answering twice. The answer must fit the current template; the item
 * must still have room (its overlap), which the reviewer's lease normally guarantees.
 */
export async function submitAnnotation(db: Db, actor: Actor, input: SubmitInput): Promise<SubmittedAnnotation> {
  const item = await loadItem(db, input.itemId);
  await authorizeProject(db, actor, item.projectId, "review.annotate");

  const replay = await findByKey(db, actor.userId, input.idempotencyKey);
  if (replay) return replay;

  const template = await getTemplate(db, item.projectId);
  if (!template) throw new ConflictError("This project has no review template yet.");
  const issues = checkAnswers(template, input.values, { outputs: item.outputs });
  if (issues.length) throw new ValidationError(issues.map((i) => `${i.field}: ${i.message}`).join("; "), issues);

  try {
    return await db.transaction(async (tx) => {
      const [locked] = await tx.execute<{ submitted_count: number; overlap: number }>(sql`
        select i.submitted_count, p.overlap from items i join projects p on p.id = i.project_id
        where i.id = ${input.itemId} for no key update of i`);
      // why: a new statement after the lock, so it sees every lease and answer committed before;
      // one statement reads this reviewer's answer and the item's room together.
      const [state] = await tx.execute<{ id: string | null; status: string | null; idempotency_key: string | null; others: number; own_live: boolean | null }>(sql`
        select a.id, a.status, a.idempotency_key,
               (select count(*)::int from assignments o
                where o.item_id = ${input.itemId} and o.user_id <> ${actor.userId} and o.state = 'leased' and o.expires_at > now()) as others,
               (select s.state = 'leased' and s.expires_at > now() from assignments s
                where s.item_id = ${input.itemId} and s.user_id = ${actor.userId}) as own_live
        from (values (1)) as one (x)
        left join annotations a on a.item_id = ${input.itemId} and a.user_id = ${actor.userId}`);
      const existing = state!.id ? { id: state!.id, status: state!.status, idempotencyKey: state!.idempotency_key } : undefined;
      // why: a retry that waited on the lock above while the first attempt committed.
      if (existing?.status === "submitted" && existing.idempotencyKey === input.idempotencyKey) {
        return (await findByKey(tx, actor.userId, input.idempotencyKey))!;
      }
      if (existing?.status === "submitted") {
        throw new ConflictError("You have already answered this item; edit your answer instead.");
      }
      // A live lease of one's own already reserved a place; otherwise there must be a free one.
      if (!state!.own_live && locked!.submitted_count + state!.others >= locked!.overlap) {
        throw new ConflictError("This item already has all the answers it needs; your lease had expired. Take the next item.");
      }

      const values = { values: input.values, templateVersion: template.version, status: "submitted" as const, idempotencyKey: input.idempotencyKey, durationMs: input.durationMs ?? null, submittedAt: new Date(), updatedAt: new Date() };
      // why: an upsert, because an autosave may insert the draft between our read and this write.
      const [row] = await tx
        .insert(annotations)
        .values({ ...values, itemId: input.itemId, projectId: item.projectId, userId: actor.userId })
        .onConflictDoUpdate({
          target: [annotations.itemId, annotations.userId],
          set: { ...values, version: sql`${annotations.version} + 1` },
          setWhere: sql`${annotations.status} = 'draft'`,
        })
        .returning();
      if (!row) throw new ConflictError("You have already answered this item; edit your answer instead.");
      // why: one round trip for the three bookkeeping writes (they touch different tables).
      await tx.execute(sql`
        with history as (
          insert into annotation_history (annotation_id, version, status, values, changed_by)
          values (${row!.id}, ${row!.version}, 'submitted', ${JSON.stringify(input.values)}::jsonb, ${actor.userId})
        ), assignment as (
          insert into assignments (item_id, project_id, user_id, state, expires_at)
          values (${input.itemId}, ${item.projectId}, ${actor.userId}, 'submitted', now())
          on conflict (item_id, user_id) do update set state = 'submitted', updated_at = now()
        )
        update items set submitted_count = submitted_count + 1,
          status = case when submitted_count + 1 >= ${locked!.overlap} then 'done'::item_status else 'open'::item_status end
        where id = ${input.itemId}`);
      return { id: row!.id, itemId: input.itemId, version: row!.version, values: input.values, templateVersion: template.version, created: true };
    });
  } catch (error) {
    // why: two retries of the same submit racing each other: the loser returns the winner's result.
    const code = (error as { code?: string }).code ?? (error as { cause?: { code?: string } }).cause?.code;
    if (code === "23505") {
      const winner = await findByKey(db, actor.userId, input.idempotencyKey);
      if (winner) return winner;
      throw new ConflictError("You have already answered this item; edit your answer instead.");
    }
    throw error;
  }
}

async function loadItem(db: Db, itemId: number) {
  if (!Number.isSafeInteger(itemId) || itemId <= 0) throw new NotFoundError("No such item.");
  const [item] = await db.execute<{ project_id: string; outputs: { text: string }[] }>(
    sql`select project_id, outputs from items where id = ${itemId}`,
  );
  if (!item) throw new NotFoundError("No such item.");
  return { projectId: item.project_id, outputs: item.outputs };
}

async function findByKey(db: Db, userId: string, key: string): Promise<SubmittedAnnotation | null> {
  const [row] = await db
    .select()
    .from(annotations)
    .where(and(eq(annotations.userId, userId), eq(annotations.idempotencyKey, key)));
  return row && row.status === "submitted"
    ? { id: row.id, itemId: row.itemId, version: row.version, values: row.values, templateVersion: row.templateVersion, created: false }
    : null;
}
