import type { Database } from "~/db.server";
import type { Actor } from "~/modules/auth/actor";
import { buildDataset, type BuildProgress, type BuiltDataset } from "./build-dataset.server";
import { requestDataset } from "./request-dataset.server";
import type { NewDatasetInput } from "./schemas";

export type CreatedDataset = BuiltDataset;

/**
 * Asks for a snapshot and builds it right here, through the same build the background job runs
 * (`buildDataset`), for callers that wait for it: the CLI, the benchmark, tests. The web app and
 * the API queue the build instead (app/jobs/dataset-builds.server.ts) and answer at once.
 */
export async function createDataset(db: Database, actor: Actor, projectId: string, input: NewDatasetInput, options: { onProgress?: (p: BuildProgress) => void } = {}): Promise<CreatedDataset> {
  const requested = await requestDataset(db, actor, projectId, input);
  const outcome = await buildDataset(db, requested.id, options);
  if ("built" in outcome) return outcome.built;
  throw new Error(`Dataset ${requested.id} was not built here (${outcome.skipped}).`);
}
