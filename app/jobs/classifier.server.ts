import type PgBoss from "pg-boss";
import { z } from "zod";
import { sqlOf, type Database } from "~/db.server";
import { countTrainingLabels } from "~/modules/classifier/labels.server";
import { queueTraining } from "~/modules/classifier/request-training.server";
import { trainClassifierModel, trainingLock } from "~/modules/classifier/train-model.server";

type Log = { info(m: string): void; warn(m: string): void; error(m: string, e?: unknown): void };

/** The queue every server's classifier worker takes models to train from. */
export const CLASSIFIER_QUEUE = "classifier_train";
/** How often each server looks for trainings that died, lost jobs, and projects due an automatic retrain. */
export const CLASSIFIER_SWEEP_MS = 30_000;
// why: a queued model older than this has lost its job (a crash between request and send, or a
// server that stopped mid-training); sending it again is harmless: one waiting job per model.
const REQUEUE_AFTER_SECONDS = 60;
/** Trainings a model gets before a process dying under it every time is called a failure (it may be what kills it). */
const MAX_ATTEMPTS = 3;

export const classifierPayload = z.object({ modelId: z.uuid() });

/** The job: trains the model; its row records how that ended, so the job itself never fails. */
export async function runClassifierJob(db: Database, payload: z.infer<typeof classifierPayload>, log: Log, signal?: AbortSignal): Promise<void> {
  try {
    const outcome = await trainClassifierModel(db, payload.modelId, { signal, log });
    if ("state" in outcome && outcome.state === "failed") log.warn(`Classifier model ${payload.modelId} failed: ${outcome.message}`);
  } catch (error) {
    log.error(`Training classifier model ${payload.modelId} stopped on an error`, error);
  }
}

export async function sendClassifierModel(boss: PgBoss, modelId: string): Promise<void> {
  await boss.send(CLASSIFIER_QUEUE, { modelId }, { singletonKey: modelId });
}

/**
 * The periodic check: models whose training process died (their lock is free) are queued again,
 * or failed after MAX_ATTEMPTS; queued models whose job went missing are sent again; and projects
 * whose classifier retrains every N labels get a new model once N labels were added since the
 * last one.
 */
export async function sweepClassifier(db: Database, boss: PgBoss, log: Log): Promise<void> {
  const sql = sqlOf(db);
  const requeued: string[] = [];
  const conn = await sql.reserve();
  try {
    for (const { id, attempts } of await conn<{ id: string; attempts: number }[]>`select id, attempts from classifier_models where state = 'training'`) {
      const [{ free }] = await conn<[{ free: boolean }]>`select pg_try_advisory_lock(${trainingLock(conn, id)}) as free`;
      if (!free) continue;
      try {
        if (attempts >= MAX_ATTEMPTS) {
          await conn`update classifier_models set state = 'failed', finished_at = now(), message = ${`Interrupted ${attempts} times: the process training it stopped each time (a restart, a crash, or memory). Train again to retry.`} where id = ${id} and state = 'training'`;
        } else if ((await conn`update classifier_models set state = 'queued' where id = ${id} and state = 'training' returning id`).length) {
          requeued.push(id);
        }
      } finally {
        await conn`select pg_advisory_unlock(${trainingLock(conn, id)})`;
      }
    }
  } finally {
    conn.release();
  }
  const waiting = await sql<{ id: string }[]>`
    select id from classifier_models where state = 'queued' and created_at <= now() - make_interval(secs => ${REQUEUE_AFTER_SECONDS}) limit 100`;
  for (const id of new Set([...requeued, ...waiting.map((w) => w.id)])) await sendClassifierModel(boss, id);
  for (const id of await projectsDueRetraining(db)) {
    const model = await queueTraining(db, id, { trigger: "auto", userId: null }).catch(() => null);
    if (model) {
      await sendClassifierModel(boss, model.id);
      log.info(`Retraining the classifier of project ${id} (v${model.version}, ${model.labels} labels).`);
    }
  }
}

/**
 * Projects whose classifier retrains every N labels and has N more labels than its newest model
 * was asked for with (or has no model yet), with no model waiting or training. The newest model
 * whatever became of it: one that failed is not retried until N more labels came.
 */
export async function projectsDueRetraining(db: Database): Promise<string[]> {
  const sql = sqlOf(db);
  const candidates = await sql<{ project_id: string; question_key: string; include_llm: boolean; retrain_every: number; trained_on: number }[]>`
    select s.project_id, s.question_key, s.include_llm, s.retrain_every,
      coalesce((select m.label_count from classifier_models m
                 where m.project_id = s.project_id and m.question_key = s.question_key
                 order by m.version desc limit 1), 0) as trained_on
    from classifier_settings s
    join projects p on p.id = s.project_id and p.archived_at is null
    where s.retrain_every is not null
      and not exists (select 1 from classifier_models m where m.project_id = s.project_id and m.state in ('queued', 'training'))`;
  const due: string[] = [];
  for (const c of candidates) {
    const labels = await countTrainingLabels(sql, c.project_id, c.question_key, c.include_llm);
    if (labels - c.trained_on >= c.retrain_every) due.push(c.project_id);
  }
  return due;
}
