import { and, desc, eq, sql } from "drizzle-orm";
import { datasetBuildProgress, datasets, projects } from "~db/schema";
import type { Db } from "~/db.server";
import type { Actor } from "~/modules/auth/actor";
import { authorizeProject } from "~/modules/projects/authorize.server";
import type { ProjectAction } from "~/modules/projects/policy";
import { ConflictError, NotFoundError } from "~/utils/errors";
import type { DatasetRecord } from "./card";
import { markInterruptedBuilds } from "./interrupted-builds.server";
import type { SnapshotCounts, SnapshotStats } from "./snapshot-tally";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export type DatasetState = "queued" | "building" | "ready" | "failed";

/** Where a snapshot's build is: its state, items written of items chosen (total null until chosen), and why it failed. */
export type DatasetStatus = {
  id: string;
  projectId: string;
  name: string;
  version: number;
  state: DatasetState;
  progress: { done: number; total: number | null };
  message: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
};

/**
 * A snapshot's build status, if the actor may do `action` on its project. A dataset that says
 * building but whose build has died is marked failed first, so the answer is never stale.
 */
export async function getDatasetStatus(db: Db, actor: Actor, datasetId: string, action: ProjectAction = "datasets.export"): Promise<DatasetStatus> {
  if (!UUID.test(datasetId)) throw new NotFoundError("No such dataset.");
  const read = () =>
    db
      .select({
        id: datasets.id,
        projectId: datasets.projectId,
        name: datasets.name,
        version: datasets.version,
        state: datasets.state,
        done: datasetBuildProgress.done,
        total: datasetBuildProgress.total,
        message: datasets.message,
        createdAt: datasets.createdAt,
        startedAt: datasets.startedAt,
        finishedAt: datasets.finishedAt,
      })
      .from(datasets)
      .leftJoin(datasetBuildProgress, eq(datasetBuildProgress.datasetId, datasets.id))
      .where(eq(datasets.id, datasetId));
  let [row] = await read();
  if (!row) throw new NotFoundError("No such dataset.");
  await authorizeHidden(db, actor, row.projectId, action);
  if (row.state === "building" && (await markInterruptedBuilds(db, [row.id])).length) [row] = await read();
  const r = row!;
  return {
    id: r.id,
    projectId: r.projectId,
    name: r.name,
    version: r.version,
    state: r.state,
    progress: { done: r.state === "ready" ? (r.total ?? r.done ?? 0) : (r.done ?? 0), total: r.total ?? null },
    message: r.message,
    createdAt: r.createdAt.toISOString(),
    startedAt: r.startedAt?.toISOString() ?? null,
    finishedAt: r.finishedAt?.toISOString() ?? null,
  };
}

/** A snapshot with what its card needs, if the actor may do `action` on its project. Any state: see `requireReady`. */
export async function getDatasetRecord(db: Db, actor: Actor, datasetId: string, action: ProjectAction): Promise<DatasetRecord & { state: DatasetState; message: string | null }> {
  if (!UUID.test(datasetId)) throw new NotFoundError("No such dataset.");
  const [row] = await db
    .select({
      id: datasets.id,
      projectId: datasets.projectId,
      projectName: projects.name,
      name: datasets.name,
      version: datasets.version,
      state: datasets.state,
      message: datasets.message,
      filter: datasets.filter,
      options: datasets.options,
      format: datasets.format,
      template: datasets.template,
      counts: datasets.counts,
      stats: datasets.stats,
      contentHash: datasets.contentHash,
      contentHashVersion: datasets.contentHashVersion,
      createdByName: datasets.createdByName,
      createdAt: datasets.createdAt,
    })
    .from(datasets)
    .innerJoin(projects, eq(projects.id, datasets.projectId))
    .where(eq(datasets.id, datasetId));
  if (!row) throw new NotFoundError("No such dataset.");
  await authorizeHidden(db, actor, row.projectId, action);
  return {
    ...row,
    template: row.template as DatasetRecord["template"],
    format: row.format as DatasetRecord["format"],
    counts: row.counts as unknown as SnapshotCounts,
    stats: row.stats as unknown as SnapshotStats,
    createdAt: row.createdAt.toISOString(),
  };
}

/** A snapshot that is not built yet (or whose build failed) has nothing to export: a 409 that says where it is. */
export function requireReady(dataset: { id: string; name: string; version: number; state: DatasetState; message: string | null }): void {
  const what = `${dataset.name} v${dataset.version}`;
  const status = `GET /api/v1/datasets/${dataset.id}/status`;
  if (dataset.state === "queued" || dataset.state === "building") {
    throw new ConflictError(`${what} is still being built, so it cannot be exported yet. Its progress: ${status}; export it once it is ready.`);
  }
  if (dataset.state === "failed") {
    throw new ConflictError(`${what} has nothing to export: its build failed. ${dataset.message ?? ""} Retry it (POST /api/v1/datasets/${dataset.id}/retry) or make it again.`.replace(/\s+/g, " "));
  }
}

// why: someone who may not see the project gets the same answer as for a dataset that does not exist.
async function authorizeHidden(db: Db, actor: Actor, projectId: string, action: ProjectAction) {
  await authorizeProject(db, actor, projectId, action).catch((error: unknown) => {
    throw error instanceof NotFoundError ? new NotFoundError("No such dataset.") : error;
  });
}

export type DatasetSummary = {
  id: string;
  name: string;
  version: number;
  state: DatasetState;
  progress: { done: number; total: number | null };
  items: number;
  train: number;
  validation: number;
  test: number;
  contentHash: string;
  createdByName: string;
  createdAt: Date;
};

/** A project's snapshots, newest first (every version of every name), with the state of their builds. */
export async function listDatasets(db: Db, actor: Actor, projectId: string): Promise<DatasetSummary[]> {
  await authorizeProject(db, actor, projectId, "datasets.export");
  const split = (name: string) => sql<number>`coalesce((${datasets.counts} -> 'items' ->> ${name})::int, 0)`;
  const rows = await db
    .select({
      id: datasets.id,
      name: datasets.name,
      version: datasets.version,
      state: datasets.state,
      done: datasetBuildProgress.done,
      total: datasetBuildProgress.total,
      train: split("train"),
      validation: split("validation"),
      test: split("test"),
      contentHash: datasets.contentHash,
      createdByName: datasets.createdByName,
      createdAt: datasets.createdAt,
    })
    .from(datasets)
    .leftJoin(datasetBuildProgress, eq(datasetBuildProgress.datasetId, datasets.id))
    .where(and(eq(datasets.projectId, projectId)))
    .orderBy(desc(datasets.createdAt), desc(datasets.version))
    .limit(500);
  return rows.map(({ done, total, ...r }) => ({ ...r, progress: { done: done ?? 0, total: total ?? null }, items: r.train + r.validation + r.test }));
}
