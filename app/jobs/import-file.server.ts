import fs from "node:fs";
import { eq, sql } from "drizzle-orm";
import { z } from "zod";
import { imports, users } from "~db/schema";
import type { Db } from "~/db.server";
import { ImportFailedError, importItems } from "~/modules/imports/import-items.server";
import { importOptionsSchema } from "~/modules/imports/schemas";
import { importLimits } from "~/utils/env.server";

/** The job's payload: the import whose uploaded file to read (its row holds everything else). */
export const importFilePayload = z.object({ importId: z.uuid() });

/**
 * Runs a queued upload's import: the file its row names, with the options chosen on the upload
 * page, as the person who uploaded it. Called by the job worker for large files and directly by
 * the upload route for small ones; the file is deleted when the import ends, however it ends.
 * An import that is no longer queued (already run, or marked interrupted) is left alone.
 */
export async function runImportFile(db: Db, payload: z.infer<typeof importFilePayload>, signal?: AbortSignal): Promise<void> {
  const [row] = await db
    .select({ id: imports.id, projectId: imports.projectId, state: imports.state, filePath: imports.filePath, options: imports.options, userId: users.id, isAdmin: users.isAdmin })
    .from(imports)
    .leftJoin(users, eq(users.id, imports.createdBy))
    .where(eq(imports.id, payload.importId));
  if (!row || row.state !== "queued") return;
  const file = row.filePath;
  try {
    if (!file || !fs.existsSync(file) || !row.userId) {
      const why = row.userId ? "its uploaded file is gone" : "the person who uploaded it no longer exists";
      await db.update(imports).set({ state: "failed", finishedAt: sql`now()`, message: `The import could not start: ${why}. Upload the file again.` }).where(eq(imports.id, row.id));
      return;
    }
    await importItems(db, { userId: row.userId, isAdmin: row.isAdmin ?? false, via: "session" }, {
      ...importOptionsSchema.parse(row.options),
      projectId: row.projectId,
      input: { open: () => fs.createReadStream(file, { highWaterMark: 256 * 1024 }) },
      origin: "upload",
      limits: importLimits(),
      track: { importId: row.id },
      signal,
    });
  } catch (error) {
    // why: the import's row records how it failed; the job itself has nothing to retry.
    if (!(error instanceof ImportFailedError)) throw error;
  } finally {
    if (file) fs.rmSync(file, { force: true });
    await db.update(imports).set({ filePath: null }).where(eq(imports.id, row.id));
  }
}
