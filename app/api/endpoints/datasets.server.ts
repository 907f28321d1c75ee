import { z } from "zod";
import { db } from "~/db.server";
import { buildCard, cardMarkdown } from "~/modules/datasets/card";
import { queueDatasetBuild } from "~/jobs/boss.server";
import { getDatasetRecord, getDatasetStatus, listDatasets, requireReady } from "~/modules/datasets/queries.server";
import { requestDataset } from "~/modules/datasets/request-dataset.server";
import { retryDataset } from "~/modules/datasets/retry-dataset.server";
import { sumSplits } from "~/modules/datasets/snapshot-tally";
import { exportQuerySchema, newDatasetSchema } from "~/modules/datasets/schemas";
import { datasetFileResponse } from "../dataset-file.server";
import { defineEndpoint, errorBodySchema } from "../define.server";

const err = (description: string) => ({ description, schema: errorBodySchema });
const common = { 400: err("Invalid input; `issues` names each field"), 401: err("Missing, invalid or revoked API key"), 404: err("Not found, or not visible to you") };
const projectParams = z.object({ projectId: z.uuid({ error: "Expected a project id (a UUID)." }) });
const datasetParams = z.object({ datasetId: z.uuid({ error: "Expected a dataset id (a UUID)." }) });
const perSplit = { train: z.int(), validation: z.int(), test: z.int() };

const stateSchema = z.enum(["queued", "building", "ready", "failed"]).describe("queued → building → ready, or failed (then retry)");
const progressSchema = z.object({ done: z.int().describe("items written"), total: z.int().nullable().describe("items the filter chose; null until they are chosen") });

const acceptedSchema = z
  .object({
    id: z.uuid().describe("the dataset (and its build job's key)"),
    name: z.string(),
    version: z.int().describe("1 for a new name, then one more each time the name is saved again"),
    state: stateSchema,
    status: z.string().describe("where to follow the build: GET it until `state` is ready or failed"),
  })
  .meta({ id: "DatasetBuild" });

const statusSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    version: z.int(),
    state: stateSchema,
    progress: progressSchema,
    message: z.string().nullable().describe("why the build failed"),
    createdAt: z.iso.datetime(),
    startedAt: z.iso.datetime().nullable(),
    finishedAt: z.iso.datetime().nullable(),
    counts: z.object({ items: z.int(), ...perSplit, annotations: z.int() }).nullable().describe("once ready"),
    contentHash: z.string().nullable().describe("once ready: SHA-256 of the options, the template's questions and every frozen line (items, each format's rows, annotations); it changes whenever an export's bytes could"),
  })
  .meta({ id: "DatasetStatus" });

const accepted = (d: { id: string; name: string; version: number; state: "queued" }) => {
  const status = `/api/v1/datasets/${d.id}/status`;
  return { status: 202, body: { id: d.id, name: d.name, version: d.version, state: d.state, status }, headers: { Location: status } };
};

export const createDatasetEndpoint = defineEndpoint({
  method: "post",
  path: "/api/v1/projects/{projectId}/datasets",
  tags: ["datasets"],
  summary: "Ask for a dataset snapshot: {name, filter, options}; it is built in the background (202, then follow `status`)",
  description:
    "The filter and options are those of the dataset builder; an empty filter takes every resolved item. The answer comes at once (202) with the " +
    "status URL (also in `Location`); a background job freezes the snapshot: input, outputs, consensus and annotations are copied (redacted " +
    "when `options.redactPii`), split by a seeded, per-label stratified shuffle. It is immutable once ready; until then it cannot be exported (409). " +
    "Saving a name again makes its next version.",
  params: projectParams,
  body: newDatasetSchema.meta({ id: "NewDataset" }),
  responses: { 202: { description: "Queued: the dataset's id, version and status URL", schema: acceptedSchema }, ...common, 403: err("Your role may not build datasets"), 409: err("The project has no template yet") },
  handler: async ({ actor, params, body }) => {
    const requested = await requestDataset(db, actor, params.projectId, body);
    await queueDatasetBuild(requested.id);
    return accepted(requested);
  },
});

export const datasetStatusEndpoint = defineEndpoint({
  method: "get",
  path: "/api/v1/datasets/{datasetId}/status",
  tags: ["datasets"],
  summary: "Where a snapshot's build is: state, progress (items written of items chosen), why it failed; counts and hash once ready",
  params: datasetParams,
  responses: { 200: { description: "The build's status", schema: statusSchema }, ...common },
  handler: async ({ actor, params }) => {
    const status = await getDatasetStatus(db, actor, params.datasetId);
    const ready = status.state === "ready" ? await getDatasetRecord(db, actor, params.datasetId, "datasets.export") : null;
    const counts = ready ? { items: sumSplits(ready.counts.items), ...ready.counts.items, annotations: sumSplits(ready.counts.annotations) } : null;
    const { projectId: _projectId, ...body } = status;
    return { status: 200, body: { ...body, counts, contentHash: ready?.contentHash ?? null } };
  },
});

