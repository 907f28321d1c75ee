import type postgres from "postgres";
import { sqlOf, type Database } from "~/db.server";
import type { StoredInput } from "~/modules/items/schemas";
import { getTemplate } from "~/modules/templates/get-template.server";
import { emitEvent } from "~/modules/webhooks/emit-event.server";
import type { Question } from "~/modules/questions";
import { decodeModel, predictProba, topOf, type ClassifierModel } from "./core";
import { setItemUncertainties } from "~/modules/review/set-uncertainties.server";
import { itemText } from "./item-text";
import { readTrainingLabels } from "./labels.server";
import { classifiedQuestion, NOT_CLASSIFIABLE } from "./question";
import { MIN_TRAINING_CLASSES, MIN_TRAINING_LABELS } from "./schemas";
import { trainInWorker } from "./train-in-worker.server";

export type TrainOutcome = { state: "ready" | "failed"; message?: string } | { skipped: "busy" | "missing" | "finished" | "stopped" };
type Options = { signal?: AbortSignal; log?: { info(m: string): void } };
type ClaimedModel = { id: string; project_id: string; question_key: string; version: number; include_llm: boolean };

// why: a prediction batch's CPU (text features and the softmax) runs on the server's event loop,
// so a batch is kept short enough not to hold up the review queue; writes are one statement a batch.
const PREDICT_BATCH = 500;
/** Most probable classes kept with each prediction. */
const TOP_CLASSES = 5;

/** The session advisory lock a training holds: a `training` model whose lock is free has lost its process. */
export const trainingLock = (sql: postgres.Sql, modelId: string) => sql`hashtextextended('classifier-model:' || ${modelId}::text, 0)`;

/**
 * Trains a queued model (what the background job runs): takes the model's lock, reads the
 * question's labels, trains and evaluates in a worker thread (off this server's event loop), keeps
 * the model's bytes and evaluation, then predicts every item without a label, a batch at a time:
 * each prediction replaces the item's earlier classifier suggestion for the question, as a
 * suggestion from "classifier vN" with the top class probabilities, and the item's uncertainty
 * (what the "most uncertain first" queue order sorts by). The model row says how it ended; an
 * error is recorded there, not thrown.
 */
export async function trainClassifierModel(db: Database, modelId: string, options: Options = {}): Promise<TrainOutcome> {
  const client = sqlOf(db);
  const conn = await client.reserve();
  try {
    const [{ locked }] = await conn<[{ locked: boolean }]>`select pg_try_advisory_lock(${trainingLock(conn, modelId)}) as locked`;
    if (!locked) return { skipped: "busy" };
    try {
      const [model] = await conn<[ClaimedModel?]>`
        update classifier_models set state = 'training', started_at = now(), finished_at = null, message = null, attempts = attempts + 1
        where id = ${modelId} and state in ('queued', 'training')
        returning id, project_id, question_key, version, include_llm`;
      if (!model) {
        const [exists] = await conn`select 1 from classifier_models where id = ${modelId}`;
        return { skipped: exists ? "finished" : "missing" };
      }
      try {
        await train(db, client, model, options);
        await finishModel(client, model, "ready", null);
        options.log?.info(`Classifier v${model.version} of project ${model.project_id} is ready.`);
        return { state: "ready" };
      } catch (error) {
        if (options.signal?.aborted) {
          // why: the server is stopping, not the training failing: queued again, the sweep of this
          // or another copy sends it to a worker (it starts over: training is deterministic).
          await client`update classifier_models set state = 'queued', started_at = null where id = ${modelId}`;
          return { skipped: "stopped" };
        }
        const message = failureMessage(error);
        // why: the lock is still held, so no sweep can call this training interrupted meanwhile.
        await finishModel(client, model, "failed", message);
        return { state: "failed", message };
      }
    } finally {
      await conn`select pg_advisory_unlock(${trainingLock(conn, modelId)})`.catch(() => {});
    }
  } finally {
    conn.release();
  }
}

