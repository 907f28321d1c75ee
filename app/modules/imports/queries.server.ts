import { and, asc, desc, eq, sql } from "drizzle-orm";
import { importErrors, imports, users } from "~db/schema";
import type { Db } from "~/db.server";
import type { Actor } from "~/modules/auth/actor";
import { authorizeProject } from "~/modules/projects/authorize.server";
import { projectPeople } from "~/modules/projects/people.server";
import { NotFoundError } from "~/utils/errors";
import type { ImportView } from "./progress";
import { interruptedMessage, STALE_SECONDS } from "./tracker.server";

/** An import's counts, as columns to select. */
export const countColumns = {
  received: imports.received,
  inserted: imports.inserted,
  matched: imports.matched,
  duplicates: imports.duplicates,
  unmatched: imports.unmatched,
  outputsAdded: imports.outputsAdded,
  rejected: imports.rejected,
};

/**
 * The project's latest imports for its page, newest first: state, counts and bytes so far.
 * An import still "running" whose heartbeat went quiet is shown as failed at once, before the
 * sweep records it.
 */
export async function listImports(db: Db, actor: Actor, projectId: string, limit = 5): Promise<ImportView[]> {
  const access = await authorizeProject(db, actor, projectId, "items.import");
  const rows = await db
    .select({
      id: imports.id,
      origin: imports.origin,
      fileName: imports.fileName,
      state: imports.state,
      stale: sql<boolean>`${imports.state} = 'running' and ${imports.heartbeatAt} < now() - make_interval(secs => ${STALE_SECONDS})`,
      message: imports.message,
      totalBytes: imports.totalBytes,
      bytesRead: imports.bytesRead,
      lastLine: imports.lastLine,
      ...countColumns,
      mode: sql<string>`${imports.options}->>'mode'`,
      createdAt: imports.createdAt,
      startedAt: imports.startedAt,
      finishedAt: imports.finishedAt,
      now: sql<Date>`now()`,
      byId: imports.createdBy,
      byName: users.name,
    })
    .from(imports)
    .leftJoin(users, eq(users.id, imports.createdBy))
    .where(eq(imports.projectId, projectId))
    .orderBy(desc(imports.createdAt))
    .limit(limit);
  // why: who ran an import is a person like any other: named or pseudonymous as the actor may see them.
  const by = await (await projectPeople(db, actor, projectId, access.role)).see(rows.map((r) => ({ id: r.byId, name: r.byName })));
  return rows.map(({ stale, now, byId, byName, ...row }, i) => ({
    ...row,
    by: byId || byName ? by[i]!.label : null,
    state: stale ? "failed" : row.state,
    message: stale ? interruptedMessage(row.lastLine) : row.message,
    elapsedSeconds: row.startedAt ? ((row.finishedAt ?? new Date(now)).getTime() - row.startedAt.getTime()) / 1000 : 0,
    createdAt: row.createdAt.toISOString(),
  }));
}

/** An import's stored errors (the first 1,000), in file order, for the CSV download. */
export async function getImportErrors(db: Db, actor: Actor, projectId: string, importId: string) {
  await authorizeProject(db, actor, projectId, "items.import");
  const [row] = await db
    .select({ id: imports.id, fileName: imports.fileName, rejected: imports.rejected })
    .from(imports)
    .where(and(eq(imports.id, importId), eq(imports.projectId, projectId)));
  if (!row) throw new NotFoundError("No such import.");
  const errors = await db
    .select({ line: importErrors.line, field: importErrors.field, message: importErrors.message })
    .from(importErrors)
    .where(eq(importErrors.importId, importId))
    .orderBy(asc(importErrors.seq));
  return { ...row, errors };
}
