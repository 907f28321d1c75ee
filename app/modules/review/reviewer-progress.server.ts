import { sql } from "drizzle-orm";
import type { Db } from "~/db.server";
import type { Actor } from "~/modules/auth/actor";
import { authorizeProject } from "~/modules/projects/authorize.server";

/** Past this many, "items left for you" is shown as "10,000+": the count stops reading there. */
export const LEFT_COUNT_CAP = 10_000;

export type ReviewerProgress = {
  /** Items the reviewer has submitted an answer for in this project. */
  answered: number;
  /** Open items the reviewer has neither answered, skipped nor holds: at most LEFT_COUNT_CAP. */
  left: number;
  /** True when `left` stopped at the cap (there are at least that many). */
  leftCapped: boolean;
  /** The project's items in review (neither held nor gold) and how many of them are done. */
  project: { total: number; done: number };
};

/**
 * What the review screen's "n of N" and progress bar show: the reviewer's own answers, the open
 * items still ahead of them (bounded, so a project of millions costs a bounded read), and the
 * project's done / total. Items others hold may still be done before the reviewer reaches them, so
 * `answered + left` is an upper bound on what the reviewer will see.
 */
export async function getReviewerProgress(db: Db, actor: Actor, projectId: string): Promise<ReviewerProgress> {
  await authorizeProject(db, actor, projectId, "review.annotate");
  const [[mine], [ahead], [counts]] = await Promise.all([
    db.execute<{ answered: number }>(sql`
      select count(*)::int as answered from assignments
       where user_id = ${actor.userId} and project_id = ${projectId} and state = 'submitted'`),
    // why: on the queue's partial index (open items only), stopping at the cap.
    db.execute<{ left: number }>(sql`
      select count(*)::int as left from (
        select 1 from items i
         where i.project_id = ${projectId} and i.status = 'open'
           and not exists (select 1 from assignments a where a.item_id = i.id and a.user_id = ${actor.userId})
         limit ${LEFT_COUNT_CAP + 1}) ahead`),
    db.execute<{ total: number; done: number }>(sql`
      select count(*)::int as total, count(*) filter (where status = 'done')::int as done
        from items where project_id = ${projectId} and status in ('open', 'done')`),
  ]);
  const left = ahead!.left;
  return { answered: mine!.answered, left: Math.min(left, LEFT_COUNT_CAP), leftCapped: left > LEFT_COUNT_CAP, project: { total: counts!.total, done: counts!.done } };
}
