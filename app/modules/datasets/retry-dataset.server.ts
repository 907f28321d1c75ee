import { sqlOf, type Db } from "~/db.server";
import type { Actor } from "~/modules/auth/actor";
import { ConflictError } from "~/utils/errors";
import { getDatasetStatus } from "./queries.server";
import type { RequestedDataset } from "./request-dataset.server";

/**
 * Queues a failed snapshot's build again (same name, version, filter and options; it freezes the
 * items as they are when it runs). Only a failed build can be retried: one that is queued,
 * building or ready is a conflict that says so.
 */
export async function retryDataset(db: Db, actor: Actor, datasetId: string): Promise<RequestedDataset> {
  const status = await getDatasetStatus(db, actor, datasetId, "datasets.manage");
  const client = sqlOf(db);
  const [row] = await client<[{ id: string }?]>`
    update datasets set state = 'queued', message = null, started_at = null, finished_at = null
    where id = ${status.id} and state = 'failed' returning id`;
  if (!row) {
    throw new ConflictError(
      status.state === "ready" ? `${status.name} v${status.version} is built already; nothing to retry.` : `${status.name} v${status.version} is being built already; nothing to retry.`,
    );
  }
  await client`delete from dataset_build_progress where dataset_id = ${status.id}`;
  await client`insert into audit_log (actor_user_id, action, target_type, target_id, data)
               values (${actor.userId}, 'dataset.retry', 'dataset', ${status.id}, ${JSON.stringify({ projectId: status.projectId, name: status.name, version: status.version })}::jsonb)`;
  return { id: status.id, projectId: status.projectId, name: status.name, version: status.version, state: "queued" };
}
