import { describe, expect, it } from "vitest";
import { db } from "~/db.server";
import { createApiKey } from "~/modules/api-keys/create-api-key.server";
import * as resolutionRoute from "~/routes/api.v1.items.$itemId.resolutions.$questionKey";
import * as qualityRoute from "~/routes/api.v1.projects.$projectId.quality";
import { makeDatasetProject } from "~test/support/dataset-project";
import { openApiDocument } from "./openapi.server";

async function get(projectId: string, key: string) {
  const request = new Request(`http://loupe.test/api/v1/projects/${projectId}/quality`, { headers: { authorization: `Bearer ${key}` } });
  const response = await qualityRoute.loader({ request, params: { projectId }, context: {} } as never);
  return { status: response.status, json: JSON.parse(await response.text()) };
}

async function adjudication(method: "PUT" | "DELETE", itemId: number, questionKey: string, key: string, body?: unknown) {
  const request = new Request(`http://loupe.test/api/v1/items/${itemId}/resolutions/${questionKey}`, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const response = await resolutionRoute.loader({ request, params: { itemId: String(itemId), questionKey }, context: {} } as never);
  return { status: response.status, json: JSON.parse(await response.text()) };
}

describe("PUT/DELETE /api/v1/items/:id/resolutions/:questionKey", () => {
  it("a manager's key settles the tied label and the item becomes resolved; bad values are 400 naming value; reviewers 403", async () => {
    const f = await makeDatasetProject();
    const tied = f.itemIds[4]!; // billing vs shipping
    const { key } = await createApiKey(db, f.manager.actor, { name: "script" });
    const bad = await adjudication("PUT", tied, "intent", key, { value: "refunds" });
    expect(bad.status).toBe(400);
    expect(bad.json.issues).toEqual([{ field: "value", message: "Expected one of: billing, shipping, other." }]);
    const neither = await adjudication("PUT", tied, "intent", key, {});
    expect(neither.json.issues).toEqual([{ field: "value", message: "Give either value or fromAnnotationId." }]);

    const reviewer = await createApiKey(db, f.reviewers[0]!.actor, { name: "r" });
    expect((await adjudication("PUT", tied, "intent", reviewer.key, { value: "billing" })).status).toBe(403);

    const settled = await adjudication("PUT", tied, "intent", key, { value: "billing" });
    expect(settled.status).toBe(200);
    expect(settled.json).toMatchObject({ status: "resolved", value: "billing", method: "adjudicated" });
    expect(Date.parse(settled.json.resolvedAt)).not.toBeNaN();

    const cleared = await adjudication("DELETE", tied, "intent", key);
    expect(cleared.json).toMatchObject({ status: "unresolved", value: null, method: "majority", resolvedAt: null });
    expect((await adjudication("DELETE", tied, "intent", key)).status).toBe(404);
  });
});

describe("GET /api/v1/projects/:id/quality", () => {
  it("answers per question the kind, counts and every metric as {value, reason}; reviewers are refused", async () => {
    const f = await makeDatasetProject();
    const { key } = await createApiKey(db, f.manager.actor, { name: "script" });
    const { status, json } = await get(f.projectId, key);
    expect(status).toBe(200);
    const intent = json.questions.find((q: { key: string }) => q.key === "intent");
    // Six items, two answers each; item 5 is a billing/shipping tie.
    expect(intent).toMatchObject({ kind: "choice", items: 6, annotations: 12, reviewers: 2, resolved: 5, unresolved: 1 });
    expect(intent.metrics.percentAgreement.value).toBeCloseTo(5 / 6, 10);
    expect(intent.metrics.cohensKappa).toMatchObject({ reason: null, basis: "6 item(s) both reviewers answered" });
    expect(intent.metrics.alphaOrdinal).toEqual({ value: null, reason: "The answers are categories without an order or a distance." });
    expect(intent.perReviewer.map((r: { reviewer: string }) => r.reviewer)).toEqual(["Rev One", "Rev Two"]);
    expect(json.questions.map((q: { key: string }) => q.key)).not.toContain("comment");

    const reviewer = await createApiKey(db, f.reviewers[0]!.actor, { name: "r" });
    expect((await get(f.projectId, reviewer.key)).status).toBe(403);
    expect((await get("00000000-0000-4000-8000-000000000000", key)).status).toBe(404);
  });

  it("is in the OpenAPI document with its report schema", () => {
    const doc = openApiDocument();
    const op = doc.paths!["/api/v1/projects/{projectId}/quality"]!.get!;
    expect(op.tags).toEqual(["quality"]);
    expect(JSON.stringify(doc.components?.schemas?.QualityReport)).toContain("QuestionQuality");
    expect(doc.components?.schemas?.Metric).toBeDefined();
    expect(doc.paths!["/api/v1/items/{itemId}/resolutions/{questionKey}"]!.put!.requestBody).toBeDefined();
  });
});
