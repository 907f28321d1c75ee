import { db } from "~/db.server";
import { deliverDueWebhooks } from "~/modules/webhooks/deliver-webhooks.server";

type Log = { info(m: string): void; warn(m: string): void };

/** How often each server looks for due webhook deliveries (retries are minutes apart; a new event waits at most this). */
export const WEBHOOK_SWEEP_MS = 5_000;

let sending: Promise<unknown> = Promise.resolve();

/**
 * Sends due deliveries until none is left, one pass at a time in this process (passes queue up
 * behind each other; several servers share the work through the deliveries' leases).
 */
export function sendDueWebhooks(log: Log, ids?: number[]): Promise<void> {
  const pass = sending.then(async () => {
    if (ids) await deliverDueWebhooks(db, { ids });
    for (let round = 0; round < 10; round++) if ((await deliverDueWebhooks(db)).length === 0) break;
  });
  sending = pass.catch((error: unknown) => log.warn(`Could not send webhook deliveries: ${String(error)}`));
  return sending as Promise<void>;
}

/** Starts the periodic sender; returns its timer for stopJobs to clear. */
export function startWebhookDeliveries(log: Log): NodeJS.Timeout {
  const timer = setInterval(() => void sendDueWebhooks(log), WEBHOOK_SWEEP_MS);
  timer.unref();
  return timer;
}
