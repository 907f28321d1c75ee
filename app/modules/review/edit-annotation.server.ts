import { and, eq, sql } from "drizzle-orm";
import { annotationHistory, annotations, items } from "~db/schema";
import type { Db } from "~/db.server";
import type { Actor } from "~/modules/auth/actor";
import { authorizeProject } from "~/modules/projects/authorize.server";
import { checkAnswers, type Answers } from "~/modules/templates/answers";
import { getTemplate } from "~/modules/templates/get-template.server";
import { ConflictError, NotFoundError, ValidationError } from "~/utils/errors";

/**
 * Changes one's own submitted answer. The edit names the version it started from; if the
 * answer has changed since (another tab, another device), nothing is written and the
 * ConflictError carries the newer values to show instead. Every accepted change is kept in history.
 */
export async function editAnnotation(db: Db, actor: Actor, input: { annotationId: string; values: Answers; version: number }) {
  const [current] = await db
    .select({ id: annotations.id, projectId: annotations.projectId, userId: annotations.userId, templateVersion: annotations.templateVersion, outputs: items.outputs })
    .from(annotations)
    .innerJoin(items, eq(items.id, annotations.itemId))
    .where(eq(annotations.id, input.annotationId));
  if (!current || current.userId !== actor.userId) throw new NotFoundError("No such annotation of yours.");
  await authorizeProject(db, actor, current.projectId, "review.annotate");
  // why: an edit answers the questions the annotation was made with, not a newer template.
  const template = await getTemplate(db, current.projectId, current.templateVersion);
  const issues = checkAnswers(template!, input.values, { outputs: current.outputs as { text: string }[] });
  if (issues.length) throw new ValidationError(issues.map((i) => `${i.field}: ${i.message}`).join("; "), issues);

  return db.transaction(async (tx) => {
    const [row] = await tx
      .update(annotations)
      .set({ values: input.values, version: sql`${annotations.version} + 1`, updatedAt: new Date() })
      .where(and(eq(annotations.id, input.annotationId), eq(annotations.version, input.version), eq(annotations.status, "submitted")))
      .returning({ id: annotations.id, version: annotations.version, values: annotations.values });
    if (!row) {
      const [newer] = await tx
        .select({ version: annotations.version, values: annotations.values, updatedAt: annotations.updatedAt })
        .from(annotations)
        .where(eq(annotations.id, input.annotationId));
      throw new ConflictError("This answer was changed elsewhere since you opened it; the newer version is shown.", newer);
    }
    await tx.insert(annotationHistory).values({ annotationId: row.id, version: row.version, status: "submitted", values: input.values, changedBy: actor.userId });
    return row;
  });
}
