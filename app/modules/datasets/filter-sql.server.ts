import { sql, type SQL } from "drizzle-orm";
import { PgDialect } from "drizzle-orm/pg-core";
import type { Question } from "~/modules/templates/schemas";
import { ValidationError } from "~/utils/errors";
import type { DatasetFilter } from "./schemas";

/**
 * The dataset filter as SQL over `items i`, reading consensus only from `resolutions` (one
 * indexed lookup per condition and item: the table's primary key is (item_id, question_key)).
 * Shared by the builder's count and preview and by the snapshot, so what the builder shows is
 * what a snapshot takes. Question keys are checked against the template: a filter on a
 * question that does not exist is an error that names the field, not an empty dataset.
 */
export function filterCondition(projectId: string, filter: DatasetFilter, questions: Question[], use: "scan" | "page" = "scan"): SQL {
  const kinds = new Map(questions.map((q) => [q.key, q.kind]));
  const need = (key: string, field: string, allowed: Question["kind"][]) => {
    const kind = kinds.get(key);
    if (!kind || !allowed.includes(kind)) {
      throw new ValidationError(`${field}: the template has no ${allowed.join(" or ")} question "${key}".`, [
        { field, message: `Expected the key of a ${allowed.join(" or ")} question of this project.` },
      ]);
    }
  };
  // why: for a page, a subquery the planner cannot turn into a join, so it probes the primary key
  // once per item read in id order instead of scanning every matching consensus row and sorting;
  // for a whole-project scan (count, snapshot), EXISTS lets it pick a hash semi-join.
  const exists = (query: SQL) => (use === "page" ? sql`coalesce((${query} limit 1), false)` : sql`exists (${query})`);
  const resolved = (key: string, condition: SQL) =>
    exists(sql`select true from resolutions r where r.item_id = i.id and r.question_key = ${key} and r.status = 'resolved' and ${condition}`);
  const parts: SQL[] = [sql`i.project_id = ${projectId}`];

  const machine = filter.machineLabels ?? "exclude";
  const machineLabelled = (condition: SQL = sql`true`) => exists(sql`select true from machine_labels m where m.item_id = i.id and ${condition}`);
  const gold = filter.gold === "include";
  // why: gold items (status 'gold') are training items for reviewers, left out of datasets unless
  // the filter asks for gold answers; they then come with their gold answers as labels.
  if (!gold) parts.push(sql`i.status <> 'gold'`);
  const labelled = [sql`i.resolved_at is not null`, ...(machine === "include" ? [machineLabelled()] : []), ...(gold ? [sql`i.gold is not null`] : [])];
  if (machine === "only") parts.push(machineLabelled());
  else if (filter.status === "resolved") parts.push(sql`(${sql.join(labelled, sql` or `)})`);
  if (filter.status === "unresolved") parts.push(sql`not (${sql.join(labelled, sql` or `)})`);
  filter.ratings.forEach((r, n) => {
    need(r.question, `filter.ratings.${n}.question`, ["rating"]);
    const bounds = [sql`jsonb_typeof(r.value) = 'number'`];
    if (r.min !== undefined) bounds.push(sql`(r.value)::numeric >= ${r.min}`);
    if (r.max !== undefined) bounds.push(sql`(r.value)::numeric <= ${r.max}`);
    parts.push(resolved(r.question, sql.join(bounds, sql` and `)));
  });
  if (filter.hasCorrection !== undefined) {
    const keys = questions.filter((q) => q.kind === "correction").map((q) => q.key);
    if (!keys.length) throw new ValidationError("filter.hasCorrection: the template has no correction question.", [{ field: "filter.hasCorrection", message: "This project's template has no correction question." }]);
    const any = exists(sql`select true from resolutions r where r.item_id = i.id and r.question_key in (${sql.join(keys.map((k) => sql`${k}`), sql`, `)}) and r.status = 'resolved'`);
    parts.push(filter.hasCorrection ? any : sql`not ${any}`);
  }
  if (filter.labels) {
    need(filter.labels.question, "filter.labels.question", ["choice", "thumbs"]);
    const list = sql`array[${sql.join(filter.labels.in.map((l) => sql`${l}`), sql`, `)}]::text[]`;
    const byPeople = resolved(filter.labels.question, sql`((jsonb_typeof(r.value) = 'string' and r.value #>> '{}' = any(${list})) or (jsonb_typeof(r.value) = 'array' and r.value ?| ${list}))`);
    const byMachine = machineLabelled(sql`m.question_key = ${filter.labels.question} and m.value #>> '{}' = any(${list})`);
    const byGold = sql`(i.gold -> ${filter.labels.question}) #>> '{}' = any(${list})`;
    const taken = machine === "only" ? [byMachine] : [byPeople, ...(machine === "include" ? [byMachine] : []), ...(gold ? [byGold] : [])];
    parts.push(sql`(${sql.join(taken, sql` or `)})`);
  }
  if (filter.flags && (filter.flags.present.length || filter.flags.absent.length)) {
    const key = filter.flags.question ?? questions.find((q) => q.kind === "flags")?.key;
    if (!key) throw new ValidationError("filter.flags: the template has no flags question.", [{ field: "filter.flags.question", message: "This project's template has no flags question." }]);
    need(key, "filter.flags.question", ["flags"]);
    const list = (values: string[]) => sql`array[${sql.join(values.map((v) => sql`${v}`), sql`, `)}]::text[]`;
    if (filter.flags.present.length) parts.push(resolved(key, sql`r.value ?& ${list(filter.flags.present)}`));
    if (filter.flags.absent.length) parts.push(sql`not ${resolved(key, sql`r.value ?| ${list(filter.flags.absent)}`)}`);
  }
  if (filter.agreement) {
    const { question, min } = filter.agreement;
    if (question) {
      if (!kinds.has(question)) need(question, "filter.agreement.question", ["rating", "thumbs", "choice", "pairwise", "correction", "spans", "flags"]);
      parts.push(exists(sql`select true from resolutions r where r.item_id = i.id and r.question_key = ${question} and r.agreement >= ${min}`));
    } else {
      parts.push(exists(sql`select true from resolutions r where r.item_id = i.id and r.agreement is not null`));
      parts.push(sql`not ${exists(sql`select true from resolutions r where r.item_id = i.id and r.agreement < ${min}`)}`);
    }
  }
  if (filter.models.length) {
    const list = sql`array[${sql.join(filter.models.map((m) => sql`${m}`), sql`, `)}]::text[]`;
    parts.push(sql`(i.metadata ->> 'model' = any(${list}) or ${exists(sql`select true from jsonb_array_elements(i.outputs) o where o ->> 'model' = any(${list})`)})`);
  }
  for (const c of filter.metadata) {
    const field = sql`(i.metadata -> ${c.key})`;
    if (c.op === "exists") parts.push(sql`i.metadata ? ${c.key}`);
    else if (c.op === "missing") parts.push(sql`not (i.metadata ? ${c.key})`);
    else if (c.op === "eq") parts.push(sql`i.metadata ->> ${c.key} = ${String(c.value)}`);
    else if (c.op === "neq") parts.push(sql`i.metadata ->> ${c.key} is distinct from ${String(c.value)}`);
    else {
      const number = sql`(case when jsonb_typeof(${field}) = 'number' then (${field})::numeric end)`;
      parts.push(c.op === "gte" ? sql`${number} >= ${c.value as number}` : sql`${number} <= ${c.value as number}`);
    }
  }
  if (filter.createdFrom) parts.push(sql`i.created_at >= ${filter.createdFrom}::date`);
  if (filter.createdTo) parts.push(sql`i.created_at < ${filter.createdTo}::date + 1`);
  return sql.join(parts, sql` and `);
}

