import fs from "node:fs";
import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { describe, expect, it, vi } from "vitest";
import { projectMembers, projects } from "~db/schema";
import { db } from "~/db.server";
import { createApiKey } from "~/modules/api-keys/create-api-key.server";
import { revokeApiKey } from "~/modules/api-keys/revoke-api-key.server";
import { setUserDisabled } from "~/modules/users/set-user-disabled.server";
import * as catchAll from "~/routes/api.v1.$";
import * as me from "~/routes/api.v1.me";
import * as openapi from "~/routes/api.v1.openapi[.]json";
import * as projectsRoute from "~/routes/api.v1.projects";
import * as settings from "~/routes/api.v1.projects.$projectId";
import * as itemsRoute from "~/routes/api.v1.projects.$projectId.items";
import * as members from "~/routes/api.v1.projects.$projectId.members";
import * as template from "~/routes/api.v1.projects.$projectId.template";
import { NUL_MESSAGE } from "~/utils/nul";
import { makeUser } from "~test/factories";
import { endpoints, runEndpoint, type Endpoint } from "./define.server";
import { openApiDocument } from "./openapi.server";

type Route = { loader: (a: never) => Response | Promise<Response>; action: (a: never) => Response | Promise<Response> };

async function call(route: Route, method: string, path: string, options: { key?: string; body?: unknown; raw?: string; type?: string; params?: Record<string, string> } = {}) {
  const headers: Record<string, string> = {};
  if (options.key) headers.authorization = `Bearer ${options.key}`;
  const hasBody = options.body !== undefined || options.raw !== undefined;
  if (hasBody) headers["content-type"] = options.type ?? "application/json";
  const request = new Request(`http://loupe.test${path}`, {
    method,
    headers,
    body: hasBody ? (options.raw ?? JSON.stringify(options.body)) : undefined,
  });
  const context = { user: null, sessionToken: null, csrfToken: "", cspNonce: "", clientIp: "127.0.0.1", secureCookies: false };
  const args = { request, params: options.params ?? {}, context } as never;
  const response = method === "GET" || method === "HEAD" ? await route.loader(args) : await route.action(args);
  const text = await response.text();
  return { status: response.status, headers: response.headers, json: text ? JSON.parse(text) : undefined };
}

async function userWithKey(options: { isAdmin?: boolean } = {}) {
  const user = await makeUser(options);
  const { key, id } = await createApiKey(db, user.actor, { name: "test" });
  return { ...user, key, keyId: id };
}

