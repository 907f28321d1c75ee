import { sql } from "drizzle-orm";
import type { Db } from "~/db.server";
import type { Actor } from "~/modules/auth/actor";
import { authorizeProject } from "~/modules/projects/authorize.server";
import { checkAnswers, type Answers } from "~/modules/templates/answers";
import { getTemplate } from "~/modules/templates/get-template.server";
import { ConflictError, NotFoundError, ValidationError } from "~/utils/errors";

/**
 * Keeps a reviewer's unfinished answer on the server (autosave), so it survives a reload, a
 * crash or another device. Drafts may leave required questions open; a submitted answer is
 * never overwritten by a late autosave.
 */
export async function saveDraft(db: Db, actor: Actor, input: { itemId: number; values: Answers }) {
  const [item] = await db.execute<{ project_id: string; outputs: { text: string }[] }>(
    sql`select project_id, outputs from items where id = ${input.itemId}`,
  );
  if (!item) throw new NotFoundError("No such item.");
  await authorizeProject(db, actor, item.project_id, "review.annotate");
  const template = await getTemplate(db, item.project_id);
  if (!template) throw new ConflictError("This project has no review template yet.");
  const issues = checkAnswers(template, input.values, { outputs: item.outputs }, true);
  if (issues.length) throw new ValidationError(issues.map((i) => `${i.field}: ${i.message}`).join("; "), issues);
  const [row] = await db.execute<{ id: string; version: number; status: string }>(sql`
    insert into annotations (item_id, project_id, user_id, template_version, values, status)
    values (${input.itemId}, ${item.project_id}, ${actor.userId}, ${template.version}, ${JSON.stringify(input.values)}::jsonb, 'draft')
    on conflict (item_id, user_id) do update
      set values = excluded.values, template_version = excluded.template_version, updated_at = now()
      where annotations.status = 'draft'
    returning id, version, status`);
  if (!row) throw new ConflictError("This answer was already submitted; edit it from My work.");
  return { id: row.id, version: row.version };
}
