import { APIError } from "openai";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { db } from "~/db.server";
import { makeUser } from "~test/factories";
import { loadLlmTestEnv, stubProviderInput } from "~test/support/llm";
import { startLlmStub, type LlmStub } from "../../../scripts/llm-stub/server";
import { describeProviderError, openAiClientFor, retryAfterMs } from "./client.server";
import { estimateCostUsd, formatUsd } from "./cost";
import { createProvider } from "./create-provider.server";
import { providerSecrets } from "./provider-secrets.server";
import { providerRow } from "./queries.server";
import type { ProviderInput } from "./schemas";

// why: the provider is the one network we don't own; the stub stands in for it over real HTTP.
const KEY = "sk-loupe-RECOGNISABLE-client-91c2";
let stub: LlmStub;
beforeAll(async () => {
  loadLlmTestEnv();
  stub = await startLlmStub();
});
afterAll(() => stub.close());
afterEach(() => stub.reset());

async function provider(overrides: Partial<ProviderInput> = {}, on: LlmStub = stub) {
  const admin = await makeUser({ isAdmin: true });
  const view = await createProvider(db, admin.actor, stubProviderInput(on, overrides));
  return providerRow(db, view.id);
}

const ask = (client: ReturnType<typeof openAiClientFor>, content = "hello") =>
  client.chat.completions.create({ model: "loupe-stub-small", messages: [{ role: "user", content }] });

describe("openAiClientFor", () => {
  it("sends the provider's key and headers, and none of the SDK's own environment settings", async () => {
    const saved = { ...process.env };
    Object.assign(process.env, { OPENAI_API_KEY: "sk-operator-own", OPENAI_BASE_URL: "http://example.invalid/v1", OPENAI_ORG_ID: "org-operator", OPENAI_PROJECT_ID: "proj-operator" });
    try {
      const row = await provider({ apiKey: { source: "stored", value: KEY }, headers: [{ name: "X-Org", value: "hdr-77" }] });
      const completion = await ask(openAiClientFor(row));
      expect(completion.choices[0]!.message.content).toContain("hello");
      const [request] = stub.requests;
      expect(request!.headers.authorization).toBe(`Bearer ${KEY}`);
      expect(request!.headers["x-org"]).toBe("hdr-77");
      expect(request!.headers["openai-organization"]).toBeUndefined();
      expect(request!.headers["openai-project"]).toBeUndefined();
    } finally {
      process.env = saved;
    }
  });

  it("sends no Authorization header for a provider without a key", async () => {
    const row = await provider({ apiKey: { source: "none" } });
    await ask(openAiClientFor(row));
    expect(stub.requests[0]!.headers).not.toHaveProperty("authorization");
  });

  it("reads the key from the variable the provider names, and says which variable is missing", async () => {
    const guarded = await startLlmStub({ apiKey: "sk-from-environment" });
    try {
      const row = await provider({ apiKey: { source: "env", variable: "LOUPE_TEST_STUB_API_KEY" } }, guarded);
      expect(() => openAiClientFor(row)).toThrow(`The environment variable LOUPE_TEST_STUB_API_KEY, which holds the API key of "${row.name}", is not set on this server.`);
      process.env.LOUPE_TEST_STUB_API_KEY = "sk-from-environment";
      await expect(openAiClientFor(row).models.list()).resolves.toBeDefined();
      expect(guarded.requests[0]!.headers.authorization).toBe("Bearer sk-from-environment");
    } finally {
      delete process.env.LOUPE_TEST_STUB_API_KEY;
      await guarded.close();
    }
  });

  it("is refused by the SSRF guard without LOUPE_LLM_ALLOW_PRIVATE and reaches the stub with it", async () => {
    const row = await provider();
    loadLlmTestEnv({ LOUPE_LLM_ALLOW_PRIVATE: "false" });
    try {
      const error = await ask(openAiClientFor(row)).catch((e: unknown) => e);
      expect(describeProviderError(error)).toEqual({
        status: null,
        message: `Refused 127.0.0.1:${stub.port}: 127.0.0.1 is a loopback address (set LOUPE_LLM_ALLOW_PRIVATE=true to allow private and local addresses).`,
        retryable: false,
      });
      expect(stub.requests).toHaveLength(0);
    } finally {
      loadLlmTestEnv();
    }
    await expect(ask(openAiClientFor(row))).resolves.toMatchObject({ object: "chat.completion" });
    expect(stub.requests).toHaveLength(1);
  });

  it("does not retry by itself: a 429 surfaces at once, with the wait the provider asked for", async () => {
    const client = openAiClientFor(await provider());
    stub.script([{ status: 429, headers: { "retry-after": "7" } }, { status: 503, headers: { "retry-after-ms": "1500" } }]);
    const limited = await ask(client).catch((e: unknown) => e);
    expect(stub.requests).toHaveLength(1);
    expect(retryAfterMs(limited)).toBe(7000);
    expect(describeProviderError(limited)).toMatchObject({ status: 429, retryable: true, retryAfterMs: 7000, message: "Scripted 429 from the Loupe stub." });
    const unavailable = await ask(client).catch((e: unknown) => e);
    expect(retryAfterMs(unavailable)).toBe(1500);

    const now = Date.parse("2030-01-01T00:00:00Z");
    const dated = new APIError(429, undefined, "x", new Headers({ "retry-after": new Date(now + 30_000).toUTCString() }));
    expect(retryAfterMs(dated, now)).toBe(30_000);
    expect(retryAfterMs(new APIError(429, undefined, "x", new Headers({ "retry-after": "soon" })))).toBeUndefined();
    expect(retryAfterMs(new Error("not an API error"))).toBeUndefined();
  });

  it("describes failures in the provider's words with the key redacted: wrong key, timeout, hang-up, malformed JSON", async () => {
    const guarded = await startLlmStub({ apiKey: "the-right-key" });
    try {
      const row = await provider({ apiKey: { source: "stored", value: KEY } }, guarded);
      const error = await ask(openAiClientFor(row)).catch((e: unknown) => e);
      expect((error as Error).message).toContain(KEY); // the stub echoes what it was sent…
      const described = describeProviderError(error, providerSecrets(row));
      expect(described).toEqual({ status: 401, message: "Incorrect API key provided: [redacted].", retryable: false, retryAfterMs: undefined }); // …Loupe does not
    } finally {
      await guarded.close();
    }

    const row = await provider();
    stub.script([{ delayMs: 60_000 }, { hangUp: true }, { body: "not json" }]);
    const timedOut = await ask(openAiClientFor(row, { timeoutMs: 300 })).catch((e: unknown) => e);
    expect(describeProviderError(timedOut)).toEqual({ status: null, message: "The provider did not answer in time.", retryable: true });
    const hungUp = await ask(openAiClientFor(row)).catch((e: unknown) => e);
    expect(describeProviderError(hungUp)).toMatchObject({ status: null, retryable: true, message: expect.stringMatching(/^Could not reach the provider/) });
    const garbled = await ask(openAiClientFor(row)).catch((e: unknown) => e);
    expect(describeProviderError(garbled)).toMatchObject({ status: null, retryable: true, message: expect.stringContaining("not valid JSON") });
  });

  it("stops reading an answer larger than the cap", async () => {
    const row = await provider();
    const error = await ask(openAiClientFor(row, { maxResponseBytes: 100 })).catch((e: unknown) => e);
    expect(describeProviderError(error)).toEqual({ status: null, message: "The response is larger than 100 bytes; Loupe stopped reading it.", retryable: false });
  });
});

