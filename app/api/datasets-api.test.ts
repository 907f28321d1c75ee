import { describe, expect, it } from "vitest";
import { db, sqlOf } from "~/db.server";
import { createApiKey } from "~/modules/api-keys/create-api-key.server";
import { INTERRUPTED_BUILD } from "~/modules/datasets/interrupted-builds.server";
import { requestDataset } from "~/modules/datasets/request-dataset.server";
import * as cardRoute from "~/routes/api.v1.datasets.$datasetId.card";
import * as datasetRoute from "~/routes/api.v1.datasets.$datasetId";
import * as retryRoute from "~/routes/api.v1.datasets.$datasetId.retry";
import * as statusRoute from "~/routes/api.v1.datasets.$datasetId.status";
import * as datasetsRoute from "~/routes/api.v1.projects.$projectId.datasets";
import { makeDatasetProject } from "~test/support/dataset-project";
import { waitFor } from "~test/support/wait-for";
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
  return { status: response.status, headers: response.headers, json: text ? JSON.parse(text) : undefined };
}

/** Follows a build's status URL (as a client would) until it is ready or failed. */
const settled = (key: string, id: string) =>
  waitFor(
    () => call(statusRoute, "GET", `/api/v1/datasets/${id}/status`, key, { datasetId: id }),
    (s) => s.json.state === "ready" || s.json.state === "failed",
    `dataset ${id} to be built`,
  );

