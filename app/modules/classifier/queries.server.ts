import type { ClassifierTrainingSummary } from "~db/schema";
import { sqlOf, type Db } from "~/db.server";
import type { Actor } from "~/modules/auth/actor";
import { authorizeProject } from "~/modules/projects/authorize.server";
import { can } from "~/modules/projects/policy";
import { NotFoundError } from "~/utils/errors";
import type { ClassifierEvaluation } from "./core";
import type { ClassifiedQuestion } from "./question";
import { classifiableQuestions, readClassifierSettings, type ClassifierSettings } from "./settings.server";

export type ClassifierModelSummary = {
  id: string;
  version: number;
  questionKey: string;
  state: "queued" | "training" | "ready" | "failed";
  trigger: "manual" | "auto";
  includeLlm: boolean;
  labelCount: number;
  summary: ClassifierTrainingSummary | null;
  accuracy: number | null;
  macroF1: number | null;
  predicted: number;
  trainingMs: number | null;
  predictMs: number | null;
  message: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
};
export type ClassifierModelDetail = ClassifierModelSummary & { projectId: string; params: Record<string, unknown>; evaluation: ClassifierEvaluation | null };
export type ClassifierOverview = {
  settings: ClassifierSettings | null;
  questions: Pick<ClassifiedQuestion, "key" | "title" | "labels">[];
  canTrain: boolean;
  models: ClassifierModelSummary[];
  /** The newest ready model with its evaluation, or null. */
  current: ClassifierModelDetail | null;
};

const MODEL_LIMIT = 50;

/** The project's classifier for its page and API: settings, the classifiable questions, its models newest first, and the newest ready one in full. Managers, engineers, researchers. */
export async function getClassifierOverview(db: Db, actor: Actor, projectId: string): Promise<ClassifierOverview> {
  const access = await authorizeProject(db, actor, projectId, "quality.view");
  const [settings, questions] = await Promise.all([readClassifierSettings(db, projectId), classifiableQuestions(db, projectId)]);
  const models = await modelRows(db, sqlOf(db)`project_id = ${projectId}`, MODEL_LIMIT);
  const newestReady = models.find((m) => m.state === "ready");
  return {
    settings,
    questions: questions.map(({ key, title, labels }) => ({ key, title, labels })),
    canTrain: can({ isAdmin: actor.isAdmin, role: access.role }, "classifier.train") && !access.archived,
    models: models.map(({ evaluation: _e, params: _p, projectId: _id, ...summary }) => summary),
    current: newestReady ?? null,
  };
}

/** One model with its evaluation (not its bytes); NotFound when the actor cannot see its project. */
export async function getClassifierModel(db: Db, actor: Actor, modelId: string): Promise<ClassifierModelDetail> {
  if (!/^[0-9a-f-]{36}$/i.test(modelId)) throw new NotFoundError("No such model.");
  const [model] = await modelRows(db, sqlOf(db)`id = ${modelId}`, 1);
  if (!model) throw new NotFoundError("No such model.");
  await authorizeProject(db, actor, model.projectId, "quality.view").catch((error: unknown) => {
    throw error instanceof NotFoundError ? new NotFoundError("No such model.") : error;
  });
  return model;
}

async function modelRows(db: Db, where: ReturnType<ReturnType<typeof sqlOf>>, limit: number): Promise<ClassifierModelDetail[]> {
  const sql = sqlOf(db);
  const rows = await sql<(Omit<ClassifierModelDetail, "accuracy" | "macroF1"> & { evaluation: ClassifierEvaluation | null })[]>`
    select id, project_id as "projectId", version, question_key as "questionKey", state::text as state, trigger, include_llm as "includeLlm",
      label_count as "labelCount", summary, params, evaluation, predicted, training_ms as "trainingMs", predict_ms as "predictMs", message,
      to_char(created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as "createdAt",
      to_char(started_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as "startedAt",
      to_char(finished_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as "finishedAt"
    from classifier_models where ${where} order by version desc limit ${limit}`;
  return rows.map((r) => ({ ...r, accuracy: r.evaluation?.report.accuracy.value ?? null, macroF1: r.evaluation?.report.macroF1.value ?? null }));
}
