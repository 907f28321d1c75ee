import type postgres from "postgres";
import { labelSources, type LabelSource, type LabelSourceCounts } from "~db/schema";
import type { StoredInput } from "~/modules/items/schemas";
import { itemText } from "./item-text";
import type { ClassifiedQuestion } from "./question";

export type TrainingLabel = { itemId: number; text: string; label: string; source: LabelSource };

/**
 * The label each item has for a question, strongest source first: an imported gold answer, a
 * manager's adjudication, the reviewers' resolved consensus, and (only when asked) the newest
 * LLM judge answer. An SQL fragment of item rows `i` with `label_value` and `label_source`, so
 * reading, counting and "is this item labelled" agree by construction.
 */
function labelled(sql: postgres.Sql, projectId: string, key: string, includeLlm: boolean) {
  return sql`
    select i.id, i.input, i.outputs,
      case when i.gold ? ${key} then i.gold -> ${key} else coalesce(r.value, l.value) end as label_value,
      case when i.gold ? ${key} then 'gold' when r.method = 'adjudicated' then 'adjudicated' when r.value is not null then 'human' else 'llm' end as label_source
    from items i
    left join resolutions r on r.item_id = i.id and r.question_key = ${key} and r.status = 'resolved'
    left join lateral (
      select s.value from suggestions s
      where ${includeLlm} and s.item_id = i.id and s.question_key = ${key} and s.origin = 'llm'
      order by s.created_at desc, s.id desc limit 1) l on true
    where i.project_id = ${projectId} and (i.gold ? ${key} or r.value is not null or l.value is not null)`;
}

/** Every label of the question (read through a cursor), with each item's text; values that are not one of its classes are left out. */
export async function readTrainingLabels(
  sql: postgres.Sql,
  projectId: string,
  question: ClassifiedQuestion,
  includeLlm: boolean,
): Promise<{ labels: TrainingLabel[]; counts: LabelSourceCounts }> {
  const labels: TrainingLabel[] = [];
  const counts = Object.fromEntries(labelSources.map((s) => [s, 0])) as LabelSourceCounts;
  const cursor = sql<{ id: string; input: StoredInput; outputs: unknown[]; label_value: unknown; label_source: LabelSource }[]>`
    select * from (${labelled(sql, projectId, question.key, includeLlm)}) x order by id`.cursor(2000);
  for await (const rows of cursor) {
    for (const row of rows) {
      const label = question.label(row.label_value);
      if (label === null) continue;
      counts[row.label_source]++;
      labels.push({ itemId: Number(row.id), text: itemText(row.input, row.outputs), label, source: row.label_source });
    }
  }
  return { labels, counts };
}

/** How many items have a label for the question now (what "every N new labels" counts). */
export async function countTrainingLabels(sql: postgres.Sql, projectId: string, key: string, includeLlm: boolean): Promise<number> {
  const [row] = await sql<{ n: number }[]>`select count(*)::int as n from (${labelled(sql, projectId, key, includeLlm)}) x`;
  return row!.n;
}
