import type PgBoss from "pg-boss";
import { z } from "zod";
import { sqlOf, type Database } from "~/db.server";
import { buildDataset } from "~/modules/datasets/build-dataset.server";
import { markInterruptedBuilds } from "~/modules/datasets/interrupted-builds.server";

type Log = { info(m: string): void; warn(m: string): void; error(m: string, e?: unknown): void };

/** The queue every server's dataset worker takes builds from (any server can build any dataset). */
export const DATASET_BUILDS_QUEUE = "dataset_build";
/** How often each server looks for builds that died, and for queued datasets whose job went missing. */
export const DATASET_SWEEP_MS = 30_000;
// why: a queued dataset older than this without a build has lost its job (a crash between the
// request and the send); sending it again is harmless: the queue keeps one waiting job per dataset.
const REQUEUE_AFTER_SECONDS = 60;

/** The job's payload: the dataset to build (its row holds everything else). */
export const datasetBuildPayload = z.object({ datasetId: z.uuid() });

/**
 * Builds one dataset as the job: `buildDataset` does the work and records success or failure on
 * the dataset row (which the page and the API read), so the job itself never fails or retries.
 */
export async function runDatasetBuild(db: Database, payload: z.infer<typeof datasetBuildPayload>, log: Log, signal?: AbortSignal): Promise<void> {
  try {
    const outcome = await buildDataset(db, payload.datasetId, { signal });
    if ("built" in outcome) log.info(`Built dataset ${outcome.built.name} v${outcome.built.version} (${outcome.built.counts.items.toLocaleString("en")} items).`);
  } catch (error) {
    log.error(`Building dataset ${payload.datasetId} failed`, error);
  }
}

/** Sends a dataset's build job (one waiting job per dataset: a second send while one waits is dropped). */
export async function sendDatasetBuild(boss: PgBoss, datasetId: string): Promise<void> {
  await boss.send(DATASET_BUILDS_QUEUE, { datasetId }, { singletonKey: datasetId });
}

/**
 * The periodic check every server runs (and once at start): datasets whose build died are marked
 * failed (their lock is free; see markInterruptedBuilds), and queued ones that waited too long
 * get their job sent again.
 */
export async function sweepDatasetBuilds(db: Database, boss: PgBoss, log: Log): Promise<void> {
  const interrupted = await markInterruptedBuilds(db);
  if (interrupted.length) log.warn(`Marked ${interrupted.length} interrupted dataset build(s) as failed.`);
  const waiting = await sqlOf(db)<{ id: string }[]>`
    select id from datasets where state = 'queued' and created_at < now() - make_interval(secs => ${REQUEUE_AFTER_SECONDS}) limit 100`;
  for (const { id } of waiting) await sendDatasetBuild(boss, id);
}
