import { sqlOf, type Database } from "~/db.server";
import type { Actor } from "~/modules/auth/actor";
import { authorizeProject } from "~/modules/projects/authorize.server";
import { getTemplate } from "~/modules/templates/get-template.server";
import type { Question } from "~/modules/templates/schemas";
import { ConflictError, ValidationError } from "~/utils/errors";
import { parseOrThrow } from "~/utils/validation";
import { canonicalJson } from "./canonical-json";
import { ContentHash } from "./content-hash.server";
import { filterCondition } from "./filter-sql.server";
import { settleRoles, type FrozenAnnotation, type FrozenRow } from "./formats/frozen";
import { redactValue, type PiiCounts } from "./pii";
import { refreshBeforeSnapshot } from "./refresh-before-snapshot.server";
import { newDatasetSchema, type DatasetOptions, type NewDatasetInput } from "./schemas";
import { copyField, copyInto, ensurePseudonyms, readSnapshotAnnotations, readSnapshotRows, selectSnapshotItems } from "./snapshot-sql.server";
import { SnapshotTally } from "./snapshot-tally";
import { renderAnnotation, renderRecord } from "./formats/serialize";

export type CreatedDataset = { id: string; name: string; version: number; counts: { items: number; train: number; validation: number; test: number; annotations: number }; contentHash: string };

/**
 * Freezes a dataset snapshot: the items the filter selects (deduped, split, capped as the options
 * say), each with its input, outputs and consensus copied — redacted when asked — and every
 * submitted annotation of them with the reviewer as a pseudonym; and renders each format's lines
 * from them once, checking the format's rules (see `dataset_lines`). Saving a name again makes its
 * next version. Items are read in one repeatable-read transaction, so the snapshot is one
 * consistent moment; the rows are written with COPY in another, so it appears whole or not at all.
 */
export async function createDataset(db: Database, actor: Actor, projectId: string, input: NewDatasetInput): Promise<CreatedDataset> {
  await authorizeProject(db, actor, projectId, "datasets.manage");
  const { name, filter, options } = parseOrThrow(newDatasetSchema, input);
  const template = await getTemplate(db, projectId);
  if (!template) throw new ConflictError("This project has no review template yet, so nothing has been reviewed to export.");
  checkOptionQuestions(options, template.questions);
  const roles = settleRoles(template.questions, options);
  const where = filterCondition(projectId, filter, template.questions);

  await refreshBeforeSnapshot(db, projectId);
  const client = sqlOf(db);
  await ensurePseudonyms(client, projectId);
  const reader = await client.reserve();
  try {
    await reader`begin isolation level repeatable read`;
    const chosen = await selectSnapshotItems(reader, where, roles, options);
    const tally = new SnapshotTally(roles, chosen);
    const hash = new ContentHash(options, template.questions);
    const redact = <T>(value: T, counts: PiiCounts): T => (options.redactPii ? redactValue(value, counts) : value);

    const created = await client.begin(async (tx) => {
      await tx`select pg_advisory_xact_lock(hashtext(${`dataset:${projectId}:${name.toLowerCase()}`}))`;
      const [{ version }] = await tx<[{ version: number }]>`
        select coalesce(max(version), 0)::int + 1 as version from datasets where project_id = ${projectId} and lower(name) = lower(${name})`;
      const [{ creator }] = await tx<[{ creator: string }]>`select coalesce((select name from users where id = ${actor.userId}), 'unknown') as creator`;
      const [{ id }] = await tx<[{ id: string }]>`
        insert into datasets (project_id, name, version, filter, options, template, counts, stats, content_hash, state, created_by, created_by_name)
        values (${projectId}, ${name}, ${version}, ${JSON.stringify(filter)}::jsonb, ${JSON.stringify(options)}::jsonb, ${JSON.stringify(template)}::jsonb,
                '{}', '{}', '', 'ready', ${actor.userId}, ${creator})
        returning id`;

      // why: one COPY for every line of the snapshot: the frozen item, its rows in each line
      // format, and then the annotations; each format numbers its own lines in export order.
      const seq = new Map<string, number>();
      const line = (format: string, split: string, itemId: number, text: string) => {
        hash.line(format, text);
        const n = seq.get(format) ?? 0;
        seq.set(format, n + 1);
        return `${copyField(id)},${copyField(format)},${n},${split},${itemId},${copyField(text)}\n`;
      };
      await copyInto(tx, "dataset_lines", ["dataset_id", "format", "seq", "split", "item_id", "line"], (async function* () {
        for await (const raw of readSnapshotRows(reader)) {
          const row: FrozenRow = { ...raw, input: redact(raw.input, tally.counts.redactions), outputs: redact(raw.outputs, tally.counts.redactions), resolutions: redact(raw.resolutions, tally.counts.redactions) };
          const frozen = `${canonicalJson(row)}\n`;
          let out = line("item", row.split, row.itemId, frozen);
          for (const { format, record } of tally.addRow(row)) {
            if (format !== "parquet") out += line(format, row.split, row.itemId, renderRecord(format, record));
          }
          yield out;
        }
        for await (const raw of readSnapshotAnnotations(reader, projectId)) {
          const a: FrozenAnnotation = { ...raw, values: redact(raw.values, tally.counts.redactions) };
          tally.addAnnotation(a.split, a.reviewer);
          yield line("annotations-jsonl", a.split, a.itemId, renderAnnotation(a));
        }
      })());

      const contentHash = hash.digest();
      await tx`update datasets set counts = ${JSON.stringify(tally.counts)}::jsonb, stats = ${JSON.stringify(tally.stats())}::jsonb, content_hash = ${contentHash} where id = ${id}`;
      await tx`insert into audit_log (actor_user_id, action, target_type, target_id, data)
               values (${actor.userId}, 'dataset.create', 'dataset', ${id}, ${JSON.stringify({ projectId, name, version, items: chosen.selected, contentHash })}::jsonb)`;
      return { id, version, contentHash };
    });
    const { items, annotations } = tally.counts;
    return {
      id: created.id,
      name,
      version: created.version,
      contentHash: created.contentHash,
      counts: { items: items.train + items.validation + items.test, ...items, annotations: annotations.train + annotations.validation + annotations.test },
    };
  } finally {
    await reader`rollback`.catch(() => {});
    reader.release();
  }
}

function checkOptionQuestions(options: DatasetOptions, questions: Question[]) {
  const kind = (key: string) => questions.find((q) => q.key === key)?.kind;
  const refuse = (field: string, message: string) => {
    throw new ValidationError(`${field}: ${message}`, [{ field, message }]);
  };
  if (options.labelQuestion && !["choice", "thumbs"].includes(kind(options.labelQuestion) ?? "")) {
    refuse("options.labelQuestion", `The template has no choice or thumbs question "${options.labelQuestion}".`);
  }
  if (options.approval.question && !["rating", "thumbs"].includes(kind(options.approval.question) ?? "")) {
    refuse("options.approval.question", `The template has no rating or thumbs question "${options.approval.question}".`);
  }
}
