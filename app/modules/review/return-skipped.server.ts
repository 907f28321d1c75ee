import { sql } from "drizzle-orm";
import type { Db } from "~/db.server";
import type { Actor } from "~/modules/auth/actor";
import { recordAudit } from "~/modules/audit/record-audit.server";
import { authorizeProject } from "~/modules/projects/authorize.server";
import { ConflictError, NotFoundError } from "~/utils/errors";

/**
 * Takes back a skip: the item the reviewer skipped is leased to them again (for the project's lease
 * minutes), so the next claim resumes it — when it still wants an answer. Like a claim, it holds the
 * item's row lock while it counts answers and other reviewers' live leases, in a statement that
 * starts after the lock was taken (see docs/decisions/0006-queue-claim.md), so it never hands out
 * more answers than the overlap.
 */
export async function returnSkippedItem(db: Db, actor: Actor, itemId: number): Promise<{ itemId: number; expiresAt: Date }> {
  if (!Number.isSafeInteger(itemId) || itemId <= 0) throw new NotFoundError("No such item.");
  const [item] = await db.execute<{ project_id: string }>(sql`select project_id from items where id = ${itemId}`);
  if (!item) throw new NotFoundError("No such item.");
  await authorizeProject(db, actor, item.project_id, "review.annotate");
  return db.transaction(async (tx) => {
    const [locked] = await tx.execute<{ status: string }>(sql`select status from items where id = ${itemId} for update`);
    const [mine] = await tx.execute<{ state: string }>(sql`select state from assignments where item_id = ${itemId} and user_id = ${actor.userId}`);
    if (mine?.state !== "skipped") throw new ConflictError(mine?.state === "submitted" ? "You have already answered this item." : "You have not skipped this item.");
    const [room] = await tx.execute<{ wanted: boolean; lease_minutes: number }>(sql`
      select i.status = 'open' and i.submitted_count + (
               select count(*) from assignments a
                where a.item_id = i.id and a.user_id <> ${actor.userId} and a.state = 'leased' and a.expires_at > now()) < p.overlap + i.extra_answers as wanted,
             p.lease_minutes
        from items i join projects p on p.id = i.project_id
       where i.id = ${itemId}`);
    if (!locked || !room?.wanted) {
      throw new ConflictError("This item no longer needs your answer: others answered it (or hold it) while it was skipped.");
    }
    const [lease] = await tx.execute<{ expires_at: Date }>(sql`
      update assignments set state = 'leased', skip_reason = null, expires_at = now() + make_interval(mins => ${room.lease_minutes}), updated_at = now()
       where item_id = ${itemId} and user_id = ${actor.userId} and state = 'skipped'
      returning expires_at`);
    await recordAudit(tx, { actorUserId: actor.userId, action: "item.unskip", targetType: "item", targetId: String(itemId), data: {} });
    return { itemId, expiresAt: new Date(lease!.expires_at) };
  });
}