describe("/api/v1", () => {
  it("refuses requests without a valid key, naming the header to send", async () => {
    const revoked = await userWithKey();
    await revokeApiKey(db, revoked.actor, { keyId: revoked.keyId });
    const disabled = await userWithKey();
    const admin = await makeUser({ isAdmin: true });
    await setUserDisabled(db, admin.actor, { userId: disabled.id, disabled: true });

    for (const key of [undefined, "lp_00000000_nonsense", revoked.key, disabled.key]) {
      const response = await call(me, "GET", "/api/v1/me", { key });
      expect(response.status).toBe(401);
      expect(response.json.error).toContain("Authorization: Bearer");
      expect(response.headers.get("www-authenticate")).toContain("Bearer");
    }
  });

  it("GET /me returns the key owner and their roles", async () => {
    const user = await userWithKey();
    const created = await call(projectsRoute, "POST", "/api/v1/projects", { key: user.key, body: { name: `Mine ${randomUUID()}` } });
    const response = await call(me, "GET", "/api/v1/me", { key: user.key });
    expect(response.status).toBe(200);
    expect(response.json).toEqual({
      user: { id: user.id, email: user.email, name: user.name, isAdmin: false, canCreateProjects: true },
      projects: [{ projectId: created.json.id, projectName: created.json.name, role: "manager" }],
    });
  });

  it("POST /projects creates a project managed by the caller, refuses duplicates and names bad fields", async () => {
    const user = await userWithKey();
    const name = `API ${randomUUID()}`;
    const created = await call(projectsRoute, "POST", "/api/v1/projects", { key: user.key, body: { name, description: "d" } });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ name, description: "d" });
    const [member] = await db.select().from(projectMembers).where(eq(projectMembers.projectId, created.json.id));
    expect(member).toMatchObject({ userId: user.id, role: "manager" });

    const again = await call(projectsRoute, "POST", "/api/v1/projects", { key: user.key, body: { name: name.toLowerCase() } });
    expect(again.status).toBe(409);

    const invalid = await call(projectsRoute, "POST", "/api/v1/projects", { key: user.key, body: { name: 42 } });
    expect(invalid.status).toBe(400);
    expect(invalid.json.issues).toEqual([{ field: "name", message: "Enter a project name." }]);
  });

  it("POST /projects is 403 for a user who may not create projects, and GET /me says so", async () => {
    const user = await makeUser({ canCreateProjects: false });
    const { key } = await createApiKey(db, user.actor, { name: "test" });
    const name = `Refused ${randomUUID()}`;
    const refused = await call(projectsRoute, "POST", "/api/v1/projects", { key, body: { name } });
    expect(refused.status).toBe(403);
    expect(refused.json.error).toMatch(/^Only admins and the people they allow can create projects/);
    expect(await db.select().from(projects).where(eq(projects.name, name))).toEqual([]);
    expect((await call(me, "GET", "/api/v1/me", { key })).json.user.canCreateProjects).toBe(false);
  });

  it("answers malformed JSON with 400 and a wrong content type with 415, creating nothing", async () => {
    const user = await userWithKey();
    const before = (await db.select().from(projects)).length;
    const malformed = await call(projectsRoute, "POST", "/api/v1/projects", { key: user.key, raw: '{"name": "x",' });
    expect(malformed.status).toBe(400);
    expect(malformed.json.error).toMatch(/^Body is not valid JSON/);
    const form = await call(projectsRoute, "POST", "/api/v1/projects", { key: user.key, raw: "name=x", type: "application/x-www-form-urlencoded" });
    expect(form.status).toBe(415);
    expect(form.json.error).toContain("application/json");
    expect((await db.select().from(projects)).length).toBe(before);
  });

  it("answers a NUL in any JSON field, key or query parameter with 400 naming it, storing nothing", async () => {
    const user = await userWithKey();
    const name = `Nul ${randomUUID()}`;
    const before = (await db.select().from(projects)).length;
    const inName = await call(projectsRoute, "POST", "/api/v1/projects", { key: user.key, body: { name: `${name}\u0000`, description: "d" } });
    expect(inName.status).toBe(400);
    expect(inName.json.issues).toEqual([{ field: "name", message: NUL_MESSAGE }]);
    // Escaped in the JSON text, as most clients send it.
    const escaped = await call(projectsRoute, "POST", "/api/v1/projects", { key: user.key, raw: `{"name": "${name}", "description": "a\\u0000b"}` });
    expect(escaped.status).toBe(400);
    expect(escaped.json.issues[0].field).toBe("description");
    expect((await db.select().from(projects)).length).toBe(before);

    const project = await call(projectsRoute, "POST", "/api/v1/projects", { key: user.key, body: { name } });
    const projectId = project.json.id as string;
    const nested = await call(template, "PUT", `/api/v1/projects/${projectId}/template`, {
      key: user.key,
      params: { projectId },
      body: { questions: [{ key: "ok", kind: "thumbs", prompt: "Fine?" }, { key: "bad", kind: "text", prompt: "Say \u0000 more" }] },
    });
    expect(nested.status).toBe(400);
    expect(nested.json.issues[0].field).toBe("questions.1.prompt");
    const inKey = await call(settings, "PATCH", `/api/v1/projects/${projectId}`, { key: user.key, params: { projectId }, body: { "guide\u0000lines": "x" } });
    expect(inKey.status).toBe(400);
    expect(inKey.json.issues[0].field).toBe("guide\\0lines");
    const inQuery = await call(itemsRoute, "GET", `/api/v1/projects/${projectId}/items?cursor=%00`, { key: user.key, params: { projectId } });
    expect(inQuery.status).toBe(400);
    expect(inQuery.json.issues).toEqual([{ field: "query.cursor", message: NUL_MESSAGE }]);
  });

  it("PATCH /projects/:id sets the most-uncertain-first order, refuses an unknown one, and the OpenAPI document lists it", async () => {
    const user = await userWithKey();
    const created = await call(projectsRoute, "POST", "/api/v1/projects", { key: user.key, body: { name: `Order ${randomUUID()}` } });
    const projectId = created.json.id as string;
    const path = `/api/v1/projects/${projectId}`;
    const set = await call(settings, "PATCH", path, { key: user.key, params: { projectId }, body: { itemOrder: "uncertain" } });
    expect(set.status).toBe(200);
    expect(set.json.itemOrder).toBe("uncertain");
    const bad = await call(settings, "PATCH", path, { key: user.key, params: { projectId }, body: { itemOrder: "confident" } });
    expect(bad.status).toBe(400);
    expect(bad.json.issues).toEqual([{ field: "itemOrder", message: "Expected one of: priority, random, uncertain." }]);
    const [stored] = await db.select({ itemOrder: projects.itemOrder }).from(projects).where(eq(projects.id, projectId));
    expect(stored).toEqual({ itemOrder: "uncertain" });
    const doc = JSON.stringify(openApiDocument());
    expect(doc).toContain('"enum":["priority","random","uncertain"]');
  });

  it("GET /projects lists only the caller's projects, and all of them for admins", async () => {
    const alice = await userWithKey();
    const bob = await userWithKey();
    const admin = await userWithKey({ isAdmin: true });
    const project = await call(projectsRoute, "POST", "/api/v1/projects", { key: alice.key, body: { name: `Alice ${randomUUID()}` } });
    const ids = async (key: string) => (await call(projectsRoute, "GET", "/api/v1/projects", { key })).json.projects.map((p: { id: string }) => p.id);
    expect(await ids(alice.key)).toContain(project.json.id);
    expect(await ids(bob.key)).not.toContain(project.json.id);
    expect(await ids(admin.key)).toContain(project.json.id);
  });

  it("POST /projects/:id/members: managers add, reviewers are refused, strangers see nothing", async () => {
    const manager = await userWithKey();
    const reviewer = await userWithKey();
    const stranger = await userWithKey();
    const newcomer = await makeUser();
    const project = await call(projectsRoute, "POST", "/api/v1/projects", { key: manager.key, body: { name: `Team ${randomUUID()}` } });
    const add = (key: string, body: unknown, projectId: string = project.json.id) =>
      call(members, "POST", `/api/v1/projects/${projectId}/members`, { key, body, params: { projectId } });

    expect((await add(manager.key, { email: reviewer.email, role: "reviewer" })).status).toBe(201);
    expect((await add(reviewer.key, { email: newcomer.email, role: "reviewer" })).status).toBe(403);
    expect((await add(stranger.key, { email: newcomer.email, role: "reviewer" })).status).toBe(404);
    expect((await add(manager.key, { email: reviewer.email, role: "engineer" })).status).toBe(409);
    const unknown = await add(manager.key, { email: "nobody@example.com", role: "reviewer" });
    expect(unknown.status).toBe(400);
    expect(unknown.json.issues[0].field).toBe("email");
    const badRole = await add(manager.key, { email: newcomer.email, role: "owner" });
    expect(badRole.status).toBe(400);
    expect(badRole.json.issues[0].field).toBe("role");
    const badId = await add(manager.key, { email: newcomer.email, role: "reviewer" }, "not-a-uuid");
    expect(badId.status).toBe(400);
    expect(badId.json.issues[0].field).toBe("params.projectId");
    const created = await add(manager.key, { email: newcomer.email, role: "researcher" });
    expect(created.json).toEqual({ userId: newcomer.id, email: newcomer.email, name: newcomer.name, role: "researcher" });
  });

  it("answers an unsupported method with 405 and the methods it allows", async () => {
    const user = await userWithKey();
    const response = await call(me, "POST", "/api/v1/me", { key: user.key, body: {} });
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("GET");
    const head = await call(me, "HEAD", "/api/v1/me", { key: user.key });
    expect(head.status).toBe(200);
  });

  it("answers unknown paths with a JSON 404 that points at the document", async () => {
    const response = await call(catchAll, "POST", "/api/v1/nothing-here", { body: {} });
    expect(response.status).toBe(404);
    expect(response.headers.get("content-type")).toContain("application/json");
    expect(response.json.error).toBe("No API route for POST /api/v1/nothing-here. See /api/v1/openapi.json.");
  });

  it("answers an unexpected failure with a JSON 500 that leaks nothing", async () => {
    // Not registered with defineEndpoint, so the OpenAPI document stays as shipped.
    const broken: Endpoint = {
      method: "get",
      path: "/api/v1/broken",
      summary: "fails",
      tags: [],
      public: true,
      responses: {},
      handler: async () => {
        throw new Error("secret internals");
      },
    };
    const quiet = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    const response = await runEndpoint(broken, new Request("http://loupe.test/api/v1/broken"), {});
    quiet.mockRestore();
    expect(response.status).toBe(500);
    expect(response.headers.get("content-type")).toContain("application/json");
    const text = await response.text();
    expect(JSON.parse(text).error).toMatch(/went wrong on our side/);
    expect(text).not.toContain("secret");
  });
});

