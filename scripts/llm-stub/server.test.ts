import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError, AuthenticationError, NotFoundError } from "openai";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { startLlmStub, type LlmStub } from "./server";

// why: these tests pin the stub every LLM test and benchmark relies on, through the real `openai`
// client over real HTTP, so what passes here is what the SDK sees from a real provider.

let stub: LlmStub;
beforeAll(async () => {
  stub = await startLlmStub({ models: ["model-a", "model-b", "embed-1"] });
});
afterAll(() => stub.close());
afterEach(() => stub.reset());

const client = (options: Partial<ConstructorParameters<typeof OpenAI>[0]> = {}) =>
  new OpenAI({ baseURL: stub.url, apiKey: "test-key", maxRetries: 0, timeout: 20_000, logLevel: "off", ...options });

const ask = (model: string, prompt: string, extra: Partial<OpenAI.ChatCompletionCreateParamsNonStreaming> = {}) =>
  client().chat.completions.create({ model, messages: [{ role: "user", content: prompt }], ...extra });

describe("the LLM stub's default answers", () => {
  it("lists its models and answers chat completions deterministically, differently per model and per prompt, with usage", async () => {
    const models = await client().models.list();
    expect(models.data.map((m) => m.id)).toEqual(["model-a", "model-b", "embed-1"]);

    const first = await ask("model-a", "Explain photosynthesis to a child.");
    const again = await ask("model-a", "Explain photosynthesis to a child.");
    const otherModel = await ask("model-b", "Explain photosynthesis to a child.");
    const otherPrompt = await ask("model-a", "Name three rivers in Africa.");

    const text = first.choices[0]!.message.content!;
    expect(text).toContain("Explain photosynthesis to a child.");
    expect(again.choices[0]!.message.content).toBe(text);
    expect(otherModel.choices[0]!.message.content).not.toBe(text);
    expect(otherPrompt.choices[0]!.message.content).not.toBe(text);
    expect(first.usage!.prompt_tokens).toBeGreaterThan(0);
    expect(first.usage!.completion_tokens).toBeGreaterThan(5);
    expect(first.usage!.total_tokens).toBe(first.usage!.prompt_tokens + first.usage!.completion_tokens);
    expect(first.choices[0]!.finish_reason).toBe("stop");
  });

  it("cuts an answer at max_tokens and says so in finish_reason", async () => {
    const full = await ask("model-a", "Say something long.");
    const one = await ask("model-a", "Say something long.", { max_tokens: 1 });
    expect(one.usage!.completion_tokens).toBe(1);
    expect(one.choices[0]!.finish_reason).toBe("length");
    expect(full.choices[0]!.message.content!.startsWith(one.choices[0]!.message.content!)).toBe(true);
  });

  it("answers a json_schema request with a valid instance of the schema, for many prompts", async () => {
    const answer = z
      .object({
        rating: z.int().min(1).max(5),
        label: z.enum(["billing", "refund", "other"]),
        flags: z.array(z.enum(["pii", "toxicity", "hallucination"])).min(1).max(2),
        helpful: z.boolean(),
        rationale: z.string(),
        score: z.number().min(0).max(1),
        nested: z.object({ winner: z.enum(["A", "B", "tie"]) }),
      })
      .strict();
    const schema = z.toJSONSchema(answer);
    const seen = new Set<number>();
    for (let i = 0; i < 25; i++) {
      const completion = await ask("model-a", `Judge item ${i}`, {
        response_format: { type: "json_schema", json_schema: { name: "judge", schema, strict: true } },
      });
      const parsed = answer.parse(JSON.parse(completion.choices[0]!.message.content!));
      expect(new Set(parsed.flags).size).toBe(parsed.flags.length);
      seen.add(parsed.rating);
    }
    // Deterministic per request, yet not one fixed answer for every request.
    expect(seen.size).toBeGreaterThan(1);
  });

  it("answers json_object with an object, and refuses a json_schema request without a schema", async () => {
    const completion = await ask("model-a", "Give JSON", { response_format: { type: "json_object" } });
    expect(JSON.parse(completion.choices[0]!.message.content!)).toEqual({ answer: expect.any(String) });

    const refused = await ask("model-a", "x", { response_format: { type: "json_schema", json_schema: { name: "nothing" } } }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(APIError);
    expect((refused as APIError).status).toBe(400);
    expect((refused as APIError).message).toContain("response_format.json_schema.schema");
  });

  it("returns logprobs with the requested number of alternatives per token", async () => {
    const completion = await ask("model-a", "Rate this", { logprobs: true, top_logprobs: 3 });
    const content = completion.choices[0]!.logprobs!.content!;
    expect(content.map((t) => t.token).join("")).toBe(completion.choices[0]!.message.content);
    for (const token of content) {
      expect(token.logprob).toBeLessThanOrEqual(0);
      expect(token.top_logprobs).toHaveLength(3);
      expect(token.top_logprobs[0]).toMatchObject({ token: token.token, logprob: token.logprob });
    }
    const without = await ask("model-a", "Rate this");
    expect(without.choices[0]!.logprobs).toBeNull();
  });

  it("embeds texts so that similar texts are closer than unrelated ones (base64 as the SDK asks, and floats)", async () => {
    const cosine = (a: number[], b: number[]) => a.reduce((sum, x, i) => sum + x * b[i]!, 0);
    const result = await client().embeddings.create({
      model: "embed-1",
      input: ["How do I reset my password?", "How can I reset my password please?", "The weather in Lisbon is sunny today."],
    });
    const [a, b, c] = result.data.map((d) => d.embedding);
    expect(a).toHaveLength(256);
    expect(cosine(a!, a!)).toBeCloseTo(1, 5);
    expect(cosine(a!, b!)).toBeGreaterThan(0.6);
    expect(cosine(a!, c!)).toBeLessThan(0.3);
    expect(stub.requests[0]!.body).toMatchObject({ encoding_format: "base64" });

    const floats = await client().embeddings.create({ model: "embed-1", input: "How do I reset my password?", encoding_format: "float", dimensions: 64 });
    expect(floats.data[0]!.embedding).toHaveLength(64);
    expect(result.usage.prompt_tokens).toBeGreaterThan(0);
  });

  it("answers an unknown model with OpenAI's 404 and an unknown path with a 404 naming it", async () => {
    const error = await ask("gpt-nonexistent", "hi").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as APIError).message).toContain("The model `gpt-nonexistent` does not exist");
    const response = await fetch(`${stub.url}/completions`, { method: "POST", body: "{}" });
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: expect.objectContaining({ message: "Unknown request to the Loupe stub: POST /v1/completions." }) });
  });

  it("records every request with its model and body, so a test can count what was paid for", async () => {
    await ask("model-b", "count me");
    await client().models.list();
    expect(stub.requests.map((r) => [r.method, r.path, r.model])).toEqual([
      ["POST", "/v1/chat/completions", "model-b"],
      ["GET", "/v1/models", undefined],
    ]);
    expect(stub.requests[0]!.body).toMatchObject({ messages: [{ role: "user", content: "count me" }] });
    expect(stub.requests[0]!.headers.authorization).toBe("Bearer test-key");
  });
});

