import { sql, type SQL } from "drizzle-orm";
import type { Database } from "~/db.server";
import type { Actor } from "~/modules/auth/actor";
import { inputAsText } from "~/modules/items/schemas";
import { authorizeProject } from "~/modules/projects/authorize.server";
import { getTemplate } from "~/modules/templates/get-template.server";
import type { Question } from "~/modules/templates/schemas";
import { parseOrThrow } from "~/utils/validation";
import { extraLabelsOf, filterCondition, NO_EXTRA_LABELS, labelExpression, promptKeyExpression, type ExtraLabels } from "./filter-sql.server";
import { settleRoles, type FrozenRow } from "./formats/frozen";
import { outcomesFor, type ItemFormat, type Outcome } from "./formats/rows";
import { renderRecord } from "./formats/serialize";
import { refreshBeforeSnapshot } from "./refresh-before-snapshot.server";
import { emptyPiiCounts, redactValue } from "./pii";
import { newDatasetSchema, type DatasetFilterInput, type DatasetOptions } from "./schemas";

export const PREVIEW_PAGE = 20;
// why: the live count must not hold a connection for long on a huge project; past this it says so.
const COUNT_TIMEOUT_MS = 4000;

export type SnapshotEstimate =
  | { exact: true; matched: number; dedupRemoved: number; capRemoved: number; train: number; validation: number; test: number; withoutOutput: number }
  | { exact: false; estimate: number };

export type PreviewRow = { itemId: number; prompt: string; label: string | null; outcomes: { kind: Outcome["kind"]; text: string }[] };

/**
 * What the dataset builder shows while the filter is edited: how many items a snapshot would hold
 * (after dedup and the class cap, per split — computed as the snapshot computes them) and one
 * page of the rows the export would contain, keyset-paged by item id on the project's id-ordered
 * indexes, so a page costs the same at item 20 and at item 1,000,000.
 */
export async function previewDataset(
  db: Database,
  actor: Actor,
  projectId: string,
  input: { filter: DatasetFilterInput; options: unknown; format: ItemFormat; after?: number },
) {
  await authorizeProject(db, actor, projectId, "datasets.manage");
  const template = await getTemplate(db, projectId);
  if (!template) return { questions: [] as Question[], estimate: null, rows: [] as PreviewRow[], next: null };
  const { filter, options } = parseOrThrow(newDatasetSchema.pick({ filter: true, options: true }), input);
  const roles = settleRoles(template.questions, options);
  const where = filterCondition(projectId, filter, template.questions);
  const extra = extraLabelsOf(filter);
  const label = labelExpression(roles.label?.key ?? null, extra);
  const pageWhere = filterCondition(projectId, filter, template.questions, "page");
  await refreshBeforeSnapshot(db, projectId);

  const page = await db.execute<{ id: string; input: FrozenRow["input"]; outputs: FrozenRow["outputs"]; label: string | null; resolutions: FrozenRow["resolutions"] }>(
    previewPageQuery(pageWhere, label, input.after ?? 0, extra),
  );
  const counts = emptyPiiCounts();
  const rows = page.slice(0, PREVIEW_PAGE).map((r): PreviewRow => {
    // why: the split is drawn when the snapshot is saved; the preview says so instead of guessing.
    const raw = { position: 0, itemId: Number(r.id), externalId: null, split: "(at save)" as FrozenRow["split"], input: r.input, outputs: r.outputs, resolutions: r.resolutions, label: r.label };
    const row = options.redactPii ? redactValue(raw, counts) : raw;
    const prompt = inputAsText(row.input);
    return {
      itemId: row.itemId,
      prompt,
      label: row.label,
      outcomes: outcomesFor(input.format, row, roles).map((o) => ({
        kind: o.kind,
        text: o.kind === "row" ? (input.format === "parquet" ? renderRecord("classification-csv", o.record) : renderRecord(input.format, o.record)).trimEnd() : o.reason,
      })),
    };
  });
  const next = page.length > PREVIEW_PAGE ? rows.at(-1)!.itemId : null;
  return { questions: template.questions, estimate: await estimate(db, where, label, options), rows, next };
}

