import { and, desc, eq, sql } from "drizzle-orm";
import { datasets, projects } from "~db/schema";
import type { Db } from "~/db.server";
import type { Actor } from "~/modules/auth/actor";
import { authorizeProject } from "~/modules/projects/authorize.server";
import type { ProjectAction } from "~/modules/projects/policy";
import { NotFoundError } from "~/utils/errors";
import type { DatasetRecord } from "./card";
import type { SnapshotCounts, SnapshotStats } from "./snapshot-tally";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A snapshot with what its card needs, if the actor may do `action` on its project. */
export async function getDatasetRecord(db: Db, actor: Actor, datasetId: string, action: ProjectAction): Promise<DatasetRecord> {
  if (!UUID.test(datasetId)) throw new NotFoundError("No such dataset.");
  const [row] = await db
    .select({
      id: datasets.id,
      projectId: datasets.projectId,
      projectName: projects.name,
      name: datasets.name,
      version: datasets.version,
      filter: datasets.filter,
      options: datasets.options,
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
  // why: someone who may not see the project gets the same answer as for a dataset that does not exist.
  await authorizeProject(db, actor, row.projectId, action).catch((error: unknown) => {
    throw error instanceof NotFoundError ? new NotFoundError("No such dataset.") : error;
  });
  return {
    ...row,
    template: row.template as DatasetRecord["template"],
    counts: row.counts as unknown as SnapshotCounts,
    stats: row.stats as unknown as SnapshotStats,
    createdAt: row.createdAt.toISOString(),
  };
}

export type DatasetSummary = { id: string; name: string; version: number; items: number; train: number; validation: number; test: number; contentHash: string; createdByName: string; createdAt: Date };

/** A project's snapshots, newest first (every version of every name). */
export async function listDatasets(db: Db, actor: Actor, projectId: string): Promise<DatasetSummary[]> {
  await authorizeProject(db, actor, projectId, "datasets.export");
  const split = (name: string) => sql<number>`coalesce((${datasets.counts} -> 'items' ->> ${name})::int, 0)`;
  const rows = await db
    .select({
      id: datasets.id,
      name: datasets.name,
      version: datasets.version,
      train: split("train"),
      validation: split("validation"),
      test: split("test"),
      contentHash: datasets.contentHash,
      createdByName: datasets.createdByName,
      createdAt: datasets.createdAt,
    })
    .from(datasets)
    .where(and(eq(datasets.projectId, projectId)))
    .orderBy(desc(datasets.createdAt), desc(datasets.version))
    .limit(500);
  return rows.map((r) => ({ ...r, items: r.train + r.validation + r.test }));
}
