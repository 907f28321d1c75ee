import { sqlOf, type Db } from "~/db.server";
import { refreshResolutions } from "~/modules/resolution/refresh-resolutions.server";

/** The queue of the sweep; `stately`, so at most one sweep waits and one runs across every server. */
export const SWEEP_RESOLUTIONS_QUEUE = "resolution_sweep";
/** How often each server asks for a sweep (a request while one waits is dropped by the queue policy). */
export const SWEEP_RESOLUTIONS_MS = 10_000;

/**
 * Recomputes the resolutions of every project that has stale marks (answers written, edited or
 * removed; an overlap or template change), so readers rarely find much left to refresh.
 * Returns how many items it recomputed.
 */
export async function sweepStaleResolutions(db: Db): Promise<number> {
  const projects = await sqlOf(db)<{ project_id: string }[]>`
    select project_id from resolution_stale_projects
    union
    select distinct project_id from resolution_stale`;
  let items = 0;
  for (const { project_id } of projects) items += (await refreshResolutions(db, project_id)).items;
  return items;
}
