import { sql, type SQL } from "drizzle-orm";
import type { Db } from "~/db.server";
import type { Actor } from "~/modules/auth/actor";
import { authorizeProject } from "~/modules/projects/authorize.server";
import { csvLine } from "~/utils/csv";
import { parseOrThrow } from "~/utils/validation";
import { browseCondition, pgArray } from "./browse-items.server";
import { bulkSelectionSchema, inputAsText, type StoredInput } from "./schemas";

const BATCH = 500;
const CSV_COLUMNS = ["id", "external_id", "status", "priority", "input", "output", "outputs_json", "models", "reference", "metadata", "gold", "created_at"];

type Row = { id: string; externalId: string | null; status: string; priority: number; input: StoredInput; outputs: { text: string; model?: string }[]; reference: string | null; metadata: Record<string, unknown>; gold: unknown; createdAt: Date };

/**
 * The chosen items (ids, or every item a filter matches) as CSV or JSONL lines, read in id-ordered
 * batches so memory stays flat. CSV cells go through the one CSV writer (formula cells neutralized).
 * Raw items may hold personal data, so this takes the export right (managers and engineers).
 */
export async function exportItems(db: Db, actor: Actor, projectId: string, selection: unknown, format: "csv" | "jsonl"): Promise<AsyncGenerator<string>> {
  await authorizeProject(db, actor, projectId, "datasets.export");
  const chosen = parseOrThrow(bulkSelectionSchema, selection);
  // why: checked before the first byte, so a refusal or a bad filter is an HTTP error, not a broken download.
  const where = chosen.ids ? sql`i.project_id = ${projectId} and i.id = any(${pgArray(chosen.ids)}::bigint[])` : (await browseCondition(db, projectId, { query: chosen.query, filter: chosen.filter })).where;
  return lines(db, where, format);
}

async function* lines(db: Db, where: SQL, format: "csv" | "jsonl"): AsyncGenerator<string> {
  if (format === "csv") yield csvLine(CSV_COLUMNS, "as-needed");
  for (let after = 0; ; ) {
    const rows = await db.execute<Row>(sql`
      select i.id, i.external_id as "externalId", i.status, i.priority, i.input, i.outputs, i.reference, i.metadata, i.gold, i.created_at as "createdAt"
      from items i where ${where} and i.id > ${after} order by i.id limit ${BATCH}`);
    for (const r of rows) {
      const createdAt = new Date(r.createdAt).toISOString();
      if (format === "jsonl") {
        yield `${JSON.stringify({ id: Number(r.id), externalId: r.externalId, status: r.status, priority: r.priority, input: r.input, outputs: r.outputs, reference: r.reference, metadata: r.metadata, gold: r.gold, createdAt })}\n`;
      } else {
        const models = [...new Set(r.outputs.flatMap((o) => (o.model ? [o.model] : [])))].join("|");
        yield csvLine([Number(r.id), r.externalId, r.status, r.priority, inputAsText(r.input), r.outputs[0]?.text ?? null, JSON.stringify(r.outputs), models, r.reference, JSON.stringify(r.metadata), r.gold ? JSON.stringify(r.gold) : null, createdAt]);
      }
    }
    if (rows.length < BATCH) return;
    after = Number(rows.at(-1)!.id);
  }
}
