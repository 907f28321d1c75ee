import type { Db } from "~/db.server";
import type { Actor } from "~/modules/auth/actor";
import { authorizeProject } from "~/modules/projects/authorize.server";
import { browseCondition, runPage, type Browse } from "./browse-items.server";
import type { StoredInput } from "./schemas";

export { MAX_PAGE } from "./browse-items.server";

export type ListedItem = {
  id: number;
  externalId: string | null;
  input: StoredInput;
  outputs: { text: string; model?: string }[];
  reference: string | null;
  metadata: Record<string, unknown>;
  gold: Record<string, unknown> | null;
  priority: number;
  status: "open" | "done" | "held" | "gold";
  source: string;
  createdAt: Date;
};

/**
 * A project's items a page at a time, whole (input, outputs, metadata…): in id order (the order
 * they went in) unless the query sorts by priority, narrowed by the data manager's filters and
 * search. Keyset paging on an index, so page 1,000 costs what page 1 does. For roles that may
 * read items.
 */
export async function listItems(db: Db, actor: Actor, projectId: string, page: Partial<Browse> & { cursor?: string; before?: string; limit?: number } = {}) {
  await authorizeProject(db, actor, projectId, "items.read");
  const { where, query } = await browseCondition(db, projectId, { query: page.query ?? {}, filter: page.filter });
  const result = await runPage<ListedItem>(db, where, query, { after: page.cursor, before: page.before, limit: page.limit ?? 100, full: true, cursorField: "query.cursor" });
  return { items: result.rows.map((r) => ({ ...r, createdAt: new Date(r.createdAt) })), nextCursor: result.nextCursor, prevCursor: result.prevCursor };
}
