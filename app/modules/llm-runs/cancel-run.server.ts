import { and, eq, inArray, sql } from "drizzle-orm";
import { llmRuns } from "~db/schema";
import type { Db } from "~/db.server";
import type { Actor } from "~/modules/auth/actor";
import { recordAudit } from "~/modules/audit/record-audit.server";
import { ConflictError } from "~/utils/errors";
import { runForActor } from "./queries.server";

/**
 * Cancels a queued or running run: its runners see it within a moment, drop the calls in flight
 * and ask nothing more. Answers already stored stay. A finished run cannot be cancelled (409).
 */
export async function cancelLlmRun(db: Db, actor: Actor, runId: string): Promise<{ id: string; state: "cancelled" }> {
  const run = await runForActor(db, actor, runId, "llm.run");
  const [updated] = await db
    .update(llmRuns)
    .set({ state: "cancelled", finishedAt: sql`now()`, updatedAt: sql`now()` })
    .where(and(eq(llmRuns.id, run.id), inArray(llmRuns.state, ["queued", "running"])))
    .returning({ id: llmRuns.id });
  if (!updated) throw new ConflictError(`The run is ${run.state}; only a queued or running run can be cancelled.`);
  await recordAudit(db, { actorUserId: actor.userId, action: "llm_run.cancel", targetType: "llm_run", targetId: run.id, data: { projectId: run.projectId } });
  return { id: run.id, state: "cancelled" };
}
