import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { db } from "~/db.server";
import { createApiKey } from "~/modules/api-keys/create-api-key.server";
import { addItems } from "~/modules/items/add-items.server";
import { addMember } from "~/modules/projects/add-member.server";
import { createProject } from "~/modules/projects/create-project.server";
import { saveTemplate } from "~/modules/templates/save-template.server";
import * as classifierRoute from "~/routes/api.v1.projects.$projectId.classifier";
import * as modelsRoute from "~/routes/api.v1.projects.$projectId.classifier.models";
import * as modelRoute from "~/routes/api.v1.classifier-models.$modelId";
import * as routingRoute from "~/routes/api.v1.projects.$projectId.routing";
import * as applyRoute from "~/routes/api.v1.projects.$projectId.routing.apply";
import { makeUser } from "~test/factories";
import { waitFor } from "~test/support/wait-for";
import { openApiDocument } from "./openapi.server";

type Route = { loader: (args: never) => Promise<Response>; action?: (args: never) => Promise<Response> };
async function call(route: Route, method: string, url: string, params: Record<string, string>, key: string, body?: unknown) {
  const request = new Request(`http://loupe.test${url}`, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body ? { "content-type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const handler = method === "GET" ? route.loader : route.action!;
  const response = await handler({ request, params, context: {} } as never);
  return { status: response.status, json: JSON.parse(await response.text()), location: response.headers.get("location") };
}

const intents = ["billing", "shipping"] as const;

describe("the classifier API", () => {
  it("managers set it up and train; the model trains in the background and is read back with its evaluation; reviewers 403, strangers 404", async () => {
    const manager = await makeUser();
    const reviewer = await makeUser();
    const project = await createProject(db, manager.actor, { name: `Classifier API ${randomUUID().slice(0, 8)}` });
    await addMember(db, manager.actor, project.id, { email: reviewer.email, role: "reviewer" });
    await saveTemplate(db, manager.actor, project.id, { questions: [{ key: "intent", kind: "choice", text: "Intent", options: intents.map((value) => ({ value })) }] });
    await addItems(
      db,
      manager.actor,
      project.id,
      Array.from({ length: 24 }, (_, i) => ({ input: `${i % 2 ? "parcel delivery courier" : "invoice refund charge"} case ${i}`, outputs: [], gold: { intent: intents[i % 2]! } })),
    );
    await addItems(db, manager.actor, project.id, [{ input: "where is my parcel courier", outputs: [] }]);
    const { key } = await createApiKey(db, manager.actor, { name: "script" });
    const base = `/api/v1/projects/${project.id}/classifier`;

    const bad = await call(classifierRoute, "PUT", base, { projectId: project.id }, key, { questionKey: "nope", retrainEvery: 3 });
    expect(bad.status).toBe(400);
    expect(bad.json.issues).toEqual(
      expect.arrayContaining([
        { field: "retrainEvery", message: "At least 10 labels between retrainings." },
      ]),
    );
    const saved = await call(classifierRoute, "PUT", base, { projectId: project.id }, key, { questionKey: "intent" });
    expect(saved).toMatchObject({ status: 200, json: { questionKey: "intent", includeLlm: false, retrainEvery: null } });

    const accepted = await call(modelsRoute, "POST", `${base}/models`, { projectId: project.id }, key);
    expect(accepted).toMatchObject({ status: 202, json: { version: 1, state: "queued", labels: 24 } });
    expect(accepted.location).toBe(`/api/v1/classifier-models/${accepted.json.id}`);
    const modelId = accepted.json.id as string;
    const model = await waitFor(
      () => call(modelRoute, "GET", accepted.location!, { modelId }, key),
      (got) => got.json.state === "ready" || got.json.state === "failed",
      "the model to finish training",
    );
    expect(model.json).toMatchObject({ state: "ready", version: 1, labelCount: 24, predicted: 1, summary: { labels: { gold: 24 } } });
    expect(model.json.evaluation.report.accuracy.value).toBeGreaterThan(0.5);
    expect(JSON.stringify(model.json)).not.toContain('"model":');

    const overview = await call(classifierRoute, "GET", base, { projectId: project.id }, key);
    expect(overview.json).toMatchObject({ settings: { questionKey: "intent" }, canTrain: true, models: [{ id: modelId, state: "ready" }], current: { id: modelId } });

    // Routing: a policy that trusts every prediction machine-labels the one unlabelled item.
    const routingUrl = `/api/v1/projects/${project.id}/routing`;
    const badPolicy = await call(routingRoute, "PUT", routingUrl, { projectId: project.id }, key, { high: 0.5, low: 0.8 });
    expect(badPolicy).toMatchObject({ status: 400, json: { issues: [{ field: "low", message: "The low threshold must not be above the high one." }] } });
    expect((await call(routingRoute, "PUT", routingUrl, { projectId: project.id }, key, { high: 0, low: 0, spotCheck: 0 })).status).toBe(200);
    const routing = await call(routingRoute, "GET", routingUrl, { projectId: project.id }, key);
    expect(routing.json).toMatchObject({ policy: { high: 0, low: 0, spotCheck: 0, llm: null }, model: { id: modelId, version: 1 }, counts: { classifier: 1, people: 0 }, labelled: { classifier: 0, llm: 0 } });
    const applied = await call(applyRoute, "POST", `${routingUrl}/apply`, { projectId: project.id }, key);
    expect(applied).toMatchObject({ status: 200, json: { labelled: { classifier: 1, llm: 0 }, asked: null, people: 0 } });
    expect((await call(routingRoute, "GET", routingUrl, { projectId: project.id }, key)).json).toMatchObject({ counts: { classifier: 0 }, labelled: { classifier: 1 } });

    const reviewerKey = (await createApiKey(db, reviewer.actor, { name: "r" })).key;
    expect((await call(routingRoute, "PUT", routingUrl, { projectId: project.id }, reviewerKey, { high: 1, low: 0 })).status).toBe(403);
    const refused = await call(modelsRoute, "POST", `${base}/models`, { projectId: project.id }, reviewerKey);
    expect(refused).toMatchObject({ status: 403, json: { error: "Only managers and engineers can train and configure the classifier." } });
    expect((await call(modelRoute, "GET", accepted.location!, { modelId }, reviewerKey)).status).toBe(403);
    const strangerKey = (await createApiKey(db, (await makeUser()).actor, { name: "s" })).key;
    expect((await call(modelRoute, "GET", accepted.location!, { modelId }, strangerKey)).status).toBe(404);
    expect((await call(classifierRoute, "GET", base, { projectId: project.id }, strangerKey)).status).toBe(404);
  });

  it("is in the OpenAPI document", () => {
    const doc = openApiDocument();
    expect(Object.keys(doc.paths!["/api/v1/projects/{projectId}/classifier"]!)).toEqual(expect.arrayContaining(["get", "put"]));
    expect(doc.paths!["/api/v1/projects/{projectId}/classifier/models"]!.post!.tags).toEqual(["classifier"]);
    expect(doc.components?.schemas?.ClassifierModel).toBeDefined();
  });
});