describe("estimateCostUsd", () => {
  it("prices a real completion's usage from the model's prices per million tokens", async () => {
    const row = await provider();
    const completion = await ask(openAiClientFor(row), "What does a mortgage cost?");
    const usage = completion.usage!;
    expect(estimateCostUsd(row.models[0]!, usage)).toBeCloseTo((usage.prompt_tokens * 0.15 + usage.completion_tokens * 0.6) / 1e6, 12);
    expect(estimateCostUsd({ inputPricePerMillion: 2.5, outputPricePerMillion: 10 }, { prompt_tokens: 1_000_000, completion_tokens: 500_000 })).toBe(7.5);
  });

  it("is unknown (null) when a needed price or the usage is missing", () => {
    expect(estimateCostUsd({ inputPricePerMillion: null, outputPricePerMillion: 1 }, { prompt_tokens: 10, completion_tokens: 1 })).toBeNull();
    expect(estimateCostUsd({ inputPricePerMillion: null, outputPricePerMillion: 1 }, { prompt_tokens: 0, completion_tokens: 1 })).toBe(0.000001);
    expect(estimateCostUsd({ inputPricePerMillion: 1, outputPricePerMillion: 1 }, undefined)).toBeNull();
    expect([formatUsd(null), formatUsd(0), formatUsd(7.5), formatUsd(0.0042), formatUsd(0.000001)]).toEqual(["—", "$0.00", "$7.50", "$0.0042", "$0.0000010"]);
  });
});
