import { sqlOf, type Db } from "~/db.server";
import type { Actor } from "~/modules/auth/actor";
import { can, refusalOf, type ProjectRole } from "~/modules/projects/policy";
import { checkAnswers, type Answers } from "~/modules/templates/answers";
import type { Template } from "~/modules/templates/schemas";
import { checkAgainstGold } from "./gold-check";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "~/utils/errors";

export type SubmitInput = { itemId: number; values: Answers; idempotencyKey: string; durationMs?: number };
export type SubmittedAnnotation = {
  id: string;
  itemId: number;
  version: number;
  values: Answers;
  templateVersion: number;
  created: boolean;
  /** The answer counted in the reviewer's onboarding round (the screen then shows the gold answer). */
  onboarding?: boolean;
};

type Context = {
  role: ProjectRole | null;
  project_id: string;
  status: string;
  gold: Record<string, unknown> | null;
  onboarding_items: number;
  pass_mark: number | null;
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
    select m.role, i.project_id, i.status, i.gold, p.onboarding_items, p.onboarding_pass_mark as pass_mark, i.outputs, p.template_version, t.questions,
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
  let onboarding = false;
  // why: postgres.js has no serializer for a jsonb parameter; the answer goes as text and is cast.
  const write = (handle: Db) => sqlOf(handle)<Outcome[]>`
      select * from loupe_submit_annotation(${input.itemId}, ${actor.userId}, ${JSON.stringify(input.values)}::text::jsonb,
                                            ${context.template_version}, ${input.idempotencyKey}, ${input.durationMs ?? null})`;
  try {
    if (context.status === "gold" && context.gold && context.onboarding_items > 0) {
      // why: the round's counts change in the answer's own transaction, under the round's row
      // lock, so two tabs submitting at once each count once and the last one closes the round.
      const gold = context.gold;
      [row, onboarding] = await db.transaction(async (tx) => {
        const [round] = await sqlOf(tx)<{ state: string; answered: number; correct: number }[]>`
          select state, answered, correct from reviewer_onboarding
          where project_id = ${context.project_id} and user_id = ${actor.userId} for update`;
        const [written] = await write(tx);
        if (written!.outcome !== "created" || round?.state !== "open") return [written!, false] as const;
        const right = checkAgainstGold(context.questions!, gold, input.values).correct !== false ? 1 : 0;
        await sqlOf(tx)`
          update reviewer_onboarding o
             set answered = o.answered + 1, correct = o.correct + ${right},
                 state = case when o.answered + 1 < ${context.onboarding_items} then 'open'
                              when ${context.pass_mark}::float8 is null or (o.correct + ${right})::float8 >= ${context.pass_mark}::float8 * (o.answered + 1) then 'passed'
                              else 'failed' end,
                 finished_at = case when o.answered + 1 < ${context.onboarding_items} then null else now() end
           where o.project_id = ${context.project_id} and o.user_id = ${actor.userId}`;
        return [written!, true] as const;
      });
    } else {
      row = (await write(db))[0]!;
    }
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
      return {
        id: row.annotation_id!,
        itemId: input.itemId,
        version: row.annotation_version!,
        values: row.answer!,
        templateVersion: row.answered_version!,
        created: row.outcome === "created",
        ...(onboarding ? { onboarding } : {}),
      };
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
