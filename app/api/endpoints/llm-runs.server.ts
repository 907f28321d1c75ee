import { z } from "zod";
import { db } from "~/db.server";
import { queueLlmRun } from "~/jobs/boss.server";
import { cancelLlmRun } from "~/modules/llm-runs/cancel-run.server";
import { createLlmRun } from "~/modules/llm-runs/create-run.server";
import { getLlmRunStatus, listLlmRuns } from "~/modules/llm-runs/queries.server";
import { retryFailedItems } from "~/modules/llm-runs/retry-failed.server";
import { newLlmRunSchema } from "~/modules/llm-runs/schemas";
import { llmRunKinds, llmRunStates } from "~db/schema/llm-runs";
import { defineEndpoint, errorBodySchema } from "../define.server";

const err = (description: string) => ({ description, schema: errorBodySchema });
const common = { 400: err("Invalid input; `issues` names each field"), 401: err("Missing, invalid or revoked API key"), 404: err("Not found, or not visible to you") };
const forbidden = err("Only the project's managers and engineers run models");
const projectParams = z.object({ projectId: z.uuid({ error: "Expected a project id (a UUID)." }) });
const runParams = z.object({ runId: z.uuid({ error: "Expected a run id (a UUID)." }) });

const stateSchema = z.enum(llmRunStates).describe("queued → running → done (some items may have failed), failed (budget reached, provider unusable) or cancelled");

const acceptedSchema = z
  .object({
    id: z.uuid(),
    kind: z.enum(llmRunKinds),
    state: z.literal("queued"),
    total: z.int().describe("items the run asks about"),
    status: z.string().describe("where to follow the run: GET it until `state` is done, failed or cancelled"),
  })
  .meta({ id: "LlmRunAccepted" });

const statusFields = {
  id: z.uuid(),
  projectId: z.uuid(),
  kind: z.enum(llmRunKinds),
  state: stateSchema,
  message: z.string().nullable().describe("why the run failed"),
  provider: z.object({ id: z.uuid(), name: z.string() }),
  model: z.string(),
  promptVersion: z.object({ id: z.uuid(), name: z.string(), version: z.int() }),
  filter: z.unknown(),
  budgetUsd: z.number().nullable(),
  counts: z.object({ total: z.int(), done: z.int(), failed: z.int(), left: z.int() }),
  tokens: z.object({ input: z.int(), output: z.int() }),
  costUsd: z.number().describe("estimated spend so far, from the provider's prices"),
  costComplete: z.boolean().describe("false when a model's price is unknown: the spend is then a floor"),
  itemsPerSecond: z.number().nullable(),
  secondsLeft: z.number().nullable(),
  createdAt: z.iso.datetime(),
  startedAt: z.iso.datetime().nullable(),
  finishedAt: z.iso.datetime().nullable(),
};
const summarySchema = z.object(statusFields).meta({ id: "LlmRunSummary" });
const statusSchema = z
  .object({
    ...statusFields,
    failures: z.array(z.object({ itemId: z.int(), error: z.string().describe("the provider's message (secrets redacted) or why the answer was refused"), attempts: z.int() })),
    nextFailuresAfter: z.int().nullable().describe("pass as `failuresAfter` for the next page of failures"),
  })
  .meta({ id: "LlmRunStatus" });

const accepted = (run: { id: string; kind: "generate" | "judge"; total: number }) => {
  const status = `/api/v1/llm-runs/${run.id}`;
  return { status: 202, body: { id: run.id, kind: run.kind, state: "queued" as const, total: run.total, status }, headers: { Location: status } };
};

export const createLlmRunEndpoint = defineEndpoint({
  method: "post",
  path: "/api/v1/projects/{projectId}/llm-runs",
  tags: ["llm"],
  summary: "Start a generation or judge run: one model × one prompt version × the items a filter chooses (202, then follow `status`)",
  description:
    "`generate` adds each answer as a new output of its item (with model, prompt version, parameters, latency, tokens and cost), at most one per " +
    "item, model and prompt version however often it is run. `judge` stores each answer as a suggestion (origin `llm`) with the model, prompt " +
    "version, rationale and, where the provider returns logprobs, a confidence. A background job works through the items with the provider's " +
    "concurrency limit, retries (honouring Retry-After) and the budget cap; invalid answers fail their item and the run goes on.",
  params: projectParams,
  body: newLlmRunSchema.meta({ id: "NewLlmRun" }),
  responses: { 202: { description: "Queued", schema: acceptedSchema }, ...common, 403: forbidden, 409: err("The project is archived") },
  handler: async ({ actor, params, body }) => {
    const run = await createLlmRun(db, actor, params.projectId, body);
    await queueLlmRun(run.id);
    return accepted(run);
  },
});

export const listLlmRunsEndpoint = defineEndpoint({
  method: "get",
  path: "/api/v1/projects/{projectId}/llm-runs",
  tags: ["llm"],
  summary: "The project's generation and judge runs, newest first (the last 20)",
  params: projectParams,
  responses: { 200: { description: "Runs", schema: z.object({ runs: z.array(summarySchema) }) }, ...common, 403: forbidden },
  handler: async ({ actor, params }) => ({ status: 200, body: { runs: await listLlmRuns(db, actor, params.projectId) } }),
});

export const llmRunStatusEndpoint = defineEndpoint({
  method: "get",
  path: "/api/v1/llm-runs/{runId}",
  tags: ["llm"],
  summary: "Where a run is: state, counts, tokens, spend, rate, time left, and a page of its failed items with the provider's error",
  params: runParams,
  query: z.object({
    failuresAfter: z.coerce.number().int().min(0).optional().describe("item id the previous page of failures ended at"),
    limit: z.coerce.number().int().min(1).max(500).default(50).describe("failures per page"),
  }),
  responses: { 200: { description: "The run", schema: statusSchema }, ...common, 403: forbidden },
  handler: async ({ actor, params, query }) => ({ status: 200, body: await getLlmRunStatus(db, actor, params.runId, query) }),
});

export const cancelLlmRunEndpoint = defineEndpoint({
  method: "post",
  path: "/api/v1/llm-runs/{runId}/cancel",
  tags: ["llm"],
  summary: "Cancel a queued or running run: calls in flight are dropped, nothing more is asked; stored answers stay",
  params: runParams,
  responses: { 200: { description: "Cancelled", schema: z.object({ id: z.uuid(), state: z.literal("cancelled") }) }, ...common, 403: forbidden, 409: err("The run has already ended") },
  handler: async ({ actor, params }) => ({ status: 200, body: await cancelLlmRun(db, actor, params.runId) }),
});

export const retryLlmRunEndpoint = defineEndpoint({
  method: "post",
  path: "/api/v1/llm-runs/{runId}/retry-failed",
  tags: ["llm"],
  summary: "Ask again about a finished run's failed items (and any it did not reach); done items are never asked again (202)",
  params: runParams,
  responses: {
    202: { description: "Queued again", schema: z.object({ id: z.uuid(), state: z.literal("queued"), retried: z.int().describe("failed items asked again") }) },
    ...common,
    403: forbidden,
    409: err("The run is still queued or running, or nothing is left to retry"),
  },
  handler: async ({ actor, params }) => {
    const retried = await retryFailedItems(db, actor, params.runId);
    await queueLlmRun(retried.id);
    return { status: 202, body: retried, headers: { Location: `/api/v1/llm-runs/${retried.id}` } };
  },
});
