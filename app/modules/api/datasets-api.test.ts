import { describe, expect, it } from "vitest";
import { db } from "~/db.server";
import { createApiKey } from "~/modules/api-keys/create-api-key.server";
import * as cardRoute from "~/routes/api.v1.datasets.$datasetId.card";
import * as datasetRoute from "~/routes/api.v1.datasets.$datasetId";
import * as datasetsRoute from "~/routes/api.v1.projects.$projectId.datasets";
import { makeDatasetProject } from "~test/support/dataset-project";
import { openApiDocument } from "./openapi.server";

type Route = { loader: (a: never) => Promise<Response> };

async function call(route: Route, method: string, url: string, key: string, params: Record<string, string>, body?: unknown) {
  const request = new Request(`http://loupe.test${url}`, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const response = await route.loader({ request, params, context: {} } as never);
  const text = await response.text();
  return { status: response.status, json: text ? JSON.parse(text) : undefined };
}

describe("/api/v1 datasets", () => {
  it("POST makes a snapshot from {name, filter, options} and answers {id, version, counts}; GET lists it and its card", async () => {
    const f = await makeDatasetProject();
    const { key } = await createApiKey(db, f.manager.actor, { name: "script" });
    const params = { projectId: f.projectId };
    const url = `/api/v1/projects/${f.projectId}/datasets`;
    const first = await call(datasetsRoute, "POST", url, key, params, { name: "By script", filter: {}, options: { labelQuestion: "intent" } });
    expect(first.status).toBe(201);
    expect(first.json).toMatchObject({ name: "By script", version: 1, counts: { items: 5, annotations: 10 } });
    expect(first.json.counts.train + first.json.counts.validation + first.json.counts.test).toBe(5);
    const second = await call(datasetsRoute, "POST", url, key, params, { name: "By script", filter: { ratings: [{ question: "quality", min: 4 }] } });
    expect(second.json).toMatchObject({ version: 2, counts: { items: 3 } });

    const list = await call(datasetsRoute, "GET", url, key, params);
    expect(list.json.datasets.map((d: { version: number; items: number }) => [d.version, d.items])).toEqual([[2, 3], [1, 5]]);
    const one = await call(datasetRoute, "GET", `/api/v1/datasets/${first.json.id}`, key, { datasetId: first.json.id });
    expect(one.json).toMatchObject({ id: first.json.id, filter: { status: "resolved" }, options: { labelQuestion: "intent", split: { seed: 42 } } });
    const card = await call(cardRoute, "GET", `/api/v1/datasets/${first.json.id}/card?format=classification-csv&split=train`, key, { datasetId: first.json.id });
    expect(card.status).toBe(200);
    expect(card.json.card.export).toMatchObject({ format: "classification-csv", split: "train" });
    expect(card.json.markdown).toContain("# By script — version 1");
  });

  it("names the bad field of a filter, and refuses reviewers", async () => {
    const f = await makeDatasetProject();
    const { key } = await createApiKey(db, f.manager.actor, { name: "script" });
    const url = `/api/v1/projects/${f.projectId}/datasets`;
    const bad = await call(datasetsRoute, "POST", url, key, { projectId: f.projectId }, { name: "x", filter: { agreement: { min: 2 } } });
    expect(bad.status).toBe(400);
    expect(bad.json.issues).toEqual([{ field: "filter.agreement.min", message: "Expected a number from 0 to 1." }]);
    const reviewer = await createApiKey(db, f.reviewers[0]!.actor, { name: "r" });
    expect((await call(datasetsRoute, "POST", url, reviewer.key, { projectId: f.projectId }, { name: "x" })).status).toBe(403);
  });

  it("documents the JSON endpoints with their schemas and the streamed export with its formats", () => {
    const doc = openApiDocument();
    const post = doc.paths!["/api/v1/projects/{projectId}/datasets"]!.post!;
    expect(post.requestBody).toBeDefined();
    const exportPath = doc.paths!["/api/v1/datasets/{datasetId}/export"]!.get!;
    const format = exportPath.parameters!.find((p) => "name" in p && p.name === "format") as { schema: { enum: string[] } };
    expect(format.schema.enum).toContain("openai-preference");
    expect(Object.keys((exportPath.responses!["200"] as { content: object }).content)).toEqual(["application/x-ndjson", "text/csv", "application/vnd.apache.parquet"]);
  });
});
