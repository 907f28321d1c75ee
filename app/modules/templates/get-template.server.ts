import { and, eq } from "drizzle-orm";
import { projects, reviewTemplates } from "~db/schema";
import type { Db } from "~/db.server";
import type { Template } from "./schemas";

export type VersionedTemplate = Template & { version: number };

/** The template version a project's new annotations answer (or a given older version), if any. */
export async function getTemplate(db: Db, projectId: string, version?: number): Promise<VersionedTemplate | null> {
  const wanted =
    version ??
    (await db.select({ v: projects.templateVersion }).from(projects).where(eq(projects.id, projectId)))[0]?.v ??
    0;
  if (wanted === 0) return null;
  const [row] = await db
    .select({ version: reviewTemplates.version, questions: reviewTemplates.questions })
    .from(reviewTemplates)
    .where(and(eq(reviewTemplates.projectId, projectId), eq(reviewTemplates.version, wanted)));
  return row ? { version: row.version, questions: row.questions as Template["questions"] } : null;
}
