import { eq, sql } from "drizzle-orm";
import { projects, reviewTemplates } from "~db/schema";
import type { Db } from "~/db.server";
import type { Actor } from "~/modules/auth/actor";
import { recordAudit } from "~/modules/audit/record-audit.server";
import { authorizeProject } from "~/modules/projects/authorize.server";
import { parseOrThrow } from "~/utils/validation";
import { templateSchema, type TemplateInput } from "./schemas";

/**
 * Saves a template as the project's next version and makes it current. Earlier versions stay,
 * so every annotation can still be read against the questions it answered.
 */
export async function saveTemplate(db: Db, actor: Actor, projectId: string, input: TemplateInput) {
  await authorizeProject(db, actor, projectId, "project.update");
  const template = parseOrThrow(templateSchema, input);
  return db.transaction(async (tx) => {
    const [project] = await tx
      .update(projects)
      .set({ templateVersion: sql`${projects.templateVersion} + 1`, updatedAt: new Date() })
      .where(eq(projects.id, projectId))
      .returning({ version: projects.templateVersion });
    const version = project!.version;
    await tx.insert(reviewTemplates).values({ projectId, version, questions: template.questions, createdBy: actor.userId });
    await recordAudit(tx, { actorUserId: actor.userId, action: "template.save", targetType: "project", targetId: projectId, data: { version } });
    return { version, ...template };
  });
}