describe("/api/v1 datasets", () => {
  it("POST answers 202 with the dataset and its status URL; the build runs in the background; then GET lists it and its card", async () => {
    const f = await makeDatasetProject();
    const { key } = await createApiKey(db, f.manager.actor, { name: "script" });
    const params = { projectId: f.projectId };
    const url = `/api/v1/projects/${f.projectId}/datasets`;
    const first = await call(datasetsRoute, "POST", url, key, params, { name: "By script", filter: {}, options: { labelQuestion: "intent" } });
    expect(first.status).toBe(202);
    expect(first.json).toMatchObject({ name: "By script", version: 1, state: "queued", status: `/api/v1/datasets/${first.json.id}/status` });
    expect(first.headers.get("location")).toBe(first.json.status);

    const done = await settled(key, first.json.id);
    expect(done.json).toMatchObject({ state: "ready", progress: { done: 5, total: 5 }, message: null, counts: { items: 5, annotations: 10 } });
    expect(done.json.counts.train + done.json.counts.validation + done.json.counts.test).toBe(5);
    expect(done.json.contentHash).toMatch(/^[0-9a-f]{64}$/);
    const second = await call(datasetsRoute, "POST", url, key, params, { name: "By script", filter: { ratings: [{ question: "quality", min: 4 }] } });
    expect(second.json).toMatchObject({ version: 2, state: "queued" });
    expect((await settled(key, second.json.id)).json).toMatchObject({ state: "ready", counts: { items: 3 } });

    const list = await call(datasetsRoute, "GET", url, key, params);
    expect(list.json.datasets.map((d: { version: number; items: number; state: string }) => [d.version, d.items, d.state])).toEqual([[2, 3, "ready"], [1, 5, "ready"]]);
    const one = await call(datasetRoute, "GET", `/api/v1/datasets/${first.json.id}`, key, { datasetId: first.json.id });
    expect(one.json).toMatchObject({ id: first.json.id, state: "ready", filter: { status: "resolved" }, options: { labelQuestion: "intent", split: { seed: 42 } } });
    const card = await call(cardRoute, "GET", `/api/v1/datasets/${first.json.id}/card?format=classification-csv&split=train`, key, { datasetId: first.json.id });
    expect(card.status).toBe(200);
    expect(card.json.card.export).toMatchObject({ format: "classification-csv", split: "train" });
    expect(card.json.markdown).toContain("# By script — version 1");
  });

  it("refuses to export or describe a snapshot that is not built yet (409), and says where its build is", async () => {
    const f = await makeDatasetProject();
    const { key } = await createApiKey(db, f.manager.actor, { name: "script" });
    // Asked for but not handed to a builder: it stays queued.
    const queued = await requestDataset(db, f.manager.actor, f.projectId, { name: "Waiting" });
    const status = await call(statusRoute, "GET", `/api/v1/datasets/${queued.id}/status`, key, { datasetId: queued.id });
    expect(status.json).toMatchObject({ state: "queued", progress: { done: 0, total: null }, counts: null, contentHash: null });
    const card = await call(cardRoute, "GET", `/api/v1/datasets/${queued.id}/card?format=openai-chat`, key, { datasetId: queued.id });
    expect(card).toMatchObject({ status: 409, json: { error: `Waiting v1 is still being built, so it cannot be exported yet. Its progress: GET /api/v1/datasets/${queued.id}/status; export it once it is ready.` } });
  });

  it("a build whose process died is failed at the next look, with nothing of it kept; retry builds it, and only a failed one can be retried", async () => {
    const f = await makeDatasetProject();
    const { key } = await createApiKey(db, f.manager.actor, { name: "script" });
    // A build that died: the row says building, but no process holds its build lock.
    const dead = await requestDataset(db, f.manager.actor, f.projectId, { name: "Crashed" });
    await sqlOf(db)`update datasets set state = 'building', started_at = now() where id = ${dead.id}`;
    const status = await call(statusRoute, "GET", `/api/v1/datasets/${dead.id}/status`, key, { datasetId: dead.id });
    expect(status.json).toMatchObject({ state: "failed", message: INTERRUPTED_BUILD });
    const [{ lines }] = await sqlOf(db)<[{ lines: number }]>`select count(*)::int as lines from dataset_lines where dataset_id = ${dead.id}`;
    expect(lines).toBe(0);

    const retried = await call(retryRoute, "POST", `/api/v1/datasets/${dead.id}/retry`, key, { datasetId: dead.id });
    expect(retried).toMatchObject({ status: 202, json: { id: dead.id, name: "Crashed", version: 1, state: "queued" } });
    expect((await settled(key, dead.id)).json).toMatchObject({ state: "ready", message: null, counts: { items: 5 } });
    const again = await call(retryRoute, "POST", `/api/v1/datasets/${dead.id}/retry`, key, { datasetId: dead.id });
    expect(again).toMatchObject({ status: 409, json: { error: "Crashed v1 is built already; nothing to retry." } });
    const reviewer = await createApiKey(db, f.reviewers[0]!.actor, { name: "r" });
    expect((await call(retryRoute, "POST", `/api/v1/datasets/${dead.id}/retry`, reviewer.key, { datasetId: dead.id })).status).toBe(403);
  });

  it("names the bad field of a filter, and refuses reviewers", async () => {
    const f = await makeDatasetProject();
    const { key } = await createApiKey(db, f.manager.actor, { name: "script" });
    const url = `/api/v1/projects/${f.projectId}/datasets`;
    const bad = await call(datasetsRoute, "POST", url, key, { projectId: f.projectId }, { name: "x", filter: { agreement: { min: 2 } } });
    expect(bad.status).toBe(400);
    expect(bad.json.issues).toEqual([{ field: "filter.agreement.min", message: "Expected a number from 0 to 1." }]);
    const unknown = await call(datasetsRoute, "POST", url, key, { projectId: f.projectId }, { name: "x", filter: { ratings: [{ question: "nope", min: 1 }] } });
    expect(unknown).toMatchObject({ status: 400, json: { issues: [{ field: "filter.ratings.0.question" }] } });
    const reviewer = await createApiKey(db, f.reviewers[0]!.actor, { name: "r" });
    expect((await call(datasetsRoute, "POST", url, reviewer.key, { projectId: f.projectId }, { name: "x" })).status).toBe(403);
    const [{ count }] = await sqlOf(db)<[{ count: number }]>`select count(*)::int from datasets where project_id = ${f.projectId}`;
    expect(count).toBe(0);
  });

  it("documents the JSON endpoints with their schemas and the streamed export with its formats", () => {
    const doc = openApiDocument();
    const post = doc.paths!["/api/v1/projects/{projectId}/datasets"]!.post!;
    expect(post.requestBody).toBeDefined();
    expect(Object.keys(post.responses!)).toContain("202");
    expect(doc.paths!["/api/v1/datasets/{datasetId}/status"]!.get).toBeDefined();
    expect(doc.paths!["/api/v1/datasets/{datasetId}/retry"]!.post).toBeDefined();
    const exportPath = doc.paths!["/api/v1/datasets/{datasetId}/export"]!.get!;
    const format = exportPath.parameters!.find((p) => "name" in p && p.name === "format") as { schema: { enum: string[] } };
    expect(format.schema.enum).toContain("openai-preference");
    expect(Object.keys((exportPath.responses!["200"] as { content: object }).content)).toEqual(["application/x-ndjson", "text/csv", "application/vnd.apache.parquet"]);
  });
});
