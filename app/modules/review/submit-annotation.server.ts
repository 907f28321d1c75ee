import { sqlOf, type Db } from "~/db.server";
import type { Actor } from "~/modules/auth/actor";
import { can, refusalOf, type ProjectRole } from "~/modules/projects/policy";
import { checkAnswers, type Answers } from "~/modules/templates/answers";
import type { Template } from "~/modules/templates/schemas";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "~/utils/errors";

export type SubmitInput = { itemId: number; values: Answers; idempotencyKey: string; durationMs?: number };
export type SubmittedAnnotation = { id: string; itemId: number; version: number; values: Answers; templateVersion: number; created: boolean };

type Context = {
  role: ProjectRole | null;
  outputs: { text: string }[];
  template_version: number;
  questions: Template["questions"] | null;
  replay_id: string | null;
  replay_item: string | null;
  replay_version: number | null;
  replay_values: Answers | null;
  replay_template_version: number | null;
};

type Outcome = {
  outcome: "created" | "replay" | "answered" | "full" | "not_found";
  annotation_id: string | null;
  annotation_version: number | null;
  answer: Answers | null;
  answered_version: number | null;
};

const ALREADY = "You have already answered this item; edit your answer instead.";

/**
 * Submits the reviewer's answer to an item. Retrying with the same idempotency key returns the
 * first result instead of answering twice. The answer must fit the current template; the item
 * must still have room (its overlap), which the reviewer's lease normally guarantees.
 * Two round trips: one read (standing, template, outputs, an earlier result for the key), the
 * answer checked here, then `loupe_submit_annotation` (db/functions/loupe_submit_annotation.sql) writes it
 * under the item's row lock.
 */
export async function submitAnnotation(db: Db, actor: Actor, input: SubmitInput): Promise<SubmittedAnnotation> {
  if (!Number.isSafeInteger(input.itemId) || input.itemId <= 0) throw new NotFoundError("No such item.");
  const sql = sqlOf(db);
  const [context] = await sql<Context[]>`
    select m.role, i.outputs, p.template_version, t.questions,
           k.id as replay_id, k.item_id as replay_item, k.version as replay_version,
           k.values as replay_values, k.template_version as replay_template_version
    from items i
    join projects p on p.id = i.project_id
    left join project_members m on m.project_id = p.id and m.user_id = ${actor.userId}
    left join review_templates t on t.project_id = p.id and t.version = p.template_version
    left join annotations k on k.user_id = ${actor.userId} and k.idempotency_key = ${input.idempotencyKey} and k.status = 'submitted'
    where i.id = ${input.itemId}`;
  const subject = { isAdmin: actor.isAdmin, role: context?.role ?? null };
  if (!context || !can(subject, "project.view")) throw new NotFoundError("No such item.");
  if (!can(subject, "review.annotate")) throw new ForbiddenError(refusalOf("review.annotate"));
  if (context.replay_id) {
    return { id: context.replay_id, itemId: Number(context.replay_item), version: context.replay_version!, values: context.replay_values!, templateVersion: context.replay_template_version!, created: false };
  }
  if (!context.questions) throw new ConflictError("This project has no review template yet.");
  const issues = checkAnswers({ questions: context.questions }, input.values, { outputs: context.outputs });
  if (issues.length) throw new ValidationError(issues.map((i) => `${i.field}: ${i.message}`).join("; "), issues);

  let row: Outcome;
  try {
    // why: postgres.js has no serializer for a jsonb parameter; the answer goes as text and is cast.
    const rows = await sql<Outcome[]>`
      select * from loupe_submit_annotation(${input.itemId}, ${actor.userId}, ${JSON.stringify(input.values)}::text::jsonb,
                                            ${context.template_version}, ${input.idempotencyKey}, ${input.durationMs ?? null})`;
    row = rows[0]!;
  } catch (error) {
    // why: the key was used for another item of this reviewer's (or two retries raced on
    // different items): the first result stands.
    if ((error as { code?: string }).code === "23505") {
      const winner = await findByKey(db, actor.userId, input.idempotencyKey);
      if (winner) return winner;
      throw new ConflictError(ALREADY);
    }
    throw error;
  }
  switch (row.outcome) {
    case "created":
    case "replay":
      return { id: row.annotation_id!, itemId: input.itemId, version: row.annotation_version!, values: row.answer!, templateVersion: row.answered_version!, created: row.outcome === "created" };
    case "answered":
      throw new ConflictError(ALREADY);
    case "full":
      throw new ConflictError("This item already has all the answers it needs; your lease had expired. Take the next item.");
    case "not_found":
      throw new NotFoundError("No such item.");
  }
}

async function findByKey(db: Db, userId: string, key: string): Promise<SubmittedAnnotation | null> {
  const [row] = await sqlOf(db)<{ id: string; item_id: string; version: number; values: Answers; template_version: number }[]>`
    select id, item_id, version, values, template_version from annotations
    where user_id = ${userId} and idempotency_key = ${key} and status = 'submitted'`;
  return row ? { id: row.id, itemId: Number(row.item_id), version: row.version, values: row.values, templateVersion: row.template_version, created: false } : null;
}
