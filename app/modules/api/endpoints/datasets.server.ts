import { z } from "zod";
import { db } from "~/db.server";
import { buildCard, cardMarkdown } from "~/modules/datasets/card";
import { createDataset } from "~/modules/datasets/create-dataset.server";
import { getDatasetRecord, listDatasets } from "~/modules/datasets/queries.server";
import { exportQuerySchema, newDatasetSchema } from "~/modules/datasets/schemas";
import { defineEndpoint, defineStreamedEndpoint, errorBodySchema } from "../define.server";

const err = (description: string) => ({ description, schema: errorBodySchema });
const common = { 400: err("Invalid input; `issues` names each field"), 401: err("Missing, invalid or revoked API key"), 404: err("Not found, or not visible to you") };
const projectParams = z.object({ projectId: z.uuid({ error: "Expected a project id (a UUID)." }) });
const datasetParams = z.object({ datasetId: z.uuid({ error: "Expected a dataset id (a UUID)." }) });
const perSplit = { train: z.int(), validation: z.int(), test: z.int() };

const createdSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    version: z.int().describe("1 for a new name, then one more each time the name is saved again"),
    contentHash: z.string().describe("SHA-256 of the options, the template's questions and every frozen line (items, each format's rows, annotations): it changes whenever an export's bytes could"),
    counts: z.object({ items: z.int(), ...perSplit, annotations: z.int() }),
  })
  .meta({ id: "CreatedDataset" });

export const createDatasetEndpoint = defineEndpoint({
  method: "post",
  path: "/api/v1/projects/{projectId}/datasets",
  tags: ["datasets"],
  summary: "Freeze a dataset snapshot: {name, filter, options}; an empty filter takes every resolved item",
  description:
    "The filter and options are those of the dataset builder. The snapshot is immutable: input, outputs, consensus and annotations are copied " +
    "(redacted when `options.redactPii`), split by a seeded, per-label stratified shuffle. Saving a name again makes its next version.",
  params: projectParams,
  body: newDatasetSchema.meta({ id: "NewDataset" }),
  responses: { 201: { description: "The snapshot", schema: createdSchema }, ...common, 403: err("Your role may not build datasets"), 409: err("The project has no template yet") },
  handler: async ({ actor, params, body }) => ({ status: 201, body: await createDataset(db, actor, params.projectId, body) }),
});

const summarySchema = z
  .object({ id: z.uuid(), name: z.string(), version: z.int(), items: z.int(), ...perSplit, contentHash: z.string(), createdByName: z.string(), createdAt: z.iso.datetime() })
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
  summary: "One snapshot: its filter, options, counts per split and format, and card figures",
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
  responses: { 200: { description: "The card", schema: z.object({ card: z.record(z.string(), z.unknown()), markdown: z.string() }).meta({ id: "DatasetCard" }) }, ...common },
  handler: async ({ actor, params, query }) => {
    const card = buildCard(await getDatasetRecord(db, actor, params.datasetId, "datasets.export"), query.format, query.split);
    return { status: 200, body: { card, markdown: cardMarkdown(card) } };
  },
});

export const exportDatasetEndpoint = defineStreamedEndpoint({
  method: "get",
  path: "/api/v1/datasets/{datasetId}/export",
  tags: ["datasets"],
  summary: "Download an export of a snapshot (streamed); the same request always gives the same bytes",
  description:
    "Formats: openai-chat, openai-preference, dpo, classification-csv, classification-jsonl, parquet, annotations-jsonl. " +
    "Rows that break a format's rules are not written; the card (the `Link` header, rel=describedby) counts and lists them.",
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
  },
});
