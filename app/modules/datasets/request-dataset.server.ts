import { sqlOf, type Database } from "~/db.server";
import type { Actor } from "~/modules/auth/actor";
import { authorizeProject } from "~/modules/projects/authorize.server";
import { getTemplate } from "~/modules/templates/get-template.server";
import type { Question } from "~/modules/templates/schemas";
import { ConflictError, ValidationError } from "~/utils/errors";
import { parseOrThrow } from "~/utils/validation";
import { filterCondition } from "./filter-sql.server";
import { newDatasetSchema, type DatasetFilter, type DatasetOptions, type NewDatasetInput } from "./schemas";

export type RequestedDataset = { id: string; projectId: string; name: string; version: number; state: "queued" };

/**
 * Asks for a dataset snapshot: checks the filter and options against the project's template
 * (so a bad question key is a 400 now, not a failed build later), takes the name's next version
 * and records the snapshot as queued. Nothing is read or frozen yet: `buildDataset` (the
 * background job, or the caller itself) does that. Saving a name again makes its next version.
 */
export async function requestDataset(db: Database, actor: Actor, projectId: string, input: NewDatasetInput): Promise<RequestedDataset> {
  await authorizeProject(db, actor, projectId, "datasets.manage");
  const { name, filter, options, format } = parseOrThrow(newDatasetSchema, input);
  const template = await getTemplate(db, projectId);
  if (!template) throw new ConflictError("This project has no review template yet, so nothing has been reviewed to export.");
  checkDatasetQuestions(projectId, filter, options, template.questions);
  return sqlOf(db).begin(async (tx) => {
    await tx`select pg_advisory_xact_lock(hashtext(${`dataset:${projectId}:${name.toLowerCase()}`}))`;
    const [{ version }] = await tx<[{ version: number }]>`
      select coalesce(max(version), 0)::int + 1 as version from datasets where project_id = ${projectId} and lower(name) = lower(${name})`;
    const [{ creator }] = await tx<[{ creator: string }]>`select coalesce((select name from users where id = ${actor.userId}), 'unknown') as creator`;
    const [{ id }] = await tx<[{ id: string }]>`
      insert into datasets (project_id, name, version, filter, options, format, template, counts, stats, content_hash, state, created_by, created_by_name)
      values (${projectId}, ${name}, ${version}, ${JSON.stringify(filter)}::jsonb, ${JSON.stringify(options)}::jsonb, ${format ?? null}, ${JSON.stringify(template)}::jsonb,
              '{}', '{}', '', 'queued', ${actor.userId}, ${creator})
      returning id`;
    return { id, projectId, name, version, state: "queued" as const };
  });
}

/** The filter's and options' question keys exist in the template with a kind that fits (names the field otherwise). */
export function checkDatasetQuestions(projectId: string, filter: DatasetFilter, options: DatasetOptions, questions: Question[]) {
  filterCondition(projectId, filter, questions);
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
