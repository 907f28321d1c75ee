import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "~/db.server";
import { createApiKey } from "~/modules/api-keys/create-api-key.server";
import { createProvider } from "~/modules/llm/create-provider.server";
import * as sampleRoute from "~/routes/api.v1.coding-samples.$sampleId";
import * as agreementRoute from "~/routes/api.v1.coding-samples.$sampleId.agreement";
import * as samplesRoute from "~/routes/api.v1.projects.$projectId.coding-samples";
import * as suggestionsRoute from "~/routes/api.v1.projects.$projectId.theme-suggestions";
import * as trendsRoute from "~/routes/api.v1.projects.$projectId.theme-trends";
import * as decideRoute from "~/routes/api.v1.theme-suggestions.$suggestionId";
import { makeUser } from "~test/factories";
import { loadLlmTestEnv, stubProviderInput } from "~test/support/llm";
import { codeComment, makeResearchProject } from "~test/support/research-insight-project";
import { startLlmStub, type LlmStub } from "../../scripts/llm-stub/server";
import { openApiDocument } from "./openapi.server";

let stub: LlmStub;
beforeAll(async () => {
  loadLlmTestEnv();
  // why: the provider is the one network Loupe does not own; the stub speaks its wire format over real HTTP.
  stub = await startLlmStub({ respond: () => ({ content: JSON.stringify({ themes: [{ name: "Slow", quote: "slow", why: "It says slow." }, { name: "Nope", quote: "slow", why: "?" }] }) }) });
});
afterAll(() => stub.close());

type Route = { loader: (a: never) => Promise<Response> };
async function call(route: Route, method: string, path: string, key: string, options: { body?: unknown; params?: Record<string, string> } = {}) {
  const headers: Record<string, string> = { authorization: `Bearer ${key}` };
  if (options.body !== undefined) headers["content-type"] = "application/json";
  const request = new Request(`http://loupe.test${path}`, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) });
  const response = await route.loader({ request, params: options.params ?? {}, context: {} } as never);
  const text = await response.text();
  return { status: response.status, json: text ? JSON.parse(text) : undefined };
}

const comments = Array.from({ length: 6 }, (_, i) => ({ comment: `Too slow, try ${i}`, model: i % 2 ? "beta" : "alpha", occurredAt: new Date(Date.UTC(2026, 10, 2 + i)) }));

describe("/api/v1 coding samples and agreement", () => {
  it("a researcher draws a sample for two coders (201), lists it with progress, and reads κ and α per theme; bad input is 400 naming the field; reviewers 403", async () => {
    const f = await makeResearchProject(comments);
    const ann = (await createApiKey(db, f.ann.actor, { name: "a" })).key;
    const reviewer = (await createApiKey(db, f.reviewer.actor, { name: "r" })).key;
    const params = { projectId: f.projectId };
    const path = `/api/v1/projects/${f.projectId}/coding-samples`;
    const bad = await call(samplesRoute, "POST", path, ann, { params, body: { name: "S", size: 4, coderIds: [f.ann.id] } });
    expect(bad.status).toBe(400);
    expect(bad.json.issues).toEqual([{ field: "coderIds", message: "Name two or more coders." }]);
    expect((await call(samplesRoute, "POST", path, reviewer, { params, body: { name: "S", size: 4, coderIds: [f.ann.id, f.ben.id] } })).status).toBe(403);

    const created = await call(samplesRoute, "POST", path, ann, { params, body: { name: "Pilot", size: 6, seed: 3, coderIds: [f.ann.id, f.ben.id] } });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ name: "Pilot", size: 6, seed: 3, candidates: 6 });
    const sampleId = created.json.id as string;
    // Both coders finish every comment; Ann codes Slow on 0–2, Ben on 0–1 and 3.
    for (const [i, id] of f.feedbackIds.entries()) {
      await codeComment(f.projectId, f.ann.id, id, i <= 2 ? [f.themes.slow] : []);
      await codeComment(f.projectId, f.ben.id, id, i <= 1 || i === 3 ? [f.themes.slow] : []);
    }
    const listed = await call(samplesRoute, "GET", path, ann, { params });
    expect(listed.json.samples[0]).toMatchObject({ id: sampleId, size: 6, codedByTwoOrMore: 6 });
    expect(listed.json.samples[0].coders.map((c: { coded: number }) => c.coded)).toEqual([6, 6]);
    expect((await call(sampleRoute, "GET", `/api/v1/coding-samples/${sampleId}`, ann, { params: { sampleId } })).json.name).toBe("Pilot");

    const agreement = await call(agreementRoute, "GET", `/api/v1/coding-samples/${sampleId}/agreement`, ann, { params: { sampleId } });
    expect(agreement.status).toBe(200);
    const slow = agreement.json.agreement.themes.find((t: { name: string }) => t.name === "Slow");
    // Table: both yes 2, one each 1 + 1, neither 2 → po = 4/6, pe = .5·.5 + .5·.5 = .5, κ = 1/3.
    expect(slow.cohensKappa.value).toBeCloseTo(1 / 3, 12);
    expect(slow.cohensKappa.interval).toMatchObject({ level: 0.95, method: "bootstrap percentile" });
    expect(slow.n).toBe(6);
    const unused = agreement.json.agreement.themes.find((t: { name: string }) => t.name === "Wrong answer");
    expect(unused.alpha).toMatchObject({ value: null, reason: expect.stringContaining("No coder used this theme") });
    expect((await call(agreementRoute, "GET", `/api/v1/coding-samples/${sampleId}/agreement`, reviewer, { params: { sampleId } })).status).toBe(403);
    expect((await call(agreementRoute, "GET", "/api/v1/coding-samples/x/agreement", ann, { params: { sampleId: "x" } })).status).toBe(400);
  });
});

