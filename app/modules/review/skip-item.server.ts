import { sql } from "drizzle-orm";
import type { Db } from "~/db.server";
import type { Actor } from "~/modules/auth/actor";
import { recordAudit } from "~/modules/audit/record-audit.server";
import { authorizeProject } from "~/modules/projects/authorize.server";
import { ConflictError, NotFoundError } from "~/utils/errors";

/**
 * Skips an item for this reviewer: their lease ends at once, so the item goes to others, and
 * it never comes back to them. A submitted answer cannot be skipped.
 */
export async function skipItem(db: Db, actor: Actor, input: { itemId: number; reason?: string }) {
  const [item] = await db.execute<{ project_id: string }>(sql`select project_id from items where id = ${input.itemId}`);
  if (!item) throw new NotFoundError("No such item.");
  await authorizeProject(db, actor, item.project_id, "review.annotate");
  const reason = input.reason?.trim().slice(0, 1000) || null;
  await db.transaction(async (tx) => {
    const [row] = await tx.execute<{ state: string }>(sql`
      insert into assignments (item_id, project_id, user_id, state, expires_at, skip_reason)
      values (${input.itemId}, ${item.project_id}, ${actor.userId}, 'skipped', now(), ${reason})
      on conflict (item_id, user_id) do update
        set state = 'skipped', skip_reason = excluded.skip_reason, expires_at = now(), updated_at = now()
        where assignments.state <> 'submitted'
      returning state`);
    if (!row) throw new ConflictError("You have already answered this item.");
    await recordAudit(tx, { actorUserId: actor.userId, action: "item.skip", targetType: "item", targetId: String(input.itemId), data: { reason } });
  });
}
