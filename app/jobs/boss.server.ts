import fs from "node:fs";
import PgBoss from "pg-boss";
import postgres from "postgres";
import { inArray, isNotNull, and } from "drizzle-orm";
import { imports } from "~db/schema";
import { db } from "~/db.server";
import { markInterruptedImports } from "~/modules/imports/tracker.server";
import { DATASET_BUILDS_QUEUE, DATASET_SWEEP_MS, datasetBuildPayload, runDatasetBuild, sendDatasetBuild, sweepDatasetBuilds } from "./dataset-builds.server";
import { CLASSIFIER_QUEUE, CLASSIFIER_SWEEP_MS, classifierPayload, runClassifierJob, sendClassifierModel, sweepClassifier } from "./classifier.server";
import { startFeedbackRetention } from "./feedback-retention.server";
import { importFilePayload, runImportFile } from "./import-file.server";
import { LLM_RUN_SWEEP_MS, LLM_RUN_WORKERS, LLM_RUNS_QUEUE, llmRunPayload, runLlmRunJob, sendLlmRun, sweepLlmRuns } from "./llm-run.server";
import { instanceId } from "./instance.server";
import { SWEEP_RESOLUTIONS_MS, SWEEP_RESOLUTIONS_QUEUE, sweepStaleResolutions } from "./sweep-resolutions.server";
import { sendDueWebhooks, startWebhookDeliveries } from "./webhook-deliveries.server";

type Log = { info(m: string): void; warn(m: string): void; error(m: string, e?: unknown): void };
type Jobs = {
  boss: PgBoss;
  queue: string;
  running: Map<string, AbortController>;
  sweep: NodeJS.Timeout;
  resolutions: NodeJS.Timeout;
  log: Log;
  datasets: { worker: string; sweep: NodeJS.Timeout };
  llmRuns: { workers: string[]; sweep: NodeJS.Timeout };
  classifier: { worker: string; sweep: NodeJS.Timeout };
  feedbackRetention: NodeJS.Timeout;
  webhooks: NodeJS.Timeout;
};

/** This process's workers, once startJobs has run. */
let started: Jobs | undefined;
const SWEEP_MS = 30_000;

/**
 * Starts the background workers inside this server (after migrations): pg-boss in the same
 * PostgreSQL, one import at a time from this instance's queue. Imports this instance was running
 * when it last stopped are marked failed first, saying how far they got.
 */
export async function startJobs(options: { databaseUrl: string; dataDir: string; log: Log }): Promise<void> {
  if (started) return;
  const instance = instanceId(options.dataDir);
  const boss = new PgBoss({ connectionString: options.databaseUrl, max: 3, schedule: false, application_name: "loupe-jobs" });
  boss.on("error", (error) => options.log.error("Background job queue error", error));
  await boss.start();
  // why: an upload waits on this server's disk, so only this server can run its import.
  const queue = `import_file_${instance}`;
  await createQueue(boss, options.databaseUrl, queue, { name: queue, retryLimit: 0, expireInHours: 23 });

  const interrupted = await markInterruptedImports(db, { instanceId: instance });
  if (interrupted.length) {
    options.log.warn(`Marked ${interrupted.length} interrupted import(s) as failed.`);
    await removeUploads(interrupted);
  }
  const running = new Map<string, AbortController>();
  await boss.work<{ importId: string }>(queue, { batchSize: 1, pollingIntervalSeconds: 1 }, async ([job]) => {
    const payload = importFilePayload.parse(job!.data);
    const controller = new AbortController();
    running.set(job!.id, controller);
    try {
      await runImportFile(db, payload, controller.signal);
    } finally {
      running.delete(job!.id);
    }
  });
  const sweep = setInterval(() => {
    markInterruptedImports(db).catch((error: unknown) => options.log.warn(`Could not check for interrupted imports: ${String(error)}`));
  }, SWEEP_MS);
  sweep.unref();

  await createQueue(boss, options.databaseUrl, SWEEP_RESOLUTIONS_QUEUE, { name: SWEEP_RESOLUTIONS_QUEUE, policy: "stately", retryLimit: 0, expireInMinutes: 30 });
  await boss.work(SWEEP_RESOLUTIONS_QUEUE, { batchSize: 1, pollingIntervalSeconds: 2 }, async () => {
    await sweepStaleResolutions(db);
  });
  const resolutions = setInterval(() => {
    boss.send(SWEEP_RESOLUTIONS_QUEUE, {}).catch((error: unknown) => options.log.warn(`Could not queue the resolution sweep: ${String(error)}`));
  }, SWEEP_RESOLUTIONS_MS);
  resolutions.unref();
  const datasets = await startDatasetWorker(boss, options.databaseUrl, running, options.log);
  const llmRuns = await startLlmRunWorkers(boss, options.databaseUrl, running, options.log);
  const classifier = await startClassifierWorker(boss, options.databaseUrl, running, options.log);
  const feedbackRetention = await startFeedbackRetention(boss, (name, queueOptions) => createQueue(boss, options.databaseUrl, name, queueOptions), options.log);
  const webhooks = startWebhookDeliveries(options.log);
  started = { boss, queue, running, sweep, resolutions, log: options.log, datasets, llmRuns, classifier, feedbackRetention, webhooks };
  options.log.info(`Background jobs started (queue ${queue}).`);
}