export const retryDatasetEndpoint = defineEndpoint({
  method: "post",
  path: "/api/v1/datasets/{datasetId}/retry",
  tags: ["datasets"],
  summary: "Build a failed snapshot again (202, then follow `status`); it freezes the items as they are then",
  params: datasetParams,
  responses: { 202: { description: "Queued again", schema: acceptedSchema }, ...common, 403: err("Your role may not build datasets"), 409: err("The snapshot is not failed: it is queued, building or ready") },
  handler: async ({ actor, params }) => {
    const retried = await retryDataset(db, actor, params.datasetId);
    await queueDatasetBuild(retried.id);
    return accepted(retried);
  },
});

const summarySchema = z
  .object({ id: z.uuid(), name: z.string(), version: z.int(), state: stateSchema, progress: progressSchema, items: z.int(), ...perSplit, contentHash: z.string(), createdByName: z.string(), createdAt: z.iso.datetime() })
  .meta({ id: "DatasetSummary" });

export const listDatasetsEndpoint = defineEndpoint({
  method: "get",
  path: "/api/v1/projects/{projectId}/datasets",
  tags: ["datasets"],
  summary: "The project's dataset snapshots, newest first",
  params: projectParams,
  responses: { 200: { description: "Snapshots", schema: z.object({ datasets: z.array(summarySchema) }) }, ...common },
  handler: async ({ actor, params }) => {
    const list = await listDatasets(db, actor, params.projectId);
    return { status: 200, body: { datasets: list.map((d) => ({ ...d, createdAt: d.createdAt.toISOString() })) } };
  },
});

export const getDatasetEndpoint = defineEndpoint({
  method: "get",
  path: "/api/v1/datasets/{datasetId}",
  tags: ["datasets"],
  summary: "One snapshot: its state, filter, options, counts per split and format, and card figures (counts are empty until it is ready)",
  params: datasetParams,
  responses: { 200: { description: "The snapshot", schema: z.record(z.string(), z.unknown()) }, ...common },
  handler: async ({ actor, params }) => {
    const { template: _template, ...dataset } = await getDatasetRecord(db, actor, params.datasetId, "datasets.export");
    return { status: 200, body: dataset };
  },
});

export const getCardEndpoint = defineEndpoint({
  method: "get",
  path: "/api/v1/datasets/{datasetId}/card",
  tags: ["datasets"],
  summary: "The dataset card of an export (format, split) as JSON and as markdown",
  params: datasetParams,
  query: exportQuerySchema,
  responses: { 200: { description: "The card", schema: z.object({ card: z.record(z.string(), z.unknown()), markdown: z.string() }).meta({ id: "DatasetCard" }) }, ...common, 409: err("The snapshot is not built (queued, building or failed)") },
  handler: async ({ actor, params, query }) => {
    const dataset = await getDatasetRecord(db, actor, params.datasetId, "datasets.export");
    requireReady(dataset);
    const card = buildCard(dataset, query.format, query.split);
    return { status: 200, body: { card, markdown: cardMarkdown(card) } };
  },
});

export const exportDatasetEndpoint = defineEndpoint({
  method: "get",
  path: "/api/v1/datasets/{datasetId}/export",
  tags: ["datasets"],
  summary: "Download an export of a snapshot (streamed); the same request always gives the same bytes",
  description:
    "Formats: openai-chat, openai-preference, dpo, classification-csv, classification-jsonl, parquet, annotations-jsonl. " +
    "Rows a format cannot take are not written; the card (the `Link` header, rel=describedby) counts and lists them.",
  params: datasetParams,
  query: exportQuerySchema,
  responses: {
    200: {
      description: "The file, as an attachment",
      content: ["application/x-ndjson", "text/csv", "application/vnd.apache.parquet"],
      headers: {
        "Content-Disposition": "attachment with a safe file name: <name>-v<version>-<format>[-<split>].<ext>",
        "X-Loupe-Rows": "rows in the file",
        "X-Loupe-Invalid": "rows left out for breaking the format's rules",
        "X-Loupe-Content-Hash": "the snapshot's content hash",
        Link: "the dataset card of this export",
      },
    },
    ...common,
    409: { description: "The snapshot is not built (queued, building or failed)", schema: errorBodySchema },
  },
  handler: ({ actor, params, query, request }) => datasetFileResponse(db, actor, params.datasetId, query, { head: request.method === "HEAD" }),
});