/**
 * The consensus label of an item as text (multi-label: sorted, joined with "|"), null when
 * unresolved; with `machine`, an item with no consensus row takes its machine label.
 */
export function labelExpression(labelKey: string | null, extra: ExtraLabels = NO_EXTRA_LABELS): SQL {
  if (!labelKey) return sql`null::text`;
  const { machine, gold } = extra;
  const people = sql`(select case when r.status = 'resolved' then case jsonb_typeof(r.value)
      when 'array' then (select string_agg(x, '|' order by x collate "C") from jsonb_array_elements_text(r.value) x)
      else r.value #>> '{}' end end
    from resolutions r where r.item_id = i.id and r.question_key = ${labelKey})`;
  if (!machine && !gold) return people;
  const fallbacks = [
    ...(gold ? [sql`when i.gold ? ${labelKey} then (i.gold -> ${labelKey}) #>> '{}'`] : []),
    ...(machine ? [sql`else (select m.value #>> '{}' from machine_labels m where m.item_id = i.id and m.question_key = ${labelKey})`] : []),
  ];
  return sql`(case when exists (select 1 from resolutions r where r.item_id = i.id and r.question_key = ${labelKey}) then ${people}
    ${sql.join(fallbacks, sql` `)} end)`;
}

/** Labels beside the people's consensus that a dataset takes (the filter's `machineLabels` and `gold`). */
export type ExtraLabels = { machine: boolean; gold: boolean };
export const NO_EXTRA_LABELS: ExtraLabels = { machine: false, gold: false };
export const extraLabelsOf = (filter: Pick<DatasetFilter, "machineLabels" | "gold">): ExtraLabels => ({
  machine: filter.machineLabels === "include" || filter.machineLabels === "only",
  gold: filter.gold === "include",
});

/** What dedup compares: the prompt (a chat's role: content lines) lower-cased, whitespace collapsed. */
export const promptKeyExpression = sql`md5(lower(regexp_replace(btrim(case when i.input ->> 'type' = 'text' then i.input ->> 'text'
    else (select string_agg((m ->> 'role') || ': ' || (m ->> 'content'), E'\n' order by n) from jsonb_array_elements(i.input -> 'messages') with ordinality as t(m, n)) end),
    '\\s+', ' ', 'g')))`;

const dialect = new PgDialect();

/** A drizzle SQL fragment as text and parameters, for postgres.js cursors. */
export function compile(query: SQL): { text: string; params: unknown[] } {
  const { sql: text, params } = dialect.sqlToQuery(query);
  return { text, params };
}