async function train(db: Database, sql: postgres.Sql, model: ClaimedModel, options: Options): Promise<void> {
  const template = await getTemplate(db, model.project_id);
  const raw = template?.questions.find((q) => q.key === model.question_key);
  const question = raw ? classifiedQuestion(raw as Question) : null;
  if (!question) throw new TrainingError(`Question ${model.question_key} is not in the project's template any more, or is not one it can learn. ${NOT_CLASSIFIABLE}`);
  const { labels, counts } = await readTrainingLabels(sql, model.project_id, question, model.include_llm);
  const classes = new Set(labels.map((l) => l.label));
  if (labels.length < MIN_TRAINING_LABELS || classes.size < MIN_TRAINING_CLASSES) {
    throw new TrainingError(`Training needs at least ${MIN_TRAINING_LABELS} labelled items in ${MIN_TRAINING_CLASSES} classes; question ${question.key} has ${labels.length} in ${classes.size}.`);
  }
  const started = performance.now();
  const trained = await trainInWorker(
    labels.map((l) => ({ text: l.text, label: l.label })),
    undefined,
    { signal: options.signal },
  );
  const trainingMs = Math.round(performance.now() - started);
  const classifier = decodeModel(trained.model);
  // why: routing simulations replay a policy on these: labelled items this model never trained on.
  const holdout = trained.holdout.map(({ index, probabilities }) => {
    const [first, second] = topClasses(classifier.labels, probabilities, 2);
    return [labels[index]!.itemId, labels[index]!.label, first![0], first![1], second?.[0] ?? null, second?.[1] ?? null];
  });
  await sql`
    update classifier_models set model = ${Buffer.from(trained.model)}, evaluation = ${JSON.stringify(trained.evaluation)}::jsonb,
      params = ${JSON.stringify(classifier.params)}::jsonb, label_count = ${labels.length},
      summary = ${JSON.stringify({ labels: counts, classes: classes.size })}::jsonb,
      holdout = ${JSON.stringify(holdout)}::jsonb, training_ms = ${trainingMs}
    where id = ${model.id}`;
  const predictStarted = performance.now();
  await predictUnlabelled(db, sql, model, classifier, new Set(labels.map((l) => l.itemId)), options.signal);
  await sql`update classifier_models set predict_ms = ${Math.round(performance.now() - predictStarted)} where id = ${model.id}`;
}

/**
 * Predicts the project's items that have no label, in id order, a batch per transaction: the
 * item's earlier classifier suggestion for the question goes and the new one comes in the same
 * statement's transaction, so a reviewer sees one or the other, never none or two.
 */
async function predictUnlabelled(db: Database, sql: postgres.Sql, model: ClaimedModel, classifier: ClassifierModel, labelled: Set<number>, signal?: AbortSignal): Promise<void> {
  const source = `classifier v${model.version}`;
  let after = 0;
  for (;;) {
    signal?.throwIfAborted();
    const rows = await sql<{ id: string; input: StoredInput; outputs: unknown[] }[]>`
      select id, input, outputs from items where project_id = ${model.project_id} and id > ${after} order by id limit ${PREDICT_BATCH}`;
    if (!rows.length) break;
    after = Number(rows.at(-1)!.id);
    const todo = rows.filter((r) => !labelled.has(Number(r.id)));
    if (!todo.length) continue;
    const probabilities = predictProba(classifier, todo.map((r) => itemText(r.input, r.outputs)));
    const suggestions = todo.map((row, i) => {
      const top = topClasses(classifier.labels, probabilities[i]!);
      return { item_id: Number(row.id), value: top[0]![0], confidence: top[0]![1], probabilities: Object.fromEntries(top) };
    });
    await sql.begin(async (tx) => {
      await tx`
        delete from suggestions where item_id = any(${suggestions.map((s) => s.item_id)}::bigint[]) and question_key = ${model.question_key} and origin = 'classifier'`;
      await tx`
        insert into suggestions (item_id, question_key, value, confidence, source, origin, run_id, probabilities)
        select s.item_id, ${model.question_key}, to_jsonb(s.value), s.confidence, ${source}, 'classifier', ${model.id}, s.probabilities
        from jsonb_to_recordset(${JSON.stringify(suggestions)}::jsonb) as s(item_id bigint, value text, confidence real, probabilities jsonb)`;
      await tx`update classifier_models set predicted = predicted + ${suggestions.length} where id = ${model.id}`;
    });
    // why: the "most uncertain first" queue order reads this: 1 − (top probability − the second's).
    await setItemUncertainties(
      db,
      model.project_id,
      todo.map((row, i) => ({ itemId: Number(row.id), uncertainty: Math.min(1, Math.max(0, 1 - topOf(classifier.labels, probabilities[i]!).margin)) })),
    );
    // why: let the review queue's requests in between batches.
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** The classes with the highest probabilities, highest first. */
export function topClasses(labels: readonly string[], probabilities: ArrayLike<number>, k = TOP_CLASSES): [string, number][] {
  return labels
    .map((label, i) => [label, probabilities[i]!] as [string, number])
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, k);
}

class TrainingError extends Error {}

function failureMessage(error: unknown): string {
  if (error instanceof TrainingError) return error.message;
  return `Training failed: ${error instanceof Error ? error.message : String(error)}`;
}

/** Records how a training ended and, in the same transaction, the job.finished event for it. */
async function finishModel(client: postgres.Sql, model: ClaimedModel, state: "ready" | "failed", message: string | null) {
  await client.begin(async (sql) => {
    const [row] = await sql<{ finished_at: Date }[]>`
      update classifier_models set state = ${state}, finished_at = now(), message = ${message} where id = ${model.id} returning finished_at`;
    if (row) await emitEvent(sql, model.project_id, "job.finished", {
      key: `classifier_model:${model.id}:${new Date(row.finished_at).toISOString()}`,
      data: { job: "classifier_training", classifier_model_id: model.id, question_key: model.question_key, version: model.version, state, links: { api: `/api/v1/classifier-models/${model.id}` } },
    });
  });
}
