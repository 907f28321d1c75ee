import { sql } from "drizzle-orm";
import type { Db } from "~/db.server";

/** Rows one delete statement takes, so a long-neglected project never holds locks for long. */
export const RETENTION_BATCH = 5_000;

/**
 * Deletes end-user feedback older than each project's retention days (by when it happened), in
 * batches of `batchSize` rows, one short statement each; projects without a retention period
 * keep everything, and reviewers' answers are never touched. `projectId` limits it to one
 * project. Returns how many rows went.
 */
export async function deleteExpiredFeedback(db: Db, options: { projectId?: string; batchSize?: number } = {}): Promise<number> {
  const batchSize = options.batchSize ?? RETENTION_BATCH;
  const projects = await db.execute<{ project_id: string; retention_days: number }>(sql`
    select project_id, retention_days from feedback_settings
    where retention_days is not null ${options.projectId ? sql`and project_id = ${options.projectId}` : sql``}`);
  let deleted = 0;
  for (const { project_id, retention_days } of projects) {
    for (;;) {
      // why: through feedback_project_occurred_idx, oldest first, a bounded batch per statement.
      const gone = await db.execute<{ n: number }>(sql`
        with doomed as (
          select id from feedback
          where project_id = ${project_id} and source = 'end_user' and occurred_at < now() - make_interval(days => ${retention_days})
          order by occurred_at, id
          limit ${batchSize}
        )
        delete from feedback f using doomed where f.id = doomed.id`);
      const n = (gone as unknown as { count: number }).count;
      deleted += n;
      if (n < batchSize) break;
    }
  }
  return deleted;
}
