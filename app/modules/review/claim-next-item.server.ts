import { sql, type SQL } from "drizzle-orm";
import type { Db, Transaction } from "~/db.server";
import type { Actor } from "~/modules/auth/actor";
import { authorizeProject } from "~/modules/projects/authorize.server";

export type Lease = { leaseId: string; itemId: number; expiresAt: Date; resumed: boolean };

/**
 * Leases the next item for a reviewer, or returns null when nothing is left for them.
 * Invariants: a reviewer never gets an item they already answered, skipped or held; an item
 * never has more live leases plus submitted annotations than the project's overlap.
 * A reviewer's own unfinished lease is handed back first (a reload or a second tab resumes it).
 */
export async function claimNextItem(db: Db, actor: Actor, projectId: string): Promise<Lease | null> {
  await authorizeProject(db, actor, projectId, "review.annotate");
  // why: one read serves the common case (the settings, and no lease of one's own to resume);
  // only a reviewer who holds a lease pays for the transaction that resumes it.
  const [project] = await db.execute<{ overlap: number; lease_minutes: number; item_order: string; holds_lease: boolean }>(sql`
    select overlap, lease_minutes, item_order,
           exists (select 1 from assignments a join items i on i.id = a.item_id and i.status = 'open'
                   where a.user_id = ${actor.userId} and a.project_id = ${projectId} and a.state = 'leased') as holds_lease
    from projects where id = ${projectId}`);
  if (!project) return null;
  if (project.holds_lease) {
    const resumed = await db.transaction((tx) => resumeOwnLease(tx, actor.userId, projectId));
    if (resumed) return resumed;
  }
  const order = project.item_order === "random" ? "random" : "priority";
  const passed: number[] = [];
  // why: one short transaction per candidate, so a claimer holds at most one item lock at a time
  // (waiting while holding another could deadlock with a claimer doing the same the other way).
  for (;;) {
    const outcome = await db.transaction(async (tx): Promise<"empty" | { pass: number } | Lease> => {
      // SKIP LOCKED first so claimers spread over different items; only when that finds nothing,
      // wait for the items other claimers hold: they may still have room, and "nothing left"
      // must never be said while something is left.
      const unlocked = await tx.execute<{ id: string }>(candidateQuery(actor.userId, projectId, order, passed, "skip locked"));
      const [candidate] = unlocked.length ? unlocked : await tx.execute<{ id: string }>(candidateQuery(actor.userId, projectId, order, passed, "wait"));
      if (!candidate) return "empty" as const;
      const itemId = Number(candidate.id);
      // why: a new statement sees every lease committed before we took the row lock, and anyone
      // leasing this item must hold that lock, so the room it counts cannot be stale.
      const [lease] = await tx.execute<{ id: string; expires_at: string }>(sql`
        insert into assignments (item_id, project_id, user_id, expires_at)
        select i.id, ${projectId}, ${actor.userId}, now() + make_interval(mins => ${project.lease_minutes})
        from items i
        where i.id = ${itemId} and i.status = 'open'
          and i.submitted_count + (
                select count(*) from assignments a
                where a.item_id = i.id and a.state = 'leased' and a.expires_at > now()
              ) < ${project.overlap}
          and not exists (select 1 from assignments a where a.item_id = i.id and a.user_id = ${actor.userId})
        returning id, expires_at`);
      if (!lease) return { pass: itemId };
      return { leaseId: lease.id, itemId, expiresAt: new Date(lease.expires_at), resumed: false };
    });
    if (outcome === "empty") return null;
    if ("pass" in outcome) passed.push(outcome.pass);
    else return outcome;
  }
}

/**
 * The query a claim runs to find and lock its next item: the first open item in the project's
 * order that this reviewer has never held and that has room. It walks the partial "open items"
 * index (items_queue_priority_idx or items_queue_random_idx), so finished items are not in it at
 * all, however many there are; claim-plan.server.test.ts holds it to that.
 */
export function candidateQuery(
  userId: string,
  projectId: string,
  order: "priority" | "random",
  skip: number[],
  mode: "skip locked" | "wait",
): SQL {
  const orderBy = order === "random" ? sql`i.random_key, i.id` : sql`i.priority desc nulls last, i.id`;
  const exclude = skip.length ? sql`and i.id <> all(${`{${skip.join(",")}}`}::bigint[])` : sql``;
  return sql`
    select i.id from items i
    where i.project_id = ${projectId} and i.status = 'open' ${exclude}
      and not exists (select 1 from assignments a where a.item_id = i.id and a.user_id = ${userId})
      and i.submitted_count + (
            select count(*) from assignments a
            where a.item_id = i.id and a.state = 'leased' and a.expires_at > now()
          ) < (select overlap from projects where id = ${projectId})
    order by ${orderBy}
    limit 1
    for no key update of i ${mode === "skip locked" ? sql`skip locked` : sql``}`;
}

async function resumeOwnLease(tx: Transaction, userId: string, projectId: string): Promise<Lease | null> {
  const [own] = await tx.execute<{ id: string; item_id: string; live: boolean }>(sql`
    select a.id, a.item_id, a.expires_at > now() as live from assignments a
    join items i on i.id = a.item_id and i.status = 'open'
    where a.user_id = ${userId} and a.project_id = ${projectId} and a.state = 'leased'
    order by a.expires_at desc limit 1`);
  if (!own) return null;
  if (!own.live) {
    // why: an expired lease is resumed only while the item still has room, so a reviewer back
    // from lunch keeps their draft unless others have finished the item meanwhile. The row lock
    // is the same one every claimer takes, so the count below cannot race.
    const [room] = await tx.execute<{ ok: boolean }>(sql`
      select i.submitted_count + (
               select count(*) from assignments o
               where o.item_id = i.id and o.id <> ${own.id} and o.state = 'leased' and o.expires_at > now()
             ) < p.overlap as ok
      from items i join projects p on p.id = i.project_id
      where i.id = ${own.item_id} for no key update of i`);
    if (!room?.ok) return null;
  }
  const [lease] = await tx.execute<{ expires_at: string }>(sql`
    update assignments a set expires_at = now() + make_interval(mins => p.lease_minutes), updated_at = now()
    from projects p where a.id = ${own.id} and p.id = a.project_id
    returning a.expires_at`);
  return { leaseId: own.id, itemId: Number(own.item_id), expiresAt: new Date(lease!.expires_at), resumed: true };
}
