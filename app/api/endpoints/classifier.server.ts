import { z } from "zod";
import { classifierModelStates, classifierTriggers, labelSources } from "~db/schema";
import { db } from "~/db.server";
import { queueClassifierModel, queueLlmRun } from "~/jobs/boss.server";
import { getClassifierModel, getClassifierOverview } from "~/modules/classifier/queries.server";
import { requestClassifierTraining } from "~/modules/classifier/request-training.server";
import { classifierSettingsSchema } from "~/modules/classifier/schemas";
import { saveClassifierSettings } from "~/modules/classifier/settings.server";
import { routes, routingPolicySchema } from "~/modules/routing/policy";
import { applyRouting, getRoutingOverview, saveRoutingPolicy } from "~/modules/routing/routing.server";
import { defineEndpoint, errorBodySchema } from "../define.server";

const err = (description: string) => ({ description, schema: errorBodySchema });
const common = { 400: err("Invalid input; `issues` names each field"), 401: err("Missing, invalid or revoked API key"), 404: err("Not found, or not visible to you") };
const forbidden = err("Only the project's managers and engineers train its classifier");
const projectParams = z.object({ projectId: z.uuid({ error: "Expected a project id (a UUID)." }) });
const modelParams = z.object({ modelId: z.uuid({ error: "Expected a model id (a UUID)." }) });

const settingsSchema = z
  .object({
    questionKey: z.string(),
    includeLlm: z.boolean(),
    retrainEvery: z.int().nullable(),
    reviewerHourlyUsd: z.number().nullable().describe("what an hour of a reviewer's time costs (USD); null: unknown, and people's cost per item with it"),
  })
  .meta({ id: "ClassifierSettings" });
const modelFields = {
  id: z.uuid(),
  version: z.int(),
  questionKey: z.string(),
  state: z.enum(classifierModelStates).describe("queued → training (then predicting every unlabelled item) → ready, or failed (`message` says why)"),
  trigger: z.enum(classifierTriggers).describe("manual: asked for; auto: every `retrainEvery` new labels"),
  includeLlm: z.boolean().describe("whether LLM judge answers counted as labels"),
  labelCount: z.int().describe("labelled items it was trained on (before training: there were when it was asked for)"),
  summary: z
    .object({ labels: z.object(Object.fromEntries(labelSources.map((s) => [s, z.int()])) as Record<(typeof labelSources)[number], z.ZodInt>), classes: z.int() })
    .nullable()
    .describe("labels by source (gold, adjudicated, human consensus, llm) and classes seen"),
  accuracy: z.number().nullable().describe("held-out accuracy; null until trained"),
  macroF1: z.number().nullable().describe("held-out macro-F1; null until trained"),
  predicted: z.int().describe("unlabelled items given a prediction (a suggestion from `classifier vN`)"),
  trainingMs: z.int().nullable(),
  predictMs: z.int().nullable(),
  message: z.string().nullable().describe("why it failed"),
  createdAt: z.iso.datetime(),
  startedAt: z.iso.datetime().nullable(),
  finishedAt: z.iso.datetime().nullable(),
};
const summarySchema = z.object(modelFields).meta({ id: "ClassifierModelSummary" });
const detailSchema = z
  .object({
    ...modelFields,
    projectId: z.uuid(),
    params: z.record(z.string(), z.unknown()).describe("the training parameters"),
    evaluation: z
      .unknown()
      .describe(
        "held-out evaluation: report (accuracy and macro-F1 with 95% intervals, per-class precision/recall/F1), confusion matrix, reliability bins " +
          "with the expected calibration error, and the learning curve (quality at 10/25/50/100% of the labels); null until trained",
      ),
  })
  .meta({ id: "ClassifierModel" });

export const getClassifierEndpoint = defineEndpoint({
  method: "get",
  path: "/api/v1/projects/{projectId}/classifier",
  tags: ["classifier"],
  summary: "The project's in-app classifier: settings, the questions it can learn, its models newest first (the last 50) and the newest ready one in full",
  params: projectParams,
  responses: {
    200: {
      description: "The classifier",
      schema: z
        .object({
          settings: settingsSchema.nullable().describe("null until a manager or engineer chooses the question"),
          questions: z.array(z.object({ key: z.string(), title: z.string(), labels: z.array(z.string()) })).describe("the template's single-label questions"),
          canTrain: z.boolean(),
          models: z.array(summarySchema),
          current: detailSchema.nullable(),
        })
        .meta({ id: "Classifier" }),
    },
    ...common,
  },
  handler: async ({ actor, params }) => ({ status: 200, body: await getClassifierOverview(db, actor, params.projectId) }),
});

export const putClassifierSettingsEndpoint = defineEndpoint({
  method: "put",
  path: "/api/v1/projects/{projectId}/classifier",
  tags: ["classifier"],
  summary: "Set the question the classifier learns, whether LLM judge answers count as labels, and how often it retrains by itself",
  params: projectParams,
  body: classifierSettingsSchema.meta({ id: "ClassifierSettingsInput" }),
  responses: { 200: { description: "Saved", schema: settingsSchema }, ...common, 403: forbidden, 409: err("The project is archived") },
  handler: async ({ actor, params, body }) => ({ status: 200, body: await saveClassifierSettings(db, actor, params.projectId, body) }),
});

