import { and, eq, sql } from "drizzle-orm";
import { annotationHistory, annotations } from "~db/schema";
import type { Db, Transaction } from "~/db.server";
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
        where i.id = ${input.itemId} for update of i`);
      const [existing] = await tx
        .select({ id: annotations.id, status: annotations.status, version: annotations.version, idempotencyKey: annotations.idempotencyKey })
        .from(annotations)
        .where(and(eq(annotations.itemId, input.itemId), eq(annotations.userId, actor.userId)));
      // why: a retry that waited on the lock above while the first attempt committed.
      if (existing?.status === "submitted" && existing.idempotencyKey === input.idempotencyKey) {
        return (await findByKey(tx, actor.userId, input.idempotencyKey))!;
      }
      if (existing?.status === "submitted") {
        throw new ConflictError("You have already answered this item; edit your answer instead.");
      }
      await assertRoom(tx, actor.userId, input.itemId, locked!.submitted_count, locked!.overlap);

      const values = { values: input.values, templateVersion: template.version, status: "submitted" as const, idempotencyKey: input.idempotencyKey, durationMs: input.durationMs ?? null, submittedAt: new Date(), updatedAt: new Date() };
      const [row] = existing
        ? await tx
            .update(annotations)
            .set({ ...values, version: sql`${annotations.version} + 1` })
            .where(eq(annotations.id, existing.id))
            .returning()
        : await tx
            .insert(annotations)
            .values({ ...values, itemId: input.itemId, projectId: item.projectId, userId: actor.userId })
            .returning();
      await tx.insert(annotationHistory).values({ annotationId: row!.id, version: row!.version, status: "submitted", values: input.values, changedBy: actor.userId });
      await tx.execute(sql`
        insert into assignments (item_id, project_id, user_id, state, expires_at)
        values (${input.itemId}, ${item.projectId}, ${actor.userId}, 'submitted', now())
        on conflict (item_id, user_id) do update set state = 'submitted', updated_at = now()`);
      await tx.execute(sql`
        update items set submitted_count = submitted_count + 1,
          status = case when submitted_count + 1 >= ${locked!.overlap} then 'done'::item_status else 'open'::item_status end
        where id = ${input.itemId}`);
      return { id: row!.id, itemId: input.itemId, version: row!.version, values: input.values, templateVersion: template.version, created: true };
    });
  } catch (error) {
    // why: two retries of the same submit racing each other: the loser returns the winner's result.
    if ((error as { code?: string }).code === "23505") {
      const winner = await findByKey(db, actor.userId, input.idempotencyKey);
      if (winner) return winner;
      throw new ConflictError("You have already answered this item; edit your answer instead.");
    }
    throw error;
  }
}

/** Room for one more answer: answers plus other reviewers' live leases stay within the overlap. */
async function assertRoom(tx: Transaction, userId: string, itemId: number, submitted: number, overlap: number) {
  const [others] = await tx.execute<{ n: number }>(sql`
    select count(*)::int as n from assignments
    where item_id = ${itemId} and user_id <> ${userId} and state = 'leased' and expires_at > now()`);
  const [own] = await tx.execute<{ live: boolean }>(sql`
    select state = 'leased' and expires_at > now() as live from assignments where item_id = ${itemId} and user_id = ${userId}`);
  // A live lease of one's own already reserved a place; otherwise there must be a free one.
  if (own?.live) return;
  if (submitted + others!.n >= overlap) {
    throw new ConflictError("This item already has all the answers it needs; your lease had expired. Take the next item.");
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
