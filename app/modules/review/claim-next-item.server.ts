import { sqlOf, type Db } from "~/db.server";
import type { Actor } from "~/modules/auth/actor";
import { refusalOf, rolesAllowed } from "~/modules/projects/policy";
import { ForbiddenError, NotFoundError } from "~/utils/errors";
import { onboardingRefusal } from "./onboarding.server";

export type Lease = { leaseId: string; itemId: number; expiresAt: Date; resumed: boolean };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const viewRoles = rolesAllowed("project.view");
const claimRoles = rolesAllowed("review.annotate");

type ClaimRow = {
  outcome: "claimed" | "empty" | "retry" | "not_found" | "forbidden" | "onboarding_failed";
  lease_id: string | null;
  claimed_item: string | null;
  /** A string: Drizzle turns off postgres.js's timestamp parsing on the clients it wraps. */
  lease_expires: string | null;
  resumed: boolean | null;
  skip: string[] | null;
};

/**
 * Leases the next item for a reviewer, or returns null when nothing is left for them now (see
 * `findHeldByOthers` for whether something may still come back).
 * Invariants: a reviewer never gets an item they already answered, skipped or held; an item
 * never has more live leases plus submitted annotations than the project's overlap.
 * A reviewer's own unfinished lease is handed back first (a reload or a second tab resumes it).
 * The work is one call of `loupe_claim_item` (db/functions/loupe_claim_item.sql): one round trip,
 * one short transaction; the policy's roles go in as arguments, so the matrix stays the one
 * source of truth. The claim commits without waiting for its WAL (a lost lease only returns an
 * item to the queue), so call it outside any transaction whose other writes must be durable.
 * Gold items: with probability `gold_rate` (`options.goldDraw`, uniform in [0, 1), drawn here
 * unless a test forces it) the claim hands out a gold item the reviewer has not had, but only
 * while regular items are left for them; a reviewer in an onboarding round gets only gold items.
 * A reviewer who failed their round gets a ForbiddenError saying their score (OnboardingClosedError).
 * See docs/decisions/0006-queue-claim.md.
 */
export async function claimNextItem(db: Db, actor: Actor, projectId: string, options: { goldDraw?: number } = {}): Promise<Lease | null> {
  if (!UUID.test(projectId)) throw new NotFoundError("No such project.");
  const sql = sqlOf(db);
  let skip: string[] = [];
  const goldDraw = options.goldDraw ?? Math.random();
  for (;;) {
    const [row] = await sql<ClaimRow[]>`
      select * from loupe_claim_item(${projectId}, ${actor.userId}, ${actor.isAdmin}, ${viewRoles}, ${claimRoles}, ${skip}, ${goldDraw})`;
    switch (row!.outcome) {
      case "claimed":
        return { leaseId: row!.lease_id!, itemId: Number(row!.claimed_item), expiresAt: new Date(row!.lease_expires!), resumed: row!.resumed! };
      case "empty":
        return null;
      // why: the call passed over items others had just leased and, holding their locks, would
      // not wait for more; a new transaction may wait without risking a deadlock.
      case "retry":
        skip = row!.skip ?? [];
        continue;
      case "not_found":
        throw new NotFoundError("No such project.");
      case "forbidden":
        throw new ForbiddenError(refusalOf("review.annotate"));
      case "onboarding_failed":
        throw new OnboardingClosedError(await onboardingRefusal(db, projectId, actor.userId));
    }
  }
}

/** The real queue is closed to a reviewer who did not reach the onboarding round's pass mark. */
export class OnboardingClosedError extends ForbiddenError {}
