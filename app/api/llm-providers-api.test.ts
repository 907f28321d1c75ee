import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "~/db.server";
import { createApiKey } from "~/modules/api-keys/create-api-key.server";
import * as oneRoute from "~/routes/api.v1.llm.providers.$providerId";
import * as testRoute from "~/routes/api.v1.llm.providers.$providerId.test/route";
import * as listRoute from "~/routes/api.v1.llm.providers";
import { makeUser } from "~test/factories";
import { loadLlmTestEnv } from "~test/support/llm";
import { startLlmStub, type LlmStub } from "../../scripts/llm-stub/server";
import { openApiDocument } from "./openapi.server";

const KEY = "sk-loupe-RECOGNISABLE-api-0c5f";
let stub: LlmStub;
beforeAll(async () => {
  loadLlmTestEnv();
  // why: the stub demands the key, so a passing connection test proves the kept key is the one sent.
  stub = await startLlmStub({ apiKey: KEY });
});
afterAll(() => stub.close());

type Route = { loader: (a: never) => Promise<Response> };

async function call(route: Route, method: string, path: string, key: string | undefined, options: { body?: unknown; providerId?: string } = {}) {
  const headers: Record<string, string> = key ? { authorization: `Bearer ${key}` } : {};
  if (options.body !== undefined) headers["content-type"] = "application/json";
  const request = new Request(`http://loupe.test${path}`, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) });
  const response = await route.loader({ request, params: options.providerId ? { providerId: options.providerId } : {}, context: {} } as never);
  const text = await response.text();
  return { status: response.status, text, json: text ? JSON.parse(text) : undefined };
}

async function keyFor(isAdmin: boolean) {
  const user = await makeUser({ isAdmin });
  return (await createApiKey(db, user.actor, { name: "llm" })).key;
}

const input = (name: string) => ({
  name,
  baseUrl: stub.url,
  apiKey: { source: "stored", value: KEY },
  headers: [{ name: "X-Team", value: "team-secret-value" }],
  models: [{ id: "loupe-stub-small", inputPricePerMillion: 0.15, outputPricePerMillion: 0.6 }],
});

