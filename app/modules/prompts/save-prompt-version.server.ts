import { sql } from "drizzle-orm";
import { promptVersions } from "~db/schema";
import type { Db } from "~/db.server";
import type { Actor } from "~/modules/auth/actor";
import { recordAudit } from "~/modules/audit/record-audit.server";
import { authorizeProject } from "~/modules/projects/authorize.server";
import { getTemplate } from "~/modules/templates/get-template.server";
import { ValidationError, type FieldIssue } from "~/utils/errors";
import { parseOrThrow } from "~/utils/validation";
import { checkPrompt } from "./render";
import { promptInputSchema, type PromptInput } from "./schemas";

export type SavedPromptVersion = typeof promptVersions.$inferSelect;

/**
 * Saves a prompt as the next version of its name in the project (versions are immutable, so an
 * output or a judge answer always names the exact prompt that made it). Unknown variables are
 * refused; a judge must name the template questions it answers, each one that has an answer a
 * model can give (every kind but none today) and that exists in the current template.
 */
export async function savePromptVersion(db: Db, actor: Actor, projectId: string, input: PromptInput): Promise<SavedPromptVersion> {
  await authorizeProject(db, actor, projectId, "llm.run");
  const def = parseOrThrow(promptInputSchema, input);
  const issues: FieldIssue[] = checkPrompt(def);
  if (def.purpose === "judge") {
    const template = await getTemplate(db, projectId);
    const keys = new Set(template?.questions.map((q) => q.key) ?? []);
    if (!def.questions.length) issues.push({ field: "questions", message: "Choose the template questions this judge answers." });
    for (const [i, key] of def.questions.entries()) {
      if (!keys.has(key)) issues.push({ field: `questions.${i}`, message: `The template has no question "${key}".` });
    }
  } else if (def.questions.length) {
    issues.push({ field: "questions", message: "Only a judge answers questions; a generation prompt writes outputs." });
  }
  if (issues.length) throw new ValidationError(issues.map((i) => `${i.field}: ${i.message}`).join("; "), issues);

  return db.transaction(async (tx) => {
    // why: two saves of the same name at once must not both take the same next version.
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`prompt:${projectId}:${def.name.toLowerCase()}`}))`);
    const [{ next }] = (await tx.execute<{ next: number }>(sql`
      select coalesce(max(version), 0)::int + 1 as next from prompt_versions where project_id = ${projectId} and lower(name) = lower(${def.name})`)) as unknown as [{ next: number }];
    const [saved] = await tx
      .insert(promptVersions)
      .values({ projectId, name: def.name, version: next, purpose: def.purpose, system: def.system, user: def.user, params: def.params, questions: [...new Set(def.questions)], createdBy: actor.userId })
      .returning();
    await recordAudit(tx, { actorUserId: actor.userId, action: "prompt.save", targetType: "prompt_version", targetId: saved!.id, data: { projectId, name: def.name, version: next } });
    return saved!;
  });
}