export const trainClassifierEndpoint = defineEndpoint({
  method: "post",
  path: "/api/v1/projects/{projectId}/classifier/models",
  tags: ["classifier"],
  summary: "Train a new version of the classifier on the question's labels now (202, then follow `status`)",
  description:
    "A background job trains on every labelled item (gold, adjudicated, reviewers' consensus; LLM judge answers when the settings say so), " +
    "scores the model on held-out labels, then predicts every unlabelled item: each prediction is a suggestion from `classifier vN` with its " +
    "confidence and top class probabilities, replacing the item's earlier classifier suggestion.",
  params: projectParams,
  responses: {
    202: {
      description: "Queued",
      schema: z
        .object({ id: z.uuid(), version: z.int(), state: z.literal("queued"), questionKey: z.string(), labels: z.int(), status: z.string().describe("GET it until `state` is ready or failed") })
        .meta({ id: "ClassifierModelAccepted" }),
    },
    ...common,
    403: forbidden,
    409: err("The project is archived, or a model is already waiting or training"),
  },
  handler: async ({ actor, params }) => {
    const model = await requestClassifierTraining(db, actor, params.projectId);
    await queueClassifierModel(model.id);
    const status = `/api/v1/classifier-models/${model.id}`;
    return { status: 202, body: { ...model, status }, headers: { Location: status } };
  },
});

export const getClassifierModelEndpoint = defineEndpoint({
  method: "get",
  path: "/api/v1/classifier-models/{modelId}",
  tags: ["classifier"],
  summary: "One classifier model: its state, what it was trained on and its held-out evaluation",
  params: modelParams,
  responses: { 200: { description: "The model", schema: detailSchema }, ...common },
  handler: async ({ actor, params }) => ({ status: 200, body: await getClassifierModel(db, actor, params.modelId) }),
});

const estimateSchema = z.object({ value: z.number().nullable(), reason: z.string().nullable(), interval: z.object({ low: z.number(), high: z.number(), level: z.number(), method: z.string() }).nullable() }).passthrough();
const routeCountsSchema = z.object(Object.fromEntries(routes.map((r) => [r, z.int()])) as Record<(typeof routes)[number], z.ZodInt>);
const policySchema = z
  .object({
    high: z.number(),
    low: z.number(),
    spotCheck: z.number(),
    llm: z.object({ providerId: z.uuid(), model: z.string(), promptVersionId: z.uuid(), minConfidence: z.number().nullable(), requireTop2: z.boolean() }).nullable(),
  })
  .meta({ id: "RoutingPolicy" });

export const getRoutingEndpoint = defineEndpoint({
  method: "get",
  path: "/api/v1/projects/{projectId}/routing",
  tags: ["classifier"],
  summary: "The routing policy, where the newest model's unlabelled items go now, what machines labelled so far, and the policy replayed on held-out labelled items",
  params: projectParams,
  responses: {
    200: {
      description: "Routing",
      schema: z
        .object({
          policy: policySchema.nullable(),
          canManage: z.boolean(),
          model: z.object({ id: z.uuid(), version: z.int() }).nullable(),
          counts: routeCountsSchema.describe("classifier: machine label; spot-check: sure but drawn for people; llm: the LLM's answer passes; llm-rejected: it does not (people); llm-pending: not asked yet; people"),
          labelled: z.object({ classifier: z.int(), llm: z.int() }).describe("items machine-labelled so far, by source"),
          simulation: z
            .object({
              items: z.int(),
              counts: routeCountsSchema,
              automated: estimateSchema,
              automatedAccuracy: estimateSchema,
              classifierAccuracy: estimateSchema,
              llmAccuracy: estimateSchema,
              llmCalls: z.int(),
              peopleItems: z.int(),
              costUsd: z.number().nullable(),
              costNote: z.string(),
            })
            .nullable(),
          llmUsdPerItem: z.number().nullable(),
        })
        .meta({ id: "Routing" }),
    },
    ...common,
  },
  handler: async ({ actor, params }) => ({ status: 200, body: await getRoutingOverview(db, actor, params.projectId) }),
});

export const putRoutingPolicyEndpoint = defineEndpoint({
  method: "put",
  path: "/api/v1/projects/{projectId}/routing",
  tags: ["classifier"],
  summary: "Set the routing policy between the classifier, an LLM judge and people",
  params: projectParams,
  body: routingPolicySchema.meta({ id: "RoutingPolicyInput" }),
  responses: { 200: { description: "Saved", schema: policySchema }, ...common, 403: forbidden, 409: err("The project is archived") },
  handler: async ({ actor, params, body }) => ({ status: 200, body: await saveRoutingPolicy(db, actor, params.projectId, body) }),
});

export const applyRoutingEndpoint = defineEndpoint({
  method: "post",
  path: "/api/v1/projects/{projectId}/routing/apply",
  tags: ["classifier"],
  summary: "Apply the routing policy now: machine labels for the sure items and accepted LLM answers, a judge run for the unsure ones not asked yet",
  params: projectParams,
  responses: {
    200: {
      description: "Applied",
      schema: z
        .object({
          labelled: z.object({ classifier: z.int(), llm: z.int() }),
          asked: z.object({ runId: z.uuid(), items: z.int() }).nullable().describe("the judge run started for the unsure items; null when none was needed or one is still running"),
          people: z.int().describe("items left for people"),
          held: z.int().describe("items a machine would have labelled that a reviewer holds or answered meanwhile: left alone"),
        })
        .meta({ id: "RoutingApplied" }),
    },
    ...common,
    403: forbidden,
    409: err("The project is archived"),
  },
  handler: async ({ actor, params }) => {
    const applied = await applyRouting(db, actor, params.projectId);
    if (applied.asked) await queueLlmRun(applied.asked.runId);
    return { status: 200, body: applied };
  },
});