describe("/api/v1/llm/providers", () => {
  it("an admin creates, reads, renames (keeping the key), tests and deletes a provider; no answer ever carries a secret", async () => {
    const admin = await keyFor(true);
    const name = `API stub ${Date.now()}`;
    const texts: string[] = [];

    const created = await call(listRoute, "POST", "/api/v1/llm/providers", admin, { body: input(name) });
    texts.push(created.text);
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ name, keySource: "stored", headerNames: ["X-Team"], baseUrl: stub.url });
    const id = created.json.id as string;
    const path = `/api/v1/llm/providers/${id}`;

    const list = await call(listRoute, "GET", "/api/v1/llm/providers", admin);
    texts.push(list.text);
    expect(list.json.providers.map((p: { id: string }) => p.id)).toContain(id);
    const one = await call(oneRoute, "GET", path, admin, { providerId: id });
    texts.push(one.text);
    expect(one.json).toEqual(created.json);

    const renamed = await call(oneRoute, "PATCH", path, admin, { providerId: id, body: { name: `${name} renamed`, apiKey: { source: "stored" } } });
    texts.push(renamed.text);
    expect(renamed.status).toBe(200);
    expect(renamed.json).toMatchObject({ name: `${name} renamed`, keySource: "stored" });

    const tested = await call(testRoute, "POST", `${path}/test`, admin, { providerId: id });
    texts.push(tested.text);
    expect(tested.status).toBe(200);
    expect(tested.json).toMatchObject({ ok: true, checkedWith: "models", models: ["loupe-stub-small", "loupe-stub-large", "loupe-stub-embed"], missingModels: [] });
    expect(tested.json.latencyMs).toEqual(expect.any(Number));
    expect(stub.requests.at(-1)!.headers["x-team"]).toBe("team-secret-value");

    const wrongKey = await call(oneRoute, "PATCH", path, admin, { providerId: id, body: { apiKey: { source: "stored", value: `${KEY}-typo` } } });
    texts.push(wrongKey.text);
    const failing = await call(testRoute, "POST", `${path}/test`, admin, { providerId: id });
    texts.push(failing.text);
    expect(failing.json).toMatchObject({ ok: false, error: { status: 401, message: "Incorrect API key provided: [redacted]." } });

    for (const text of texts) {
      expect(text).not.toContain(KEY);
      expect(text).not.toContain("team-secret-value");
    }

    expect((await call(oneRoute, "DELETE", path, admin, { providerId: id })).status).toBe(204);
    expect((await call(oneRoute, "GET", path, admin, { providerId: id })).status).toBe(404);
  });

  it("refuses people who are not instance admins (403) and requests without a key (401)", async () => {
    const admin = await keyFor(true);
    const someone = await keyFor(false);
    const { json } = await call(listRoute, "POST", "/api/v1/llm/providers", admin, { body: input(`Guarded ${Date.now()}`) });
    const path = `/api/v1/llm/providers/${json.id}`;
    const attempts = [
      call(listRoute, "GET", "/api/v1/llm/providers", someone),
      call(listRoute, "POST", "/api/v1/llm/providers", someone, { body: input("Not mine") }),
      call(oneRoute, "GET", path, someone, { providerId: json.id }),
      call(oneRoute, "PATCH", path, someone, { providerId: json.id, body: { enabled: false } }),
      call(oneRoute, "DELETE", path, someone, { providerId: json.id }),
      call(testRoute, "POST", `${path}/test`, someone, { providerId: json.id }),
    ];
    for (const response of await Promise.all(attempts)) {
      expect(response.status).toBe(403);
      expect(response.json.error).toBe("Only instance admins can manage LLM providers.");
    }
    expect((await call(listRoute, "GET", "/api/v1/llm/providers", undefined)).status).toBe(401);
    expect((await call(oneRoute, "GET", path, admin, { providerId: json.id })).json.enabled).toBe(true);
  });

  it("answers bad input with 400 naming each field, a taken name with 409", async () => {
    const admin = await keyFor(true);
    const bad = await call(listRoute, "POST", "/api/v1/llm/providers", admin, {
      body: { name: "x", baseUrl: "not a url", apiKey: { source: "somewhere" }, models: [{ id: "m", inputPricePerMillion: "cheap" }] },
    });
    expect(bad.status).toBe(400);
    expect(bad.json.issues).toEqual([
      { field: "baseUrl", message: "Enter the provider's base URL, e.g. https://api.openai.com/v1." },
      { field: "apiKey.source", message: "Say where the API key comes from: stored, env or none." },
      { field: "models.0.inputPricePerMillion", message: "Enter a price in US dollars per million tokens." },
    ]);
    const name = `Taken ${Date.now()}`;
    expect((await call(listRoute, "POST", "/api/v1/llm/providers", admin, { body: input(name) })).status).toBe(201);
    const again = await call(listRoute, "POST", "/api/v1/llm/providers", admin, { body: input(name) });
    expect(again.status).toBe(409);
    expect(again.json.error).toBe(`An LLM provider named "${name}" already exists.`);
    const notUuid = await call(oneRoute, "GET", "/api/v1/llm/providers/nope", admin, { providerId: "nope" });
    expect(notUuid.json.issues).toEqual([{ field: "params.providerId", message: "Expected a provider id (a UUID)." }]);
  });

  it("is described in the OpenAPI document, the key as write-only input", () => {
    const doc = openApiDocument();
    expect(Object.keys(doc.paths!["/api/v1/llm/providers"]!).sort()).toEqual(["get", "post"]);
    expect(Object.keys(doc.paths!["/api/v1/llm/providers/{providerId}"]!).sort()).toEqual(["delete", "get", "patch"]);
    expect(Object.keys(doc.paths!["/api/v1/llm/providers/{providerId}/test"]!)).toEqual(["post"]);
    const schemas = doc.components!.schemas! as Record<string, { properties?: Record<string, unknown> }>;
    expect(Object.keys(schemas.LlmProvider!.properties!)).not.toContain("apiKey");
    expect(Object.keys(schemas.LlmProviderInput!.properties!)).toEqual(expect.arrayContaining(["name", "baseUrl", "apiKey", "models", "headers"]));
  });
});