describe("/api/v1 theme trends and suggestions", () => {
  it("trends answer shares with intervals by model; an engineer asks for suggestions, a researcher accepts one", async () => {
    const f = await makeResearchProject(comments);
    const ann = (await createApiKey(db, f.ann.actor, { name: "a" })).key;
    const engineer = (await createApiKey(db, f.engineer.actor, { name: "e" })).key;
    await codeComment(f.projectId, f.ann.id, f.feedbackIds[0]!, [f.themes.slow]);
    await codeComment(f.projectId, f.ann.id, f.feedbackIds[1]!, []);
    const params = { projectId: f.projectId };
    const trends = await call(trendsRoute, "GET", `/api/v1/projects/${f.projectId}/theme-trends?groupBy=model&minCount=1`, ann, { params });
    expect(trends.status).toBe(200);
    const slow = trends.json.themes.find((t: { name: string }) => t.name === "Slow");
    expect(slow.groups.map((g: { group: string; share: { value: number } }) => [g.group, g.share.value])).toEqual([
      ["alpha", 1],
      ["beta", 0],
    ]);
    expect(slow.groups[0].share.interval.method).toBe("Wilson score");
    expect((await call(trendsRoute, "GET", `/api/v1/projects/${f.projectId}/theme-trends?interval=month`, ann, { params })).status).toBe(400);

    const admin = await makeUser({ isAdmin: true });
    const provider = await createProvider(db, admin.actor, stubProviderInput(stub));
    const path = `/api/v1/projects/${f.projectId}/theme-suggestions`;
    const body = { providerId: provider.id, model: "loupe-stub-small", limit: 2 };
    expect((await call(suggestionsRoute, "POST", path, ann, { params, body })).status).toBe(403);
    const asked = await call(suggestionsRoute, "POST", path, engineer, { params, body });
    expect(asked.status).toBe(200);
    expect(asked.json).toMatchObject({ asked: 2, stored: 2, droppedUnknownTheme: 2, droppedQuoteNotFound: 0, failed: [] });
    const pending = await call(suggestionsRoute, "GET", path, ann, { params });
    expect(pending.json.total).toBe(2);
    const first = pending.json.suggestions[0];
    expect(first.comment.slice(first.quoteStart, first.quoteEnd)).toBe("slow");
    const suggestionId = first.id as string;
    const decided = await call(decideRoute, "POST", `/api/v1/theme-suggestions/${suggestionId}`, ann, { params: { suggestionId }, body: { decision: "accept" } });
    expect(decided).toMatchObject({ status: 200, json: { state: "accepted", coding: { coderId: f.ann.id, origin: "llm" } } });
    expect((await call(decideRoute, "POST", `/api/v1/theme-suggestions/${suggestionId}`, ann, { params: { suggestionId }, body: { decision: "reject" } })).status).toBe(409);
    const wrong = await call(decideRoute, "POST", `/api/v1/theme-suggestions/${suggestionId}`, ann, { params: { suggestionId }, body: { decision: "maybe" } });
    expect(wrong.json.issues).toEqual([{ field: "decision", message: "Expected decision to be accept or reject." }]);
  });

  it("is in the OpenAPI document", () => {
    const doc = openApiDocument();
    for (const p of [
      "/api/v1/projects/{projectId}/coding-samples",
      "/api/v1/coding-samples/{sampleId}",
      "/api/v1/coding-samples/{sampleId}/agreement",
      "/api/v1/projects/{projectId}/theme-trends",
      "/api/v1/projects/{projectId}/theme-suggestions",
      "/api/v1/theme-suggestions/{suggestionId}",
    ]) {
      expect(doc.paths![p], p).toBeDefined();
    }
    expect(doc.components?.schemas?.ThemeAgreement).toBeDefined();
  });
});
