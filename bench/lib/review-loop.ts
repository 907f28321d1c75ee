import type postgres from "postgres";
import { setTimeout as sleep } from "node:timers/promises";
import { backendCpuDelta, backendCpuMs, processCpuMs } from "./cpu";
import { seededRandom } from "~test/support/generate/random";
import { Recorder, round, type Summary } from "./stats";

/** One simulated reviewer: claim returns the item id (null when the queue is empty). */
export type Worker = { claim(): Promise<number | null>; submit(itemId: number): Promise<void>; close?(): Promise<void> };
export type PhaseResult = {
  pairs: number;
  pairsPerSecond: number;
  operationsPerSecond: number;
  measuredSeconds: number;
  completedIncludingWarmup: number;
  /** CPU per completed pair (warm-up included): this process, and the database's server processes when local. */
  cpuMsPerPair: { node: number; postgres: number | null };
  errors: Record<string, number>;
  queueEmptied: boolean;
  latencyMs: { claim: Summary; submit: Summary; pair: Summary };
  /** Mean pause between a reviewer's items (0: none, the run is saturated). */
  thinkMs: number;
};

/**
 * Runs `reviewers` workers, each claiming and submitting until the time is up, and times each
 * claim, submit and pair; only pairs started after the warm-up count. With `thinkMs`, a worker
 * pauses after each pair for an exponentially distributed time of that mean (seeded, so the
 * workers do not move in lock step); without it, they go back to back. `sql` is any connection
 * to the benchmark database, for reading its server processes' CPU.
 */
export async function runReviewLoop(
  sql: postgres.Sql,
  options: { reviewers: number; seconds: number; warmup: number; thinkMs?: number; seed?: number },
  makeWorker: (i: number) => Worker | Promise<Worker>,
): Promise<PhaseResult> {
  const workers = await Promise.all(Array.from({ length: options.reviewers }, (_, i) => makeWorker(i)));
  const cpuBefore = { bench: processCpuMs(), backends: await backendCpuMs(sql) };
  const recorder = new Recorder();
  const errors: Record<string, number> = {};
  const start = performance.now();
  const measureFrom = start + options.warmup * 1000;
  const deadline = measureFrom + options.seconds * 1000;
  let lastEnd = measureFrom;
  let completed = 0;
  let queueEmptied = false;
  const thinkMs = options.thinkMs ?? 0;
  await Promise.all(
    workers.map(async (worker, i) => {
      const random = seededRandom((options.seed ?? 1) * 7919 + i);
      while (performance.now() < deadline && !queueEmptied) {
        const t0 = performance.now();
        try {
          const itemId = await worker.claim();
          const t1 = performance.now();
          if (itemId === null) {
            queueEmptied = true;
            break;
          }
          await worker.submit(itemId);
          const t2 = performance.now();
          completed++;
          if (t0 >= measureFrom) {
            recorder.add("claim", t1 - t0);
            recorder.add("submit", t2 - t1);
            recorder.add("pair", t2 - t0);
            lastEnd = Math.max(lastEnd, t2);
          }
        } catch (error) {
          const key = error instanceof Error ? `${error.constructor.name}: ${error.message}` : String(error);
          errors[key] = (errors[key] ?? 0) + 1;
        }
        if (thinkMs > 0) await sleep(-Math.log(1 - random()) * thinkMs);
      }
      await worker.close?.();
    }),
  );
  const benchCpu = processCpuMs() - cpuBefore.bench;
  const backendCpu = backendCpuDelta(cpuBefore.backends, await backendCpuMs(sql));
  const measuredSeconds = (lastEnd - measureFrom) / 1000;
  const pairs = recorder.summary("pair").count;
  return {
    pairs,
    pairsPerSecond: round(pairs / measuredSeconds),
    operationsPerSecond: round((2 * pairs) / measuredSeconds),
    measuredSeconds: round(measuredSeconds),
    completedIncludingWarmup: completed,
    cpuMsPerPair: {
      node: round(benchCpu / completed),
      postgres: backendCpu === null ? null : round(backendCpu / completed),
    },
    errors,
    queueEmptied,
    latencyMs: { claim: recorder.summary("claim"), submit: recorder.summary("submit"), pair: recorder.summary("pair") },
    thinkMs,
  };
}
