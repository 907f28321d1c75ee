import type { Database } from "~/db.server";
import { refreshResolutions } from "~/modules/resolution/refresh-resolutions.server";

/** Before a snapshot is frozen (or a builder preview counted), the project's `resolutions` rows must be current. */
export async function refreshBeforeSnapshot(db: Database, projectId: string): Promise<void> {
  await refreshResolutions(db, projectId);
}
