import { randomBytes } from "node:crypto";
import { setMaxListeners } from "node:events";
import { and, eq, inArray, sql } from "drizzle-orm";
import { llmRuns, promptVersions } from "~db/schema";
import { sqlOf, type Database } from "~/db.server";
import { openAiClientFor } from "~/modules/llm/client.server";
import { providerRow } from "~/modules/llm/queries.server";
import { providerSecrets } from "~/modules/llm/provider-secrets.server";
import { getTemplate } from "~/modules/templates/get-template.server";
import { emitEvent } from "~/modules/webhooks/emit-event.server";
import { askItem, type ClaimedItem, type ItemResult, type RunContext } from "./ask-item.server";
import { claimItems, releaseItems } from "./claim-items.server";
import { providerLimiter } from "./limiter";
import type { LlmRunState } from "./schemas";
import { finishItems, type Finished, type RunTally } from "./store-answer.server";

type Log = { warn(m: string): void; error(m: string, e?: unknown): void };

export type RunnerOptions = {
  /** Stops the runner (a shutdown): calls in flight are dropped and their items left for the next runner. */
  signal?: AbortSignal;
  allowPrivate?: boolean;
  /** First back-off between tries when the provider gives no Retry-After (default 500 ms). */
  backoffBaseMs?: number;
  /** The longest wait between tries honoured, Retry-After included (default 60 s). */
  maxWaitMs?: number;
  /** How often the runner looks for a cancel while calls are in flight (default 500 ms). */
  pollMs?: number;
  onProgress?: (tally: RunTally) => void;
  log?: Log;
};

export type RunnerOutcome = { state: LlmRunState; message: string | null };

const BUDGET_REACHED = "Budget reached: the run stopped before asking about the remaining items.";

/**
 * Works through a run's items until none is left, it is cancelled, its budget is spent or the
 * signal stops it. Any number of runners may work on one run at once (other app copies, a resumed
 * job): items are claimed with SKIP LOCKED under this runner's advisory-lock key, so no item is
 * asked twice while its runner lives, and a done item is never asked again. Calls to the provider
 * share its concurrency limit with every other run in this process.
 */
