import { desc, eq } from "drizzle-orm";
import { reviewTemplates, users } from "~db/schema";
import type { Db } from "~/db.server";
import type { Actor } from "~/modules/auth/actor";
import { authorizeProject } from "~/modules/projects/authorize.server";
import { getTemplate } from "~/modules/templates/get-template.server";

/** The current template and its version history, for those who may change it. */
export async function getTemplateEditor(db: Db, actor: Actor, projectId: string) {
  const access = await authorizeProject(db, actor, projectId, "project.update");
  const [template, versions] = await Promise.all([
    getTemplate(db, projectId),
    db
      .select({ version: reviewTemplates.version, createdAt: reviewTemplates.createdAt, author: users.name })
      .from(reviewTemplates)
      .leftJoin(users, eq(users.id, reviewTemplates.createdBy))
      .where(eq(reviewTemplates.projectId, projectId))
      .orderBy(desc(reviewTemplates.version))
      .limit(200),
  ]);
  return { project: { id: access.projectId, name: access.name }, template, versions };
}
