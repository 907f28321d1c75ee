import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { projects } from "~db/schema";
import { createApiKey } from "~/modules/api-keys/create-api-key.server";
import { expect, test, type TestUser } from "./fixtures";

test.describe("Scripts use the API with a key", () => {
  let keyOwner: TestUser & { key: string };

  test.beforeEach(async ({ db, makeUser }) => {
    const user = await makeUser({ name: "API user" });
    keyOwner = { ...user, key: (await createApiKey(db, user.actor, { name: "e2e" })).key };
  });

  test("a script creates a project, lists it and adds a member, with no browser and no Origin header", async ({ request, makeUser }) => {
    const colleague = await makeUser();
    const auth = { authorization: `Bearer ${keyOwner.key}` };

    const me = await request.get("/api/v1/me", { headers: auth });
    expect(me.status()).toBe(200);
    expect((await me.json()).user.email).toBe(keyOwner.email);

    const name = `Scripted ${randomUUID()}`;
    const created = await request.post("/api/v1/projects", { headers: auth, data: { name, description: "by script" } });
    expect(created.status()).toBe(201);
    const project = await created.json();

    const list = await request.get("/api/v1/projects", { headers: auth });
    expect((await list.json()).projects.map((p: { name: string }) => p.name)).toContain(name);

    const added = await request.post(`/api/v1/projects/${project.id}/members`, { headers: auth, data: { email: colleague.email, role: "reviewer" } });
    expect(added.status()).toBe(201);
    expect(await added.json()).toMatchObject({ email: colleague.email, role: "reviewer" });
  });

  test("the API ignores a signed-in browser's session: without a key it answers 401 and creates nothing", async ({ page, db, loginAs, baseURL }) => {
    // A cross-site page could make a signed-in browser send its cookies to the API.
    await loginAs(page, keyOwner);
    await page.goto("/projects");
    await expect(page.getByRole("link", { name: "New project" })).toBeVisible(); // the session works for pages
    const name = `Cookie ${randomUUID()}`;
    const response = await page.request.post("/api/v1/projects", { headers: { origin: new URL(baseURL!).origin }, data: { name } });
    expect(response.status()).toBe(401);
    expect(response.headers()["www-authenticate"]).toContain("Bearer");
    const rows = await db.select({ id: projects.id }).from(projects).where(sql`lower(${projects.name}) = lower(${name})`);
    expect(rows).toEqual([]);
  });

  test("an oversized API body gets 413 as JSON", async ({ baseURL }) => {
    const response = await fetch(`${baseURL}/api/v1/projects`, {
      method: "POST",
      headers: { authorization: `Bearer ${keyOwner.key}`, "content-type": "application/json" },
      body: JSON.stringify({ name: "big", description: "x".repeat(11 * 1024 * 1024) }),
    });
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({ error: "The request body is larger than the 10 MB limit." });
  });

  test("unknown API paths answer JSON 404, and the OpenAPI document is public", async ({ request }) => {
    const missing = await request.get("/api/v1/nothing-here");
    expect(missing.status()).toBe(404);
    expect((await missing.json()).error).toContain("See /api/v1/openapi.json");
    const doc = await request.get("/api/v1/openapi.json");
    expect(doc.status()).toBe(200);
    expect((await doc.json()).openapi).toBe("3.1.0");
  });
});