export async function runLlmRun(db: Database, runId: string, options: RunnerOptions = {}): Promise<RunnerOutcome> {
  const pg = sqlOf(db);
  // why: the key's lock lives as long as this connection, which is what makes a claim of a dead
  // process recognisable (claimItems); 62 bits, so it is positive and splits cleanly in pg_locks.
  const runnerKey = (BigInt(`0x${randomBytes(8).toString("hex")}`) >> 2n).toString();
  const lock = await pg.reserve();
  const stop = new AbortController();
  // why: every call in flight, wait and queued slot listens to it; hundreds at once are expected.
  setMaxListeners(Number.POSITIVE_INFINITY, stop.signal);
  const onAbort = () => stop.abort(options.signal!.reason);
  options.signal?.addEventListener("abort", onAbort, { once: true });
  try {
    await lock`select pg_advisory_lock(${runnerKey}::int8), pg_advisory_lock_shared(hashtextextended(${`llm_run:${runId}`}, 0))`;
    const [run] = await db
      .update(llmRuns)
      .set({ state: "running", startedAt: sql`coalesce(${llmRuns.startedAt}, now())`, updatedAt: sql`now()` })
      .where(and(eq(llmRuns.id, runId), inArray(llmRuns.state, ["queued", "running"])))
      .returning();
    if (!run) return await outcome(db, runId);

    let ctx: RunContext;
    let maxConcurrency: number;
    try {
      ({ ctx, maxConcurrency } = await contextOf(db, run, options));
    } catch (error) {
      await endRun(db, runId, "failed", error instanceof Error ? error.message : String(error));
      return await outcome(db, runId);
    }
    const limiter = providerLimiter(run.providerId, maxConcurrency);
    const inFlight = new Set<Promise<void>>();
    let ending: { state: "failed" | "cancelled"; message: string | null } | null = null;
    const halt = (why: typeof ending) => {
      ending ??= why;
      stop.abort(new DOMException(why?.message ?? "Stopped.", "AbortError"));
    };
    const react = (tally: RunTally) => {
      options.onProgress?.(tally);
      if (tally.state === "cancelled") halt({ state: "cancelled", message: null });
      else if (tally.budgetUsd !== null && tally.costUsd >= tally.budgetUsd) halt({ state: "failed", message: BUDGET_REACHED });
    };

    // why: answers are recorded in batches, one transaction each: the run's row, which every answer
    // updates, would otherwise serialise one commit per item.
    const writer = new BatchWriter<Finished>(async (batch) => {
      try {
        react(await finishItems(db, ctx, runnerKey, batch));
      } catch (error) {
        options.log?.error(`LLM run ${runId}: answers could not be recorded`, error);
        const message = `Loupe could not record the answer: ${error instanceof Error ? error.message : String(error)}`;
        const failed = batch.map((f) => ({ itemId: f.itemId, result: { ...f.result, state: "failed" as const, error: message, output: undefined, answers: undefined } }));
        await finishItems(db, ctx, runnerKey, failed).then(react, (e: unknown) => {
          options.log?.error(`LLM run ${runId}: stopping`, e);
          halt({ state: "failed", message });
        });
      }
    });
    const wake = new Notifier();
    let calling = 0;
    const work = async (item: ClaimedItem) => {
      let result: ItemResult;
      calling++;
      try {
        const release = await limiter.acquire(stop.signal);
        try {
          result = await askItem(ctx, item, stop.signal);
        } finally {
          release();
        }
      } catch {
        // Only an abort gets here (askItem turns every provider failure into a failed item).
        return;
      } finally {
        calling--;
        wake.notify();
      }
      await writer.add({ itemId: item.id, result });
    };

    const pollMs = options.pollMs ?? 500;
    let checkedAt = 0;
    let exhaustedAt = -Infinity;
    while (!stop.signal.aborted) {
      if (performance.now() - checkedAt >= pollMs) {
        checkedAt = performance.now();
        const [current] = await pg<RunTally[]>`select state, done, failed, total, cost_usd as "costUsd", budget_usd as "budgetUsd" from llm_runs where id = ${runId}`;
        if (!current || current.state !== "running") {
          halt({ state: "cancelled", message: null });
          break;
        }
        react(current);
        if (stop.signal.aborted) break;
      }
      const room = limiter.limit - calling;
      // why: claim in batches (a quarter of the limit at least), not one query per answer; after a
      // claim came back short, wait a poll before asking again (items of a dead runner may appear).
      const worth = room >= Math.max(1, Math.ceil(limiter.limit / 4)) || calling === 0;
      const retryable = performance.now() - exhaustedAt >= pollMs || inFlight.size === 0;
      const claimed = worth && retryable && writer.pending < 4 * limiter.limit ? await claimItems(db, { id: runId, model: run.model, promptVersionId: run.promptVersionId }, runnerKey, room) : [];
      if (worth && retryable && claimed.length < room) exhaustedAt = performance.now();
      for (const item of claimed) {
        const task: Promise<void> = work(item).finally(() => inFlight.delete(task));
        inFlight.add(task);
      }
      // With nothing in flight the claim above always ran: nothing came back, so nothing is left for this runner.
      if (claimed.length === 0 && inFlight.size === 0) break;
      await wake.wait(pollMs, stop.signal);
    }
    await Promise.allSettled([...inFlight]);

    if (stop.signal.aborted) {
      await releaseItems(db, runId, runnerKey);
      const end = ending as { state: "failed" | "cancelled"; message: string | null } | null;
      if (end?.state === "failed") await endRun(db, runId, "failed", end.message);
      return await outcome(db, runId);
    }
    const [left] = await pg<{ n: number }[]>`select count(*)::int as n from llm_run_items where run_id = ${runId} and state in ('pending', 'running')`;
    if (left!.n === 0) await endRun(db, runId, "done", null);
    return await outcome(db, runId);
  } finally {
    options.signal?.removeEventListener("abort", onAbort);
    await lock`select pg_advisory_unlock_all()`.catch(() => {});
    lock.release();
  }
}

