import { sqlOf, type Db } from "~/db.server";
import type { Actor } from "~/modules/auth/actor";
import { recordAudit } from "~/modules/audit/record-audit.server";
import { authorizeProject } from "~/modules/projects/authorize.server";
import { ConflictError, ValidationError } from "~/utils/errors";
import { countTrainingLabels } from "./labels.server";
import { MIN_TRAINING_LABELS } from "./schemas";

export type RequestedModel = { id: string; version: number; state: "queued"; questionKey: string; labels: number };

/** Asks for a new model of the project's classifier (managers and engineers); a background job trains it. */
export async function requestClassifierTraining(db: Db, actor: Actor, projectId: string): Promise<RequestedModel> {
  const access = await authorizeProject(db, actor, projectId, "classifier.train");
  if (access.archived) throw new ConflictError("The project is archived.");
  return queueTraining(db, projectId, { trigger: "manual", userId: actor.userId });
}

/**
 * Records the next version of the project's classifier as queued. One model trains at a time per
 * project: the settings row is locked while the version is numbered and an unfinished model is
 * looked for, so two requests at once (two managers, or a request and the automatic retrain)
 * make one model and one 409. Fewer labels than a held-out score needs is a 400 saying how many.
 */
export async function queueTraining(db: Db, projectId: string, by: { trigger: "manual" | "auto"; userId: string | null }): Promise<RequestedModel> {
  return db.transaction(async (tx) => {
    const sql = sqlOf(tx);
    const [settings] = await sql<{ question_key: string; include_llm: boolean }[]>`
      select question_key, include_llm from classifier_settings where project_id = ${projectId} for update`;
    if (!settings) throw new ValidationError("questionKey: Choose the question the classifier learns first.", [{ field: "questionKey", message: "Choose the question the classifier learns first." }]);
    const [open] = await sql<{ version: number; state: string }[]>`
      select version, state::text from classifier_models where project_id = ${projectId} and state in ('queued', 'training') limit 1`;
    if (open) throw new ConflictError(`Model v${open.version} is already ${open.state === "queued" ? "waiting to train" : "training"}; wait for it to finish.`);
    const labels = await countTrainingLabels(sql, projectId, settings.question_key, settings.include_llm);
    if (labels < MIN_TRAINING_LABELS) {
      const message = `Training needs at least ${MIN_TRAINING_LABELS} labelled items; question ${settings.question_key} has ${labels}.`;
      throw new ValidationError(`labels: ${message}`, [{ field: "labels", message }]);
    }
    const [model] = await sql<{ id: string; version: number }[]>`
      insert into classifier_models (project_id, question_key, version, trigger, include_llm, requested_by, label_count)
      select ${projectId}, ${settings.question_key}, coalesce(max(version), 0) + 1, ${by.trigger}, ${settings.include_llm}, ${by.userId}, ${labels}
      from classifier_models where project_id = ${projectId} and question_key = ${settings.question_key}
      returning id, version`;
    await recordAudit(tx, { actorUserId: by.userId, action: "classifier.train", targetType: "classifier_model", targetId: model!.id, data: { projectId, version: model!.version, trigger: by.trigger, labels } });
    return { id: model!.id, version: model!.version, state: "queued" as const, questionKey: settings.question_key, labels };
  });
}
