import { sqlOf, type Db } from "~/db.server";
import type { Actor } from "~/modules/auth/actor";

export type HeldByOthers = { items: number; until: Date };

/**
 * After a claim found nothing: the items that are not yours to answer yet only because other
 * reviewers hold every place they have left — open, not answered, skipped or held by you, with a
 * live lease of someone else. They may come back (a lease lapses or is skipped), so "the queue
 * is done" would be false; `until` is when the first of those leases runs out. Null when nothing
 * is or can become available to you.
 */
export async function findHeldByOthers(db: Db, actor: Actor, projectId: string): Promise<HeldByOthers | null> {
  const [row] = await sqlOf(db)<{ items: number; until: string | null }[]>`
    select count(distinct a.item_id)::int as items, min(a.expires_at) as until
      from assignments a
      join items i on i.id = a.item_id
     where a.project_id = ${projectId} and a.state = 'leased' and a.expires_at > now() and a.user_id <> ${actor.userId}
       and i.status = 'open'
       and not exists (select 1 from assignments m where m.item_id = a.item_id and m.user_id = ${actor.userId})`;
  return row && row.items > 0 && row.until ? { items: row.items, until: new Date(row.until) } : null;
}

/** "3 items are being reviewed by others; check back in about 12 minutes." */
export function heldMessage(held: HeldByOthers, now = Date.now()): string {
  const minutes = Math.max(1, Math.ceil((held.until.getTime() - now) / 60_000));
  const items = held.items === 1 ? "1 item is" : `${held.items.toLocaleString("en-US")} items are`;
  return `${items} being reviewed by others; check back in about ${minutes} minute${minutes === 1 ? "" : "s"}.`;
}
