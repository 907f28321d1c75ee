import type PgBoss from "pg-boss";
import { z } from "zod";
import { sqlOf, type Database } from "~/db.server";
import { runLlmRun } from "~/modules/llm-runs/run-llm-run.server";

type Log = { info(m: string): void; warn(m: string): void; error(m: string, e?: unknown): void };

/** The queue every server's LLM workers take runs from (any server can work on any run). */
export const LLM_RUNS_QUEUE = "llm_run";
/** Runs one server works on at once (each shares its provider's concurrency with the others). */
export const LLM_RUN_WORKERS = 2;
/** How often each server looks for runs nobody works on (their runners died). */
export const LLM_RUN_SWEEP_MS = 30_000;

export const llmRunPayload = z.object({ runId: z.uuid() });

/**
 * The job: works on the run until it ends or this server stops. The run's row records how it
 * ends, so the job itself never fails or retries; a run left unfinished by a stopped or killed
 * server is sent again by the sweep, and its next runner carries on where this one stopped.
 */
export async function runLlmRunJob(db: Database, payload: z.infer<typeof llmRunPayload>, log: Log, signal?: AbortSignal): Promise<void> {
  try {
    const outcome = await runLlmRun(db, payload.runId, { signal, log });
    if (outcome.state === "failed") log.warn(`LLM run ${payload.runId} failed: ${outcome.message ?? "no reason given"}`);
  } catch (error) {
    log.error(`LLM run ${payload.runId} stopped on an error`, error);
  }
}

/** Sends a run's job; while one waits, another send for the same run is dropped (a `short` queue keyed by run). */
export async function sendLlmRun(boss: PgBoss, runId: string): Promise<void> {
  await boss.send(LLM_RUNS_QUEUE, { runId }, { singletonKey: runId });
}

/**
 * Sends again the runs that are queued or running but that no runner works on: every runner
 * holds its run's advisory lock shared, so the exclusive one is free only when none is alive.
 */
export async function sweepLlmRuns(db: Database, boss: PgBoss, log: Log): Promise<void> {
  const orphans = await sqlOf(db).begin(
    (sql) => sql<{ id: string }[]>`
      with open as materialized (select id from llm_runs where state in ('queued', 'running'))
      select id from open where pg_try_advisory_xact_lock(hashtextextended('llm_run:' || id::text, 0))
      limit 100`,
  );
  for (const { id } of orphans) await sendLlmRun(boss, id);
  if (orphans.length) log.info(`Sent ${orphans.length} LLM run(s) nobody was working on.`);
}
