import { createHash } from "node:crypto";
import { items, suggestions } from "~db/schema";
import type { Db } from "~/db.server";
import type { Actor } from "~/modules/auth/actor";
import { authorizeProject } from "~/modules/projects/authorize.server";
import { parseOrThrow } from "~/utils/validation";
import { newItemsSchema, toStoredInput, type NewItem, type ParsedItem } from "./schemas";

/** What identifies an item's content when it has no external id: input + outputs. */
export function contentHash(item: Pick<ParsedItem, "input" | "outputs">): string {
  return createHash("sha256").update(JSON.stringify([toStoredInput(item.input), item.outputs])).digest("hex");
}

/**
 * Adds up to 1,000 items in one transaction. Idempotent: an item whose external id (or, without
 * one, whose content) is already in the project is counted as a duplicate and left alone.
 */
export async function addItems(db: Db, actor: Actor, projectId: string, input: NewItem[], source = "api") {
  await authorizeProject(db, actor, projectId, "items.import");
  const parsed = parseOrThrow(newItemsSchema, input);
  return db.transaction(async (tx) => {
    const inserted = await tx
      .insert(items)
      .values(
        parsed.map((item) => ({
          projectId,
          externalId: item.externalId ?? null,
          contentHash: contentHash(item),
          input: toStoredInput(item.input),
          outputs: item.outputs,
          reference: item.reference ?? null,
          metadata: item.metadata,
          priority: item.priority,
          source,
        })),
      )
      .onConflictDoNothing()
      .returning({ id: items.id, externalId: items.externalId, contentHash: items.contentHash });
    const byKey = new Map(inserted.map((row) => [row.externalId ?? `#${row.contentHash}`, row.id]));
    const suggestionRows = parsed.flatMap((item) => {
      const id = byKey.get(item.externalId ?? `#${contentHash(item)}`);
      return id === undefined
        ? []
        : item.suggestions.map((s) => ({ itemId: id, questionKey: s.question, value: s.value ?? null, confidence: s.confidence ?? null, source: s.source }));
    });
    if (suggestionRows.length) await tx.insert(suggestions).values(suggestionRows);
    return { received: parsed.length, inserted: inserted.length, duplicates: parsed.length - inserted.length, ids: inserted.map((r) => r.id) };
  });
}
