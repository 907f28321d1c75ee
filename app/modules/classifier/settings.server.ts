import { eq } from "drizzle-orm";
import { classifierSettings } from "~db/schema";
import type { Db } from "~/db.server";
import type { Actor } from "~/modules/auth/actor";
import { recordAudit } from "~/modules/audit/record-audit.server";
import { authorizeProject } from "~/modules/projects/authorize.server";
import type { Question } from "~/modules/questions";
import { getTemplate } from "~/modules/templates/get-template.server";
import { ConflictError, ValidationError } from "~/utils/errors";
import { parseOrThrow } from "~/utils/validation";
import { classifiedQuestion, NOT_CLASSIFIABLE, type ClassifiedQuestion } from "./question";
import { classifierSettingsSchema, type ClassifierSettingsInput } from "./schemas";

export type ClassifierSettings = { questionKey: string; includeLlm: boolean; retrainEvery: number | null; reviewerHourlyUsd: number | null };

/** The questions of the project's current template a classifier can learn. */
export async function classifiableQuestions(db: Db, projectId: string): Promise<ClassifiedQuestion[]> {
  const template = await getTemplate(db, projectId);
  return (template?.questions ?? []).flatMap((q) => classifiedQuestion(q as Question) ?? []);
}

/** The project's classifier settings, or null when it has none. */
export async function readClassifierSettings(db: Db, projectId: string): Promise<ClassifierSettings | null> {
  const [row] = await db
    .select({
      questionKey: classifierSettings.questionKey,
      includeLlm: classifierSettings.includeLlm,
      retrainEvery: classifierSettings.retrainEvery,
      reviewerHourlyUsd: classifierSettings.reviewerHourlyUsd,
    })
    .from(classifierSettings)
    .where(eq(classifierSettings.projectId, projectId));
  return row ?? null;
}

/**
 * Sets which question the project's classifier learns, whether LLM judge answers count as
 * labels, how often it retrains by itself, and what a reviewer's hour costs (left out: kept as it
 * was). Managers and engineers; the question must be one of the current template's classification
 * questions.
 */
export async function saveClassifierSettings(db: Db, actor: Actor, projectId: string, input: ClassifierSettingsInput): Promise<ClassifierSettings> {
  const access = await authorizeProject(db, actor, projectId, "classifier.train");
  if (access.archived) throw new ConflictError("The project is archived.");
  const data = parseOrThrow(classifierSettingsSchema, input);
  const questions = await classifiableQuestions(db, projectId);
  if (!questions.some((q) => q.key === data.questionKey)) {
    const message = questions.length
      ? `${NOT_CLASSIFIABLE} This project's: ${questions.map((q) => q.key).join(", ")}.`
      : `${NOT_CLASSIFIABLE} This project's template has none.`;
    throw new ValidationError(`questionKey: ${message}`, [{ field: "questionKey", message }]);
  }
  const kept = data.reviewerHourlyUsd === undefined ? ((await readClassifierSettings(db, projectId))?.reviewerHourlyUsd ?? null) : data.reviewerHourlyUsd;
  const settings = { questionKey: data.questionKey, includeLlm: data.includeLlm, retrainEvery: data.retrainEvery, reviewerHourlyUsd: kept };
  await db.transaction(async (tx) => {
    await tx
      .insert(classifierSettings)
      .values({ projectId, ...settings })
      .onConflictDoUpdate({ target: classifierSettings.projectId, set: { ...settings, updatedAt: new Date() } });
    await recordAudit(tx, { actorUserId: actor.userId, action: "classifier.settings", targetType: "project", targetId: projectId, data: settings });
  });
  return settings;
}
