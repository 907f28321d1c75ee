import { imports } from "~db/schema";
import type { Db } from "~/db.server";
import type { Actor } from "~/modules/auth/actor";
import type { ImportOptions } from "./schemas";

/** A new import's progress row, queued; `importItems` (or the job that runs it) takes it from there. */
export async function createImportRow(
  db: Db,
  actor: Actor,
  input: {
    projectId: string;
    origin: "api" | "upload" | "cli";
    options: ImportOptions;
    fileName?: string;
    totalBytes?: number;
    filePath?: string;
    instanceId?: string;
  },
): Promise<string> {
  const [row] = await db
    .insert(imports)
    .values({
      projectId: input.projectId,
      createdBy: actor.userId || null,
      origin: input.origin,
      options: input.options,
      fileName: input.fileName ?? null,
      totalBytes: input.totalBytes ?? null,
      filePath: input.filePath ?? null,
      instanceId: input.instanceId ?? null,
    })
    .returning({ id: imports.id });
  return row!.id;
}