// why: any constant works as long as every Loupe process uses the same one.
const QUEUE_CREATE_LOCK = 7_311_042_902;

/**
 * Creates a queue unless it exists, one server at a time. pg-boss's create inserts the queue row,
 * creates its partition and adds the partition's foreign key to the queue table; two creates at
 * once deadlock — for one queue, and for two different ones (each server's own import queue: the
 * two-servers e2e on a loaded machine), and retrying did not stop eight of them deadlocking again.
 * So creates wait their turn on an advisory lock held on a connection of their own.
 */
export async function createQueue(boss: PgBoss, databaseUrl: string, name: string, options: PgBoss.Queue): Promise<void> {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  try {
    await sql`select pg_advisory_lock(${QUEUE_CREATE_LOCK})`;
    if (!(await boss.getQueue(name))) await boss.createQueue(name, options);
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/** Stops the workers: running imports stop after their current batch and are recorded as stopped; running dataset builds roll back and are recorded as stopped. */
export async function stopJobs(): Promise<void> {
  const jobs = started;
  if (!jobs) return;
  started = undefined;
  clearInterval(jobs.sweep);
  clearInterval(jobs.resolutions);
  clearInterval(jobs.datasets.sweep);
  clearInterval(jobs.llmRuns.sweep);
  clearInterval(jobs.classifier.sweep);
  clearInterval(jobs.feedbackRetention);
  clearInterval(jobs.webhooks);
  for (const controller of jobs.running.values()) controller.abort(new DOMException("The server is shutting down.", "AbortError"));
  await jobs.boss.stop({ graceful: true, wait: true, timeout: 10_000 });
}

/**
 * Dataset builds, one at a time per server from a queue every server shares. Builds whose process
 * died are marked failed at start and by a periodic sweep (their advisory lock is free).
 */
async function startDatasetWorker(boss: PgBoss, databaseUrl: string, running: Map<string, AbortController>, log: Log) {
  await createQueue(boss, databaseUrl, DATASET_BUILDS_QUEUE, { name: DATASET_BUILDS_QUEUE, policy: "stately", retryLimit: 0, expireInHours: 23 });
  const worker = await boss.work<{ datasetId: string }>(DATASET_BUILDS_QUEUE, { batchSize: 1, pollingIntervalSeconds: 2 }, async ([job]) => {
    const controller = new AbortController();
    running.set(job!.id, controller);
    try {
      await runDatasetBuild(db, datasetBuildPayload.parse(job!.data), log, controller.signal);
    } finally {
      running.delete(job!.id);
    }
  });
  const check = () => sweepDatasetBuilds(db, boss, log).catch((error: unknown) => log.warn(`Could not check dataset builds: ${String(error)}`));
  await check();
  const sweep = setInterval(check, DATASET_SWEEP_MS);
  sweep.unref();
  return { worker, sweep };
}

/**
 * LLM runs: LLM_RUN_WORKERS at a time per server from a queue every server shares. A stopped
 * server's runners let go of their items; the sweep (at start and every 30 s) sends again the runs
 * no live runner holds, so a restart or another copy carries them on.
 */
async function startLlmRunWorkers(boss: PgBoss, databaseUrl: string, running: Map<string, AbortController>, log: Log) {
  await createQueue(boss, databaseUrl, LLM_RUNS_QUEUE, { name: LLM_RUNS_QUEUE, policy: "short", retryLimit: 0, expireInHours: 23 });
  const workers: string[] = [];
  for (let i = 0; i < LLM_RUN_WORKERS; i++) {
    workers.push(
      await boss.work<{ runId: string }>(LLM_RUNS_QUEUE, { batchSize: 1, pollingIntervalSeconds: 2 }, async ([job]) => {
        const controller = new AbortController();
        running.set(job!.id, controller);
        try {
          await runLlmRunJob(db, llmRunPayload.parse(job!.data), log, controller.signal);
        } finally {
          running.delete(job!.id);
        }
      }),
    );
  }
  const check = () => sweepLlmRuns(db, boss, log).catch((error: unknown) => log.warn(`Could not check LLM runs: ${String(error)}`));
  await check();
  const sweep = setInterval(check, LLM_RUN_SWEEP_MS);
  sweep.unref();
  return { workers, sweep };
}

/**
 * Classifier training, one model at a time per server (training takes a worker thread, a core),
 * from a queue every server shares. The sweep (at start and every 30 s) requeues trainings whose
 * process died, resends lost jobs and starts the automatic retrains that are due.
 */
async function startClassifierWorker(boss: PgBoss, databaseUrl: string, running: Map<string, AbortController>, log: Log) {
  await createQueue(boss, databaseUrl, CLASSIFIER_QUEUE, { name: CLASSIFIER_QUEUE, policy: "short", retryLimit: 0, expireInHours: 23 });
  const worker = await boss.work<{ modelId: string }>(CLASSIFIER_QUEUE, { batchSize: 1, pollingIntervalSeconds: 2 }, async ([job]) => {
    const controller = new AbortController();
    running.set(job!.id, controller);
    try {
      await runClassifierJob(db, classifierPayload.parse(job!.data), log, controller.signal);
    } finally {
      running.delete(job!.id);
    }
  });
  const check = () => sweepClassifier(db, boss, log).catch((error: unknown) => log.warn(`Could not check classifier trainings: ${String(error)}`));
  await check();
  const sweep = setInterval(check, CLASSIFIER_SWEEP_MS);
  sweep.unref();
  return { worker, sweep };
}

/**
 * Queues a model's training for whichever server's worker is free (this server's is woken at
 * once). In a process without workers (a script, a test calling a route) it trains here in the
 * background instead; its row records how it ends.
 */
export async function queueClassifierModel(modelId: string): Promise<void> {
  const jobs = started;
  if (!jobs) {
    void runClassifierJob(db, { modelId }, { info: () => {}, warn: () => {}, error: (m, e) => console.error(m, e) });
    return;
  }
  await sendClassifierModel(jobs.boss, modelId);
  jobs.boss.notifyWorker(jobs.classifier.worker);
}

/**
 * Queues a run's job for whichever server's worker is free (this server's are woken at once). In
 * a process without workers (a script, a test calling a route) the run is worked on here in the
 * background instead; its row records how it ends.
 */
export async function queueLlmRun(runId: string): Promise<void> {
  const jobs = started;
  if (!jobs) {
    void runLlmRunJob(db, { runId }, { info: () => {}, warn: () => {}, error: (m, e) => console.error(m, e) });
    return;
  }
  await sendLlmRun(jobs.boss, runId);
  for (const worker of jobs.llmRuns.workers) jobs.boss.notifyWorker(worker);
}

/**
 * Queues a requested dataset's build for whichever server's worker is free (this server's is
 * woken at once). In a process without workers (a script, a test calling a route) the build runs
 * here in the background instead, the same build the job runs; its row records how it ends.
 */
export async function queueDatasetBuild(datasetId: string): Promise<void> {
  const jobs = started;
  if (!jobs) {
    void runDatasetBuild(db, { datasetId }, { info: () => {}, warn: () => {}, error: (m, e) => console.error(m, e) });
    return;
  }
  await sendDatasetBuild(jobs.boss, datasetId);
  jobs.boss.notifyWorker(jobs.datasets.worker);
}

/** Queues an uploaded file's import on this server; throws when no worker runs here. */
export async function enqueueImport(importId: string): Promise<void> {
  const jobs = started;
  if (!jobs) throw new Error("Background jobs are not running in this process.");
  await jobs.boss.send(jobs.queue, { importId });
}

/** Asks for a resolution sweep now instead of at the next tick (dropped while one already waits). */
export async function requestResolutionSweep(): Promise<void> {
  const jobs = started;
  if (!jobs) throw new Error("Background jobs are not running in this process.");
  await jobs.boss.send(SWEEP_RESOLUTIONS_QUEUE, {});
}

/**
 * Sends these webhook deliveries now (a test event, a replay) rather than at the next tick. In a
 * process without workers (a script, a test calling a route) they are sent here in the background.
 */
export function sendWebhookDeliveriesNow(ids: number[]): void {
  void sendDueWebhooks(started?.log ?? { info: () => {}, warn: (m) => console.warn(m) }, ids);
}

export function jobsRunning(): boolean {
  return started !== undefined;
}

async function removeUploads(importIds: string[]) {
  const rows = await db
    .select({ filePath: imports.filePath })
    .from(imports)
    .where(and(inArray(imports.id, importIds), isNotNull(imports.filePath)));
  for (const { filePath } of rows) if (filePath) fs.rmSync(filePath, { force: true });
  await db.update(imports).set({ filePath: null }).where(inArray(imports.id, importIds));
}