describe("the LLM stub's scripted failures", () => {
  it("plays a 429 with Retry-After, which the client waits out before its retry succeeds", async () => {
    stub.script([{ status: 429, headers: { "retry-after": "1" } }]);
    const completion = await ask.call(null, "model-a", "busy?").catch((e: unknown) => e);
    // maxRetries 0 surfaces the 429 itself, with its header, for a job runner to honour.
    expect(completion).toBeInstanceOf(APIError);
    expect((completion as APIError).status).toBe(429);
    expect((completion as APIError).headers?.get("retry-after")).toBe("1");

    stub.reset();
    stub.script([{ status: 429, headers: { "retry-after": "1" } }]);
    const retried = await client({ maxRetries: 1 }).chat.completions.create({ model: "model-a", messages: [{ role: "user", content: "busy?" }] });
    expect(retried.choices[0]!.message.content).toContain("busy?");
    expect(stub.requests).toHaveLength(2);
    // The SDK's own backoff without the header is at most 0.5 s; a second apart means it honoured it.
    expect(stub.requests[1]!.at - stub.requests[0]!.at).toBeGreaterThanOrEqual(990);
  });

  it("plays a 500 as an OpenAI-shaped server error, then answers normally", async () => {
    stub.script([{ status: 500 }]);
    const error = await ask("model-a", "hello").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(APIError);
    expect((error as APIError).status).toBe(500);
    expect((error as APIError).message).toBe("500 Scripted 500 from the Loupe stub.");
    await expect(ask("model-a", "hello")).resolves.toMatchObject({ object: "chat.completion" });
  });

  it("sends malformed JSON when scripted to, which the client reports as a failure rather than an answer", async () => {
    stub.script([{ body: "not json" }]);
    const error = await ask("model-a", "hello").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(String(error)).toMatch(/JSON/);
  });

  it("holds an answer past the client's timeout (a timeout error), and hangs up when told to (a connection error)", async () => {
    stub.script([{ delayMs: 60_000 }]);
    const timedOut = await client({ timeout: 300 }).chat.completions.create({ model: "model-a", messages: [{ role: "user", content: "slow" }] }).catch((e: unknown) => e);
    expect(timedOut).toBeInstanceOf(APIConnectionTimeoutError);

    stub.script([{ hangUp: true }]);
    const hungUp = await ask("model-a", "bye").catch((e: unknown) => e);
    expect(hungUp).toBeInstanceOf(APIConnectionError);
    expect(hungUp).not.toBeInstanceOf(APIConnectionTimeoutError);
  });

  it("asks `respond` for what the script does not answer, and falls back to the default when it returns nothing", async () => {
    const custom = await startLlmStub({
      models: ["m"],
      respond: (request) => ((request.body as { messages?: { content: string }[] }).messages?.[0]?.content === "special" ? { content: "a custom answer" } : undefined),
    });
    try {
      const c = new OpenAI({ baseURL: custom.url, apiKey: "k", maxRetries: 0, logLevel: "off" });
      custom.script([{ status: 503 }]);
      await expect(c.chat.completions.create({ model: "m", messages: [{ role: "user", content: "special" }] })).rejects.toMatchObject({ status: 503 });
      const special = await c.chat.completions.create({ model: "m", messages: [{ role: "user", content: "special" }] });
      expect(special.choices[0]!.message.content).toBe("a custom answer");
      expect(special.usage!.completion_tokens).toBe(3);
      const plain = await c.chat.completions.create({ model: "m", messages: [{ role: "user", content: "plain" }] });
      expect(plain.choices[0]!.message.content).toContain("plain");
    } finally {
      await custom.close();
    }
  });

  it("checks the API key when given one: 401 for a wrong key, answers for the right one", async () => {
    const guarded = await startLlmStub({ apiKey: "sk-right", models: ["m"] });
    try {
      const wrong = await new OpenAI({ baseURL: guarded.url, apiKey: "sk-wrong", maxRetries: 0, logLevel: "off" }).models.list().catch((e: unknown) => e);
      expect(wrong).toBeInstanceOf(AuthenticationError);
      expect((wrong as APIError).message).toBe("401 Incorrect API key provided: sk-wrong.");
      const right = await new OpenAI({ baseURL: guarded.url, apiKey: "sk-right", maxRetries: 0, logLevel: "off" }).models.list();
      expect(right.data.map((m) => m.id)).toEqual(["m"]);
    } finally {
      await guarded.close();
    }
  });

  it("applies its default delay to every answer, and closes with a request still waiting", async () => {
    const slow = await startLlmStub({ delayMs: 60_000, models: ["m"] });
    const pending = new OpenAI({ baseURL: slow.url, apiKey: "k", maxRetries: 0, logLevel: "off" }).models.list().catch((e: unknown) => e);
    await expect.poll(() => slow.requests.length).toBe(1);
    await slow.close();
    expect(await pending).toBeInstanceOf(APIConnectionError);
  });
});
