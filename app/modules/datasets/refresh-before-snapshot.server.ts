import type { Database } from "~/db.server";

/**
 * THE SEAM for app/modules/resolution: before a snapshot is frozen, the `resolutions` rows of
 * the project must be current. The quality work exports `refreshResolutions(db, projectId)` from
 * app/modules/resolution/refresh-resolutions.server.ts; until it is in main, this does nothing
 * and snapshots read `resolutions` exactly as they stand. Replace the body with
 * `await refreshResolutions(db, projectId)` when it lands (tests then drop test/support/resolutions.ts).
 */
export async function refreshBeforeSnapshot(_db: Database, _projectId: string): Promise<void> {}
