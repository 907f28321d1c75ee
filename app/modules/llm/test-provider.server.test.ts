import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { db } from "~/db.server";
import { makeUser } from "~test/factories";
import { loadLlmTestEnv, stubProviderInput } from "~test/support/llm";
import { startLlmStub, type LlmStub } from "../../../scripts/llm-stub/server";
import { createProvider } from "./create-provider.server";
import type { ProviderInput } from "./schemas";
import { testProviderConnection } from "./test-provider.server";

const KEY = "sk-loupe-RECOGNISABLE-test-4d8e";
let stub: LlmStub;
let noModelList: LlmStub;
beforeAll(async () => {
  loadLlmTestEnv();
  stub = await startLlmStub({ apiKey: KEY });
  // A server without GET /models (as some llama.cpp and proxy setups are).
  noModelList = await startLlmStub({ respond: (request) => (request.path === "/v1/models" ? { status: 404, body: { error: { message: "Not Found" } } } : undefined) });
});
afterAll(() => Promise.all([stub.close(), noModelList.close()]));
afterEach(() => {
  stub.reset();
  noModelList.reset();
});

async function setUp(overrides: Partial<ProviderInput>, on = stub) {
  const admin = await makeUser({ isAdmin: true });
  const provider = await createProvider(db, admin.actor, stubProviderInput(on, overrides));
  return { admin, provider };
}

describe("testProviderConnection", () => {
  it("lists the provider's models with the latency, and names configured models the provider does not offer", async () => {
    const { admin, provider } = await setUp({
      apiKey: { source: "stored", value: KEY },
      models: [
        { id: "loupe-stub-small", inputPricePerMillion: null, outputPricePerMillion: null },
        { id: "gpt-not-there", inputPricePerMillion: null, outputPricePerMillion: null },
      ],
    });
    const result = await testProviderConnection(db, admin.actor, provider.id);
    expect(result).toEqual({
      ok: true,
      latencyMs: expect.any(Number),
      checkedWith: "models",
      models: ["loupe-stub-small", "loupe-stub-large", "loupe-stub-embed"],
      missingModels: ["gpt-not-there"],
    });
    expect(result.latencyMs).toBeGreaterThanOrEqual(0);
    expect(stub.requests.map((r) => `${r.method} ${r.path}`)).toEqual(["GET /v1/models"]);
  });

  it("falls back to one 1-token completion where the provider has no model list", async () => {
    const { admin, provider } = await setUp({}, noModelList);
    const result = await testProviderConnection(db, admin.actor, provider.id);
    expect(result).toMatchObject({ ok: true, checkedWith: "completion", models: [] });
    expect(noModelList.requests.map((r) => `${r.method} ${r.path}`)).toEqual(["GET /v1/models", "POST /v1/chat/completions"]);
    expect(noModelList.requests[1]!.body).toMatchObject({ model: "loupe-stub-small", max_tokens: 1 });
  });

  it("reports the provider's own error (status and message) without the key it was sent", async () => {
    const { admin, provider } = await setUp({ apiKey: { source: "stored", value: `${KEY}-wrong` } });
    const result = await testProviderConnection(db, admin.actor, provider.id);
    expect(result).toMatchObject({ ok: false, error: { status: 401, message: "Incorrect API key provided: [redacted].", retryable: false } });
    expect(JSON.stringify(result)).not.toContain(KEY);
  });

  it("reports an unreachable provider and a missing key variable in plain words", async () => {
    const closed = await startLlmStub();
    const { admin, provider } = await setUp({}, closed);
    await closed.close();
    const unreachable = await testProviderConnection(db, admin.actor, provider.id);
    expect(unreachable).toMatchObject({ ok: false, error: { status: null, message: "Could not reach the provider: ECONNREFUSED.", retryable: true } });

    const envKeyed = await setUp({ apiKey: { source: "env", variable: "LOUPE_NOT_SET_API_KEY" } });
    const missing = await testProviderConnection(db, envKeyed.admin.actor, envKeyed.provider.id);
    expect(missing.error?.message).toBe(`The environment variable LOUPE_NOT_SET_API_KEY, which holds the API key of "${envKeyed.provider.name}", is not set on this server.`);
    expect(stub.requests).toHaveLength(0);
  });
});
