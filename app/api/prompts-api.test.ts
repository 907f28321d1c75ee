import { describe, expect, it } from "vitest";
import { db } from "~/db.server";
import { createApiKey } from "~/modules/api-keys/create-api-key.server";
import * as promptsRoute from "~/routes/api.v1.projects.$projectId.prompts";
import { makeDatasetProject } from "~test/support/dataset-project";
import { makeUser } from "~test/factories";
import { openApiDocument } from "./openapi.server";

async function call(method: string, projectId: string, key: string, options: { body?: unknown; query?: string } = {}) {
  const headers: Record<string, string> = { authorization: `Bearer ${key}` };
  if (options.body !== undefined) headers["content-type"] = "application/json";
  const url = `http://loupe.test/api/v1/projects/${projectId}/prompts${options.query ?? ""}`;
  const request = new Request(url, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) });
  const response = await promptsRoute.loader({ request, params: { projectId }, context: {} } as never);
  const text = await response.text();
  return { status: response.status, json: text ? JSON.parse(text) : undefined };
}

describe("/api/v1/projects/:id/prompts", () => {
  it("a manager saves a generation prompt and a judge twice: versions 1 and 2, listed newest per name, every version by name", async () => {
    const f = await makeDatasetProject();
    const key = (await createApiKey(db, f.manager.actor, { name: "prompts" })).key;
    const generate = await call("POST", f.projectId, key, { body: { name: "Concise", purpose: "generate", system: "Be brief.", user: "{{input}}", params: { temperature: 0.2, maxTokens: 200 } } });
    expect(generate.status).toBe(201);
    expect(generate.json).toMatchObject({ name: "Concise", version: 1, purpose: "generate", system: "Be brief.", user: "{{input}}", params: { temperature: 0.2, maxTokens: 200 }, questions: [] });

    const judge = { name: "Intent judge", purpose: "judge", user: "Which intent is this? {{input}}", questions: ["intent"] };
    expect((await call("POST", f.projectId, key, { body: judge })).json).toMatchObject({ version: 1 });
    const second = await call("POST", f.projectId, key, { body: { ...judge, user: "Label the intent of: {{input}}" } });
    expect(second.json).toMatchObject({ name: "Intent judge", version: 2, user: "Label the intent of: {{input}}" });

    const listed = await call("GET", f.projectId, key);
    expect(listed.status).toBe(200);
    expect(listed.json.prompts.map((p: { name: string; version: number }) => [p.name, p.version])).toEqual([
      ["Concise", 1],
      ["Intent judge", 2],
    ]);
    const history = await call("GET", f.projectId, key, { query: "?name=intent%20judge" });
    expect(history.json.prompts.map((p: { version: number; user: string }) => [p.version, p.user])).toEqual([
      [2, "Label the intent of: {{input}}"],
      [1, "Which intent is this? {{input}}"],
    ]);
  });

  it("refuses unknown variables and questions naming the field, reviewers with 403 (who may still read), strangers with 404", async () => {
    const f = await makeDatasetProject();
    const key = (await createApiKey(db, f.manager.actor, { name: "prompts" })).key;
    const badVariable = await call("POST", f.projectId, key, { body: { name: "X", purpose: "generate", user: "{{inptu}}" } });
    expect(badVariable.status).toBe(400);
    expect(badVariable.json.issues[0]).toMatchObject({ field: "user", message: expect.stringContaining("inptu") });
    const badQuestion = await call("POST", f.projectId, key, { body: { name: "J", purpose: "judge", user: "{{input}}", questions: ["nope"] } });
    expect(badQuestion.status).toBe(400);
    expect(badQuestion.json.issues).toEqual([expect.objectContaining({ field: "questions.0", message: 'The template has no question "nope".' })]);
    expect((await call("GET", f.projectId, key)).json.prompts).toEqual([]);

    const reviewerKey = (await createApiKey(db, f.reviewers[0]!.actor, { name: "r" })).key;
    expect((await call("POST", f.projectId, reviewerKey, { body: { name: "X", purpose: "generate", user: "{{input}}" } })).status).toBe(403);
    expect((await call("GET", f.projectId, reviewerKey)).status).toBe(200);
    const stranger = (await createApiKey(db, (await makeUser()).actor, { name: "s" })).key;
    expect((await call("GET", f.projectId, stranger)).status).toBe(404);
  });

  it("is in the OpenAPI document", () => {
    const path = openApiDocument().paths!["/api/v1/projects/{projectId}/prompts"] as Record<string, unknown>;
    expect(Object.keys(path).sort()).toEqual(["get", "post"]);
  });
});
