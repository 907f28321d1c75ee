import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "~/db.server";
import { createApiKey } from "~/modules/api-keys/create-api-key.server";
import { addMember } from "~/modules/projects/add-member.server";
import * as runRoute from "~/routes/api.v1.llm-runs.$runId";
import * as cancelRoute from "~/routes/api.v1.llm-runs.$runId.cancel";
import * as retryRoute from "~/routes/api.v1.llm-runs.$runId.retry-failed";
import * as projectRunsRoute from "~/routes/api.v1.projects.$projectId.llm-runs";
import { makeUser } from "~test/factories";
import { loadLlmTestEnv } from "~test/support/llm";
import { llmRunProject } from "~test/support/llm-run-project";
import { waitFor } from "~test/support/wait-for";
import { startLlmStub, type LlmStub, type StubAnswer } from "../../scripts/llm-stub/server";
import { openApiDocument } from "./openapi.server";

const KEY = "sk-loupe-RECOGNISABLE-runs-7a1d";
let stub: LlmStub;
let respond: (() => StubAnswer | undefined) | undefined;
beforeAll(async () => {
  loadLlmTestEnv();
  // why: the provider is the one network Loupe does not own; the stub demands the key, so its 401 echoes a wrong one.
  stub = await startLlmStub({ apiKey: KEY, respond: () => respond?.() });
});
afterAll(() => stub.close());

type Route = { loader: (a: never) => Promise<Response> };

async function call(route: Route, method: string, path: string, key: string, options: { body?: unknown; params?: Record<string, string> } = {}) {
  const headers: Record<string, string> = { authorization: `Bearer ${key}` };
  if (options.body !== undefined) headers["content-type"] = "application/json";
  const request = new Request(`http://loupe.test${path}`, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) });
  const response = await route.loader({ request, params: options.params ?? {}, context: {} } as never);
  const text = await response.text();
  return { status: response.status, text, headers: response.headers, json: text ? JSON.parse(text) : undefined };
}

async function setUp(items = 3, apiKey = KEY) {
  const p = await llmRunProject(stub, { items, provider: { apiKey: { source: "stored", value: apiKey } } });
  const managerKey = (await createApiKey(db, p.manager.actor, { name: "runs" })).key;
  const member = async (role: "engineer" | "reviewer") => {
    const user = await makeUser();
    await addMember(db, p.manager.actor, p.projectId, { email: user.email, role });
    return (await createApiKey(db, user.actor, { name: role })).key;
  };
  return { ...p, managerKey, member };
}

const status = (runId: string, key: string) => call(runRoute, "GET", `/api/v1/llm-runs/${runId}`, key, { params: { runId } });
const finished = (runId: string, key: string) =>
  waitFor(() => status(runId, key), (r) => ["done", "failed", "cancelled"].includes(r.json?.state), "the run to end");