describe("the OpenAPI document", () => {
  it("is served publicly as OpenAPI 3.1 and describes every endpoint with its request schema", async () => {
    const response = await call(openapi, "GET", "/api/v1/openapi.json");
    expect(response.status).toBe(200);
    const doc = response.json;
    expect(doc.openapi).toBe("3.1.0");
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: "http", scheme: "bearer" });
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(["/api/v1/me", "/api/v1/projects", "/api/v1/projects/{projectId}/members"]));
    expect(Object.keys(doc.paths["/api/v1/projects"]).sort()).toEqual(["get", "post"]);
    const body = doc.paths["/api/v1/projects/{projectId}/members"].post.requestBody.content["application/json"].schema;
    const schema = body.$ref ? doc.components.schemas[body.$ref.split("/").pop()] : body;
    expect(schema.required).toEqual(expect.arrayContaining(["email", "role"]));
    expect(schema.properties.role.enum).toEqual(["manager", "reviewer", "researcher", "engineer"]);
  });

  it("covers every /api/v1 route file, so a route cannot ship without its documentation", () => {
    const doc = openApiDocument();
    const documented = new Set(endpoints.map((e) => e.path));
    expect(Object.keys(doc.paths ?? {}).sort()).toEqual([...documented].sort());
    const routeFiles = fs.readdirSync("app/routes").filter((f) => f.startsWith("api.v1.") && f !== "api.v1.$.ts");
    for (const file of routeFiles) {
      const path =
        "/" +
        file
          .replace(/\.tsx?$/, "")
          .replace("[.]", "\u0000")
          .split(".")
          .map((segment) => (segment.startsWith("$") ? `{${segment.slice(1)}}` : segment))
          .join("/")
          .replace("\u0000", ".");
      expect(documented, `${file} → ${path}`).toContain(path);
    }
  });
});
