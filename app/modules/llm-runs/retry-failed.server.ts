import { sqlOf, type Db } from "~/db.server";
import type { Actor } from "~/modules/auth/actor";
import { recordAudit } from "~/modules/audit/record-audit.server";
import { ConflictError } from "~/utils/errors";
import { runForActor } from "./queries.server";

/**
 * Asks again about a finished run's failed items (and any it did not reach, after a budget stop or
 * a cancel): they go back to pending and the run to queued, for the job the caller sends. Done
 * items are never asked again. 409 while the run is still queued or running, or when nothing failed.
 */
export async function retryFailedItems(db: Db, actor: Actor, runId: string): Promise<{ id: string; state: "queued"; retried: number }> {
  const run = await runForActor(db, actor, runId, "llm.run");
  return db.transaction(async (tx) => {
    const sql = sqlOf(tx);
    const [locked] = await sql<{ state: string }[]>`select state from llm_runs where id = ${run.id} for update`;
    if (!locked || !["done", "failed", "cancelled"].includes(locked.state)) throw new ConflictError(`The run is ${locked?.state ?? "gone"}; retry it once it has finished.`);
    const retried = await sql`update llm_run_items set state = 'pending', error = null, updated_at = now() where run_id = ${run.id} and state = 'failed' returning 1`;
    const [{ left }] = (await sql<{ left: number }[]>`select count(*)::int as left from llm_run_items where run_id = ${run.id} and state in ('pending', 'running')`) as unknown as [{ left: number }];
    if (left === 0) throw new ConflictError("No item of this run failed or is left to do.");
    await sql`
      update llm_runs set state = 'queued', message = null, failed = failed - ${retried.length}, finished_at = null, updated_at = now()
      where id = ${run.id}`;
    await recordAudit(tx, { actorUserId: actor.userId, action: "llm_run.retry_failed", targetType: "llm_run", targetId: run.id, data: { projectId: run.projectId, retried: retried.length } });
    return { id: run.id, state: "queued" as const, retried: retried.length };
  });
}
