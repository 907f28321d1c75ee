import { sql } from "drizzle-orm";
import type { Db } from "~/db.server";
import type { Actor } from "~/modules/auth/actor";
import { recordAudit } from "~/modules/audit/record-audit.server";
import { authorizeProject } from "~/modules/projects/authorize.server";
import { ConflictError, NotFoundError } from "~/utils/errors";

/**
 * Skips an item the reviewer holds (a lease from the queue, live or lapsed): the lease ends at
 * once, so the item goes to others, and it never comes back to them. Only a held item can be
 * skipped: skipping writes the reviewer's assignment, which opens the item's page to them, so
 * skipping an item never offered would be a way to read any item of the project.
 */
export async function skipItem(db: Db, actor: Actor, input: { itemId: number; reason?: string }) {
  const [item] = await db.execute<{ project_id: string }>(sql`select project_id from items where id = ${input.itemId}`);
  if (!item) throw new NotFoundError("No such item.");
  await authorizeProject(db, actor, item.project_id, "review.annotate");
  const reason = input.reason?.trim().slice(0, 1000) || null;
  await db.transaction(async (tx) => {
    const [skipped] = await tx.execute(sql`
      update assignments set state = 'skipped', skip_reason = ${reason}, expires_at = now(), updated_at = now()
       where item_id = ${input.itemId} and user_id = ${actor.userId} and state = 'leased'
      returning id`);
    if (!skipped) {
      const [mine] = await tx.execute<{ state: string }>(sql`select state from assignments where item_id = ${input.itemId} and user_id = ${actor.userId}`);
      if (mine?.state === "submitted") throw new ConflictError("You have already answered this item.");
      if (mine?.state === "skipped") return;
      throw new ConflictError("You can only skip an item you are reviewing: take it from the queue first.");
    }
    await recordAudit(tx, { actorUserId: actor.userId, action: "item.skip", targetType: "item", targetId: String(input.itemId), data: { reason } });
  });
}
