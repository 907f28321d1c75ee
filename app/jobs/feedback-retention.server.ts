import type PgBoss from "pg-boss";
import { db } from "~/db.server";
import { deleteExpiredFeedback } from "~/modules/feedback/retention.server";

/** The queue of the retention sweep; `stately`, so at most one sweep waits and one runs across every server. */
export const FEEDBACK_RETENTION_QUEUE = "feedback_retention";
/** How often each server asks for a sweep (a request while one waits is dropped by the queue policy). */
export const FEEDBACK_RETENTION_MS = 60 * 60 * 1000;

type Log = { info(m: string): void; warn(m: string): void };

/**
 * Starts the periodic deletion of end-user feedback past each project's retention period: a
 * worker on the shared queue, and a timer that asks for a sweep at start and then every hour.
 * `createQueue` is boss.server's (one queue create at a time across servers).
 */
export async function startFeedbackRetention(
  boss: PgBoss,
  createQueue: (name: string, options: PgBoss.Queue) => Promise<void>,
  log: Log,
): Promise<NodeJS.Timeout> {
  await createQueue(FEEDBACK_RETENTION_QUEUE, { name: FEEDBACK_RETENTION_QUEUE, policy: "stately", retryLimit: 0, expireInMinutes: 60 });
  await boss.work(FEEDBACK_RETENTION_QUEUE, { batchSize: 1, pollingIntervalSeconds: 5 }, async () => {
    const deleted = await deleteExpiredFeedback(db);
    if (deleted) log.info(`Deleted ${deleted} feedback record(s) past their project's retention period.`);
  });
  const ask = () => boss.send(FEEDBACK_RETENTION_QUEUE, {}).catch((error: unknown) => log.warn(`Could not queue the feedback retention sweep: ${String(error)}`));
  await ask();
  const timer = setInterval(ask, FEEDBACK_RETENTION_MS);
  timer.unref();
  return timer;
}
