import { sql } from "drizzle-orm";
import type { Db } from "~/db.server";
import { ValidationError } from "~/utils/errors";

// why: the rows go in as one JSON parameter (postgres.js caps a statement at 65,534); one
// statement per 10,000 rows keeps each batch's row locks (claims skip those items) short.
const BATCH = 10_000;
// why: 1 − (p1 − p2) computed in floating point can land a hair outside [0, 1]; such values are
// rounding, not a bug in the caller, so they are clamped. Anything further out is refused.
const ROUNDING = 1e-6;

export type UncertaintyRow = { itemId: number; uncertainty: number | null };

function checked(rows: UncertaintyRow[]): UncertaintyRow[] {
  const seen = new Set<number>();
  return rows.map(({ itemId, uncertainty }, i) => {
    if (!Number.isSafeInteger(itemId)) throw new ValidationError(`Row ${i + 1}: item id ${itemId} is not a whole number.`);
    if (seen.has(itemId)) throw new ValidationError(`Row ${i + 1}: item ${itemId} appears twice; give each item one uncertainty.`);
    seen.add(itemId);
    if (uncertainty === null) return { itemId, uncertainty };
    if (Number.isNaN(uncertainty)) throw new ValidationError(`Row ${i + 1}: the uncertainty of item ${itemId} is NaN; expected a number from 0 to 1, or null.`);
    if (!(uncertainty >= -ROUNDING && uncertainty <= 1 + ROUNDING)) {
      throw new ValidationError(`Row ${i + 1}: the uncertainty of item ${itemId} is ${uncertainty}; expected a number from 0 to 1, or null.`);
    }
    return { itemId, uncertainty: Math.min(1, Math.max(0, uncertainty)) };
  });
}

/**
 * Writes how unsure the project's latest classifier is about each item (1 − the margin of its top
 * two probabilities; null: not predicted). Only items of `projectId` change; others' ids are
 * ignored. Every value is checked before anything is written; returns the number of items whose
 * uncertainty changed. Each batch of 10,000 commits on its own with the reset of the reviewers'
 * "uncertain"-order cursors, which marked places in the order the batch just rewrote.
 */
export async function setItemUncertainties(db: Db, projectId: string, rows: UncertaintyRow[]): Promise<number> {
  const valid = checked(rows);
  let changed = 0;
  for (let start = 0; start < valid.length; start += BATCH) {
    const batch = valid.slice(start, start + BATCH);
    changed += await db.transaction(async (tx) => {
      const [row] = await tx.execute<{ n: number }>(sql`
        with changed as (
          update items i set uncertainty = u.uncertainty
            from jsonb_to_recordset(${JSON.stringify(batch)}::jsonb) as u("itemId" bigint, uncertainty real)
           where i.id = u."itemId" and i.project_id = ${projectId} and i.uncertainty is distinct from u.uncertainty
          returning 1)
        select count(*)::int as n from changed`);
      if (row!.n > 0) await resetUncertainCursors(tx, projectId);
      return row!.n;
    });
  }
  return changed;
}

/** Forgets every uncertainty of the project's items (a model deleted, or the classes changed); returns how many items had one. */
export async function clearItemUncertainties(db: Db, projectId: string): Promise<number> {
  return db.transaction(async (tx) => {
    const [row] = await tx.execute<{ n: number }>(sql`
      with cleared as (update items set uncertainty = null where project_id = ${projectId} and uncertainty is not null returning 1)
      select count(*)::int as n from cleared`);
    if (row!.n > 0) await resetUncertainCursors(tx, projectId);
    return row!.n;
  });
}

/**
 * why: a cursor is a place in the order (uncertain_key, id); rewritten uncertainties move items
 * to either side of it, and items that moved behind it would wait until the reviewer's walk had
 * passed everything else. From the start, each walk finds the most uncertain item again. Cursors
 * set in other orders (no uncertain key) do not depend on uncertainties and stay.
 */
async function resetUncertainCursors(db: Db, projectId: string) {
  await db.execute(sql`delete from queue_cursors where project_id = ${projectId} and uncertain_key is not null`);
}
