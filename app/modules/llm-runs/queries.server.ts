import { and, asc, desc, eq, gt, sql } from "drizzle-orm";
import { llmProviders, llmRunItems, llmRuns, promptVersions } from "~db/schema";
import type { Db } from "~/db.server";
import type { Actor } from "~/modules/auth/actor";
import { authorizeProject } from "~/modules/projects/authorize.server";
import type { ProjectAction } from "~/modules/projects/policy";
import { NotFoundError } from "~/utils/errors";
import type { LlmRunState } from "./schemas";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A run the actor may act on (the action on its project), or NotFound for one they cannot see. */
export async function runForActor(db: Db, actor: Actor, runId: string, action: ProjectAction) {
  const [run] = UUID.test(runId) ? await db.select({ id: llmRuns.id, projectId: llmRuns.projectId, state: llmRuns.state }).from(llmRuns).where(eq(llmRuns.id, runId)) : [];
  if (!run) throw new NotFoundError("No such LLM run.");
  try {
    await authorizeProject(db, actor, run.projectId, action);
  } catch (error) {
    if (error instanceof NotFoundError) throw new NotFoundError("No such LLM run.");
    throw error;
  }
  return run;
}

export type LlmRunFailure = { itemId: number; error: string; attempts: number };

export type LlmRunStatus = {
  id: string;
  projectId: string;
  kind: "generate" | "judge";
  state: LlmRunState;
  message: string | null;
  provider: { id: string; name: string };
  model: string;
  promptVersion: { id: string; name: string; version: number };
  filter: unknown;
  budgetUsd: number | null;
  counts: { total: number; done: number; failed: number; left: number };
  tokens: { input: number; output: number };
  /** Estimated spend so far; `costComplete` is false when some call's price was unknown. */
  costUsd: number;
  costComplete: boolean;
  /** Items finished per second since the run started; null before it started. */
  itemsPerSecond: number | null;
  secondsLeft: number | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
};

const statusColumns = {
  id: llmRuns.id,
  projectId: llmRuns.projectId,
  kind: llmRuns.kind,
  state: llmRuns.state,
  message: llmRuns.message,
  providerId: llmRuns.providerId,
  providerName: llmProviders.name,
  model: llmRuns.model,
  promptVersionId: llmRuns.promptVersionId,
  promptName: promptVersions.name,
  promptVersion: promptVersions.version,
  filter: llmRuns.filter,
  budgetUsd: llmRuns.budgetUsd,
  total: llmRuns.total,
  done: llmRuns.done,
  failed: llmRuns.failed,
  tokensIn: llmRuns.tokensIn,
  tokensOut: llmRuns.tokensOut,
  costUsd: llmRuns.costUsd,
  costUnknownCalls: llmRuns.costUnknownCalls,
  createdAt: llmRuns.createdAt,
  startedAt: llmRuns.startedAt,
  finishedAt: llmRuns.finishedAt,
  now: sql<Date>`now()`.mapWith((v: string | Date) => new Date(v)),
};
type StatusRow = Awaited<ReturnType<ReturnType<typeof statusQuery>["execute"]>>[number];

function toStatus(r: StatusRow): LlmRunStatus {
  const finished = r.done + r.failed;
  const end = r.finishedAt ?? r.now;
  const seconds = r.startedAt ? Math.max(0.001, (end.getTime() - r.startedAt.getTime()) / 1000) : null;
  const rate = seconds !== null ? finished / seconds : null;
  const left = Math.max(0, r.total - finished);
  const active = r.state === "running" || r.state === "queued";
  return {
    id: r.id,
    projectId: r.projectId,
    kind: r.kind,
    state: r.state,
    message: r.message,
    provider: { id: r.providerId, name: r.providerName },
    model: r.model,
    promptVersion: { id: r.promptVersionId, name: r.promptName, version: r.promptVersion },
    filter: r.filter,
    budgetUsd: r.budgetUsd,
    counts: { total: r.total, done: r.done, failed: r.failed, left },
    tokens: { input: Number(r.tokensIn), output: Number(r.tokensOut) },
    costUsd: r.costUsd,
    costComplete: r.costUnknownCalls === 0,
    itemsPerSecond: rate,
    secondsLeft: active && rate ? left / rate : active ? null : 0,
    createdAt: r.createdAt.toISOString(),
    startedAt: r.startedAt?.toISOString() ?? null,
    finishedAt: r.finishedAt?.toISOString() ?? null,
  };
}

const statusQuery = (db: Db) =>
  db.select(statusColumns).from(llmRuns).innerJoin(llmProviders, eq(llmProviders.id, llmRuns.providerId)).innerJoin(promptVersions, eq(promptVersions.id, llmRuns.promptVersionId));

/**
 * A run's status for its page, the API and the CLI: counts, tokens, spend, rate and time left,
 * and a page of its failures (by item id, after `failuresAfter`) with the provider's error.
 */
export async function getLlmRunStatus(db: Db, actor: Actor, runId: string, page: { failuresAfter?: number; limit?: number } = {}) {
  await runForActor(db, actor, runId, "llm.run");
  const [row] = await statusQuery(db).where(eq(llmRuns.id, runId));
  if (!row) throw new NotFoundError("No such LLM run.");
  const limit = page.limit ?? 50;
  const failures = await db
    .select({ itemId: llmRunItems.itemId, error: sql<string>`coalesce(${llmRunItems.error}, '')`, attempts: llmRunItems.attempts })
    .from(llmRunItems)
    .where(and(eq(llmRunItems.runId, runId), eq(llmRunItems.state, "failed"), gt(llmRunItems.itemId, page.failuresAfter ?? 0)))
    .orderBy(asc(llmRunItems.itemId))
    .limit(limit + 1);
  const more = failures.length > limit;
  const shown = failures.slice(0, limit);
  return { ...toStatus(row), failures: shown, nextFailuresAfter: more ? shown.at(-1)!.itemId : null };
}

/** The project's runs, newest first (the runs panel). */
export async function listLlmRuns(db: Db, actor: Actor, projectId: string, limit = 20): Promise<LlmRunStatus[]> {
  await authorizeProject(db, actor, projectId, "llm.run");
  const rows = await statusQuery(db).where(eq(llmRuns.projectId, projectId)).orderBy(desc(llmRuns.createdAt)).limit(limit);
  return rows.map(toStatus);
}

/** The project's latest runs, each with its first 20 failures: the project page's runs panel. */
export async function listRunsWithFailures(db: Db, actor: Actor, projectId: string, limit = 5) {
  const runs = await listLlmRuns(db, actor, projectId, limit);
  return Promise.all(
    runs.map(async (run) => ({ ...run, failures: run.counts.failed > 0 ? (await getLlmRunStatus(db, actor, run.id, { limit: 20 })).failures : [] })),
  );
}
export type RunWithFailures = Awaited<ReturnType<typeof listRunsWithFailures>>[number];