/** One preview page: the next items after `after` in id order (keyset), with their consensus. */
export function previewPageQuery(where: SQL, label: SQL, after: number, extra: ExtraLabels = NO_EXTRA_LABELS): SQL {
  // why: as the snapshot (prepareSnapshotItems): gold, then machine labels, only where no consensus row is.
  const gold = extra.gold
    ? sql`union all select g.key, 'resolved'::resolution_status, g.value, 'gold', null::real, 0 from jsonb_each(coalesce(i.gold, '{}'::jsonb)) g
          where not exists (select 1 from resolutions x where x.item_id = i.id and x.question_key = g.key)`
    : sql``;
  const machine = extra.machine
    ? sql`union all select m.question_key, 'resolved'::resolution_status, m.value, m.source, null::real, 0 from machine_labels m
          where m.item_id = i.id and not exists (select 1 from resolutions x where x.item_id = m.item_id and x.question_key = m.question_key)
            ${extra.gold ? sql`and not (coalesce(i.gold, '{}'::jsonb) ? m.question_key)` : sql``}`
    : sql``;
  return sql`
    select i.id, i.input, i.outputs, ${label} as label,
      coalesce((select jsonb_object_agg(r.question_key, jsonb_build_object('status', r.status, 'value', r.value, 'method', r.method,
                'agreement', r.agreement, 'annotations', r.annotation_count))
                from (select r.question_key, r.status, r.value, r.method::text as method, r.agreement, r.annotation_count from resolutions r where r.item_id = i.id ${gold} ${machine}) r),
        '{}'::jsonb) as resolutions
    from items i where ${where} and i.id > ${after}
    order by i.id limit ${PREVIEW_PAGE + 1}`;
}

async function estimate(db: Database, where: ReturnType<typeof filterCondition>, label: ReturnType<typeof labelExpression>, options: DatasetOptions): Promise<SnapshotEstimate> {
  const cap = options.maxPerClass ?? 2_147_483_647;
  const { validation, test } = options.split;
  const kept = options.dedup ? sql`select distinct on (prompt_key) label from candidates order by prompt_key, id` : sql`select label from candidates`;
  try {
    return await db.transaction(async (tx) => {
      await tx.execute(sql.raw(`set local statement_timeout = ${COUNT_TIMEOUT_MS}`));
      const [row] = await tx.execute<{ matched: number; kept: number; capped: number; test: number; validation: number; without_output: number }>(sql`
        with candidates as (select i.id, ${label} as label, ${options.dedup ? promptKeyExpression : sql`null::text`} as prompt_key,
                                   jsonb_array_length(i.outputs) = 0 as no_output from items i where ${where}),
        per_label as (select label, count(*) as n from (${kept}) k group by label),
        sized as (select n, least(n, ${cap}::bigint)::numeric as m from per_label)
        select (select count(*) from candidates)::int as matched, (select count(*) from candidates where no_output)::int as without_output, coalesce(sum(n), 0)::int as kept, coalesce(sum(m), 0)::int as capped,
               coalesce(sum(round(m * ${test}::numeric)), 0)::int as test, coalesce(sum(round(m * ${validation}::numeric)), 0)::int as validation
        from sized`);
      const r = row!;
      return { exact: true as const, matched: r.matched, dedupRemoved: r.matched - r.kept, capRemoved: r.kept - r.capped, train: r.capped - r.test - r.validation, validation: r.validation, test: r.test, withoutOutput: r.without_output };
    });
  } catch (error) {
    if ((error as { cause?: { code?: string }; code?: string }).cause?.code !== "57014" && (error as { code?: string }).code !== "57014") throw error;
    const [plan] = await db.execute<{ "QUERY PLAN": [{ Plan: { "Plan Rows": number } }] }>(sql`explain (format json) select 1 from items i where ${where}`);
    return { exact: false, estimate: plan!["QUERY PLAN"][0].Plan["Plan Rows"] };
  }
}
