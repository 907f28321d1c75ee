import { and, asc, eq, gt } from "drizzle-orm";
import { items } from "~db/schema";
import type { Db } from "~/db.server";
import type { Actor } from "~/modules/auth/actor";
import { authorizeProject } from "~/modules/projects/authorize.server";
import { ValidationError } from "~/utils/errors";

export const MAX_PAGE = 1000;

/** An opaque page cursor: the last item id of the page before, base64url so clients do not build it. */
export const encodeCursor = (id: number) => Buffer.from(`i:${id}`).toString("base64url");

export function decodeCursor(cursor: string | undefined): number {
  if (!cursor) return 0;
  const match = /^i:(\d{1,18})$/.exec(Buffer.from(cursor, "base64url").toString("utf8"));
  if (!match) throw new ValidationError("cursor: Expected the nextCursor of a previous page.", [{ field: "query.cursor", message: "Expected the nextCursor of a previous page." }]);
  return Number(match[1]);
}

/**
 * A project's items in id order (the order they went in), a page at a time: keyset paging on
 * (project_id, id), so page 1,000 costs what page 1 does. For roles that may read items.
 */
export async function listItems(db: Db, actor: Actor, projectId: string, page: { cursor?: string; limit?: number } = {}) {
  await authorizeProject(db, actor, projectId, "items.read");
  const after = decodeCursor(page.cursor);
  const limit = Math.min(Math.max(page.limit ?? 100, 1), MAX_PAGE);
  const rows = await db
    .select({
      id: items.id,
      externalId: items.externalId,
      input: items.input,
      outputs: items.outputs,
      reference: items.reference,
      metadata: items.metadata,
      gold: items.gold,
      priority: items.priority,
      status: items.status,
      source: items.source,
      createdAt: items.createdAt,
    })
    .from(items)
    .where(and(eq(items.projectId, projectId), gt(items.id, after)))
    .orderBy(asc(items.id))
    .limit(limit + 1);
  const more = rows.length > limit;
  const pageRows = more ? rows.slice(0, limit) : rows;
  return { items: pageRows, nextCursor: more ? encodeCursor(pageRows.at(-1)!.id) : null };
}