async function contextOf(db: Database, run: typeof llmRuns.$inferSelect, options: RunnerOptions): Promise<{ ctx: RunContext; maxConcurrency: number }> {
  const provider = await providerRow(db, run.providerId);
  if (!provider.enabled) throw new Error(`The provider ${provider.name} is disabled.`);
  const [prompt] = await db.select().from(promptVersions).where(eq(promptVersions.id, run.promptVersionId));
  if (!prompt) throw new Error("The prompt version is gone.");
  let questions: RunContext["questions"] = [];
  if (run.kind === "judge") {
    const template = await getTemplate(db, run.projectId);
    const byKey = new Map((template?.questions ?? []).map((q) => [q.key, q]));
    questions = prompt.questions.map((key) => byKey.get(key)).filter((q) => q !== undefined);
    const missing = prompt.questions.filter((key) => !byKey.has(key));
    if (missing.length) throw new Error(`The template no longer has the question(s) ${missing.join(", ")} this judge answers.`);
  }
  const secrets = providerSecrets(provider);
  const policy = { maxAttempts: run.params.maxAttempts, timeoutMs: run.params.timeoutMs, backoffBaseMs: options.backoffBaseMs ?? 500, maxWaitMs: options.maxWaitMs ?? 60_000 };
  const client = openAiClientFor(provider, { timeoutMs: run.params.timeoutMs, allowPrivate: options.allowPrivate });
  const price = provider.models.find((m) => m.id === run.model);
  const ctx: RunContext = { runId: run.id, kind: run.kind, providerId: provider.id, model: run.model, price, prompt, questions, client, secrets, policy };
  return { ctx, maxConcurrency: provider.maxConcurrency };
}

async function endRun(db: Database, runId: string, state: "done" | "failed", message: string | null) {
  await sqlOf(db).begin(async (tx) => {
    const [run] = await tx<{ project_id: string; kind: string; total: number; done: number; failed: number; finished_at: Date }[]>`
      update llm_runs set state = ${state}, message = ${message}, finished_at = now(), updated_at = now() where id = ${runId} and state = 'running'
      returning project_id, kind, total, done, failed, finished_at`;
    // why: only the runner whose update ended the run emits, and a retried run ends again with a new finished_at (a new event).
    if (run) await emitEvent(tx, run.project_id, "job.finished", {
      key: `llm_run:${runId}:${new Date(run.finished_at).toISOString()}`,
      data: { job: "llm_run", llm_run_id: runId, kind: run.kind, state, counts: { total: run.total, done: run.done, failed: run.failed }, links: { api: `/api/v1/llm-runs/${runId}` } },
    });
  });
}

async function outcome(db: Database, runId: string): Promise<RunnerOutcome> {
  const [row] = await db.select({ state: llmRuns.state, message: llmRuns.message }).from(llmRuns).where(eq(llmRuns.id, runId));
  return row ?? { state: "failed", message: "The run was deleted." };
}

/** Wakes a waiting loop when something happened, or after `ms`, or when the signal aborts. */
class Notifier {
  private waiting: (() => void) | undefined;
  private pending = false;

  notify() {
    if (this.waiting) this.waiting();
    else this.pending = true;
  }

  wait(ms: number, signal: AbortSignal): Promise<void> {
    if (this.pending || signal.aborted) {
      this.pending = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener("abort", done);
        this.waiting = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal.addEventListener("abort", done, { once: true });
      this.waiting = done;
    });
  }
}

/** Collects entries and hands them to `flush` in batches of up to 256, one flush at a time; `add` resolves once its entry is flushed. */
class BatchWriter<T> {
  private buffer: { entry: T; done: () => void }[] = [];
  private running: Promise<void> | undefined;

  constructor(private readonly flush: (batch: T[]) => Promise<void>) {}

  get pending(): number {
    return this.buffer.length;
  }

  add(entry: T): Promise<void> {
    const added = new Promise<void>((done) => this.buffer.push({ entry, done }));
    this.running ??= this.drain().finally(() => (this.running = undefined));
    return added;
  }

  private async drain() {
    while (this.buffer.length) {
      const batch = this.buffer.splice(0, 256);
      await this.flush(batch.map((b) => b.entry));
      for (const b of batch) b.done();
    }
  }
}