describe("/api/v1 LLM runs", () => {
  it("an engineer starts a generation run (202 + status URL) and follows it to done: counts, tokens, spend, rate", async () => {
    const p = await setUp(3);
    const engineer = await p.member("engineer");
    const created = await call(projectRunsRoute, "POST", `/api/v1/projects/${p.projectId}/llm-runs`, engineer, {
      params: { projectId: p.projectId },
      body: { kind: "generate", providerId: p.provider.id, model: "loupe-stub-small", promptVersionId: p.generate.id, filter: { type: "metadata", field: "segment", value: "even" } },
    });
    expect(created.status).toBe(202);
    expect(created.json).toEqual({ id: expect.any(String), kind: "generate", state: "queued", total: 2, status: `/api/v1/llm-runs/${created.json.id}` });
    expect(created.headers.get("location")).toBe(created.json.status);

    const done = await finished(created.json.id, engineer);
    expect(done.status).toBe(200);
    expect(done.json).toMatchObject({
      kind: "generate",
      state: "done",
      message: null,
      provider: { id: p.provider.id, name: p.provider.name },
      model: "loupe-stub-small",
      promptVersion: { id: p.generate.id, name: "Answer", version: 1 },
      filter: { type: "metadata", field: "segment", value: "even" },
      counts: { total: 2, done: 2, failed: 0, left: 0 },
      costComplete: true,
      secondsLeft: 0,
      failures: [],
      nextFailuresAfter: null,
    });
    expect(done.json.tokens.input).toBeGreaterThan(0);
    expect(done.json.costUsd).toBeGreaterThan(0);
    expect(done.json.itemsPerSecond).toBeGreaterThan(0);

    const list = await call(projectRunsRoute, "GET", `/api/v1/projects/${p.projectId}/llm-runs`, engineer, { params: { projectId: p.projectId } });
    expect(list.json.runs.map((r: { id: string }) => r.id)).toEqual([created.json.id]);
    const again = await call(cancelRoute, "POST", `/api/v1/llm-runs/${created.json.id}/cancel`, engineer, { params: { runId: created.json.id } });
    expect(again).toMatchObject({ status: 409, json: { error: "The run is done; only a queued or running run can be cancelled." } });
    const retry = await call(retryRoute, "POST", `/api/v1/llm-runs/${created.json.id}/retry-failed`, engineer, { params: { runId: created.json.id } });
    expect(retry).toMatchObject({ status: 409, json: { error: "No item of this run failed or is left to do." } });
  });

  it("lists failed items with the provider's error, never the key; retry-failed asks them again", async () => {
    const p = await setUp(2, `${KEY}-wrong`);
    const created = await call(projectRunsRoute, "POST", `/api/v1/projects/${p.projectId}/llm-runs`, p.managerKey, {
      params: { projectId: p.projectId },
      body: { kind: "judge", providerId: p.provider.id, model: "loupe-stub-small", promptVersionId: p.judge.id },
    });
    const failed = await finished(created.json.id, p.managerKey);
    expect(failed.json).toMatchObject({ state: "done", counts: { total: 2, done: 0, failed: 2, left: 0 } });
    expect(failed.json.failures).toEqual(p.itemIds.map((itemId) => ({ itemId, error: "401: Incorrect API key provided: [redacted].", attempts: 1 })));
    expect(failed.text).not.toContain("RECOGNISABLE");

    const paged = await call(runRoute, "GET", `/api/v1/llm-runs/${created.json.id}?limit=1`, p.managerKey, { params: { runId: created.json.id } });
    expect(paged.json.failures.map((f: { itemId: number }) => f.itemId)).toEqual([p.itemIds[0]]);
    expect(paged.json.nextFailuresAfter).toBe(p.itemIds[0]);

    const retried = await call(retryRoute, "POST", `/api/v1/llm-runs/${created.json.id}/retry-failed`, p.managerKey, { params: { runId: created.json.id } });
    expect(retried).toMatchObject({ status: 202, json: { id: created.json.id, state: "queued", retried: 2 } });
    const again = await finished(created.json.id, p.managerKey);
    expect(again.json.counts).toEqual({ total: 2, done: 0, failed: 2, left: 0 });
  });

  it("cancel stops a running run", async () => {
    const p = await setUp(4);
    const calls = () => stub.requests.filter((r) => r.path === "/v1/chat/completions" && r.headers.authorization === `Bearer ${KEY}`).length;
    const before = calls();
    respond = () => ({ delayMs: 60_000 });
    try {
      const created = await call(projectRunsRoute, "POST", `/api/v1/projects/${p.projectId}/llm-runs`, p.managerKey, {
        params: { projectId: p.projectId },
        body: { kind: "generate", providerId: p.provider.id, model: "loupe-stub-small", promptVersionId: p.generate.id },
      });
      await waitFor(async () => calls() - before, (n) => n > 0, "a call in flight");
      const cancelled = await call(cancelRoute, "POST", `/api/v1/llm-runs/${created.json.id}/cancel`, p.managerKey, { params: { runId: created.json.id } });
      expect(cancelled).toMatchObject({ status: 200, json: { id: created.json.id, state: "cancelled" } });
      const end = await finished(created.json.id, p.managerKey);
      expect(end.json).toMatchObject({ state: "cancelled", counts: { done: 0 } });
    } finally {
      respond = undefined;
    }
  });

  it("refuses reviewers (403) and strangers (404), and names the field of a bad request", async () => {
    const p = await setUp(1);
    const reviewer = await p.member("reviewer");
    const body = { kind: "generate", providerId: p.provider.id, model: "loupe-stub-small", promptVersionId: p.generate.id };
    const path = `/api/v1/projects/${p.projectId}/llm-runs`;
    const refused = await call(projectRunsRoute, "POST", path, reviewer, { params: { projectId: p.projectId }, body });
    expect(refused).toMatchObject({ status: 403, json: { error: "Only managers and engineers can run LLM generations and judges." } });
    const stranger = (await createApiKey(db, (await makeUser()).actor, { name: "x" })).key;
    expect((await call(projectRunsRoute, "POST", path, stranger, { params: { projectId: p.projectId }, body })).status).toBe(404);

    const created = await call(projectRunsRoute, "POST", path, p.managerKey, { params: { projectId: p.projectId }, body });
    await finished(created.json.id, p.managerKey);
    expect((await status(created.json.id, reviewer)).status).toBe(403);
    expect((await status(created.json.id, stranger)).json).toEqual({ error: "No such LLM run." });
    expect((await call(cancelRoute, "POST", `/api/v1/llm-runs/${created.json.id}/cancel`, reviewer, { params: { runId: created.json.id } })).status).toBe(403);

    const bad = async (change: Record<string, unknown>) => (await call(projectRunsRoute, "POST", path, p.managerKey, { params: { projectId: p.projectId }, body: { ...body, ...change } })).json;
    expect(await bad({ kind: "summarise" })).toMatchObject({ issues: [{ field: "kind", message: "Expected one of: generate, judge." }] });
    expect(await bad({ model: "gpt-none" })).toMatchObject({ issues: [{ field: "model", message: `${p.provider.name} offers loupe-stub-small, loupe-stub-large, not gpt-none.` }] });
    expect(await bad({ kind: "judge" })).toMatchObject({ issues: [{ field: "promptVersionId", message: "This prompt version is for generation; a judge run needs one made for judging." }] });
    expect(await bad({ filter: { type: "ids", ids: [999_999_999] } })).toMatchObject({ issues: [{ field: "filter", message: "No item of the project matches the filter." }] });
    expect(await bad({ budgetUsd: -1 })).toMatchObject({ issues: [{ field: "budgetUsd", message: "Above 0, or leave it out for no cap." }] });
  });

  it("is in the OpenAPI document", () => {
    const paths = openApiDocument().paths ?? {};
    expect(Object.keys(paths["/api/v1/projects/{projectId}/llm-runs"] ?? {}).sort()).toEqual(["get", "post"]);
    expect(Object.keys(paths["/api/v1/llm-runs/{runId}"] ?? {})).toEqual(["get"]);
    expect(Object.keys(paths["/api/v1/llm-runs/{runId}/cancel"] ?? {})).toEqual(["post"]);
    expect(Object.keys(paths["/api/v1/llm-runs/{runId}/retry-failed"] ?? {})).toEqual(["post"]);
  });
});
