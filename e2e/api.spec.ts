import { randomUUID } from "node:crypto";
import { expect, test } from "@playwright/test";
import { connect } from "~/db.server";
import { createApiKey } from "~/modules/api-keys/create-api-key.server";
import { createUser } from "~/modules/users/create-user.server";

async function keyOwner() {
  const { db, sql } = connect(process.env.E2E_DATABASE_URL!, { max: 1 });
  try {
    const user = await createUser(db, null, { email: `api-${randomUUID()}@example.com`, name: "API user", password: "api spec password", isAdmin: false });
    const { key } = await createApiKey(db, { userId: user.id, isAdmin: false, via: "cli" }, { name: "e2e" });
    return { ...user, key };
  } finally {
    await sql.end();
  }
}

test.describe("Scripts use the API with a key", () => {
  test("a script creates a project, lists it and adds a member, with no browser and no Origin header", async ({ request }) => {
    const owner = await keyOwner();
    const colleague = await keyOwner();
    const auth = { authorization: `Bearer ${owner.key}` };

    const me = await request.get("/api/v1/me", { headers: auth });
    expect(me.status()).toBe(200);
    expect((await me.json()).user.email).toBe(owner.email);

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

  test("the API ignores session cookies: without a key it answers 401 and creates nothing", async ({ request }) => {
    // A signed-in browser has cookies; a cross-site page could make it send them to the API.
    const name = `Cookie ${randomUUID()}`;
    const response = await request.post("/api/v1/projects", {
      headers: { cookie: "loupe_session=whatever; loupe_anon=whatever", origin: "https://evil.example" },
      data: { name },
    });
    expect(response.status()).toBe(401);
    const owner = await keyOwner();
    const list = await request.get("/api/v1/projects", { headers: { authorization: `Bearer ${owner.key}` } });
    expect((await list.json()).projects.map((p: { name: string }) => p.name)).not.toContain(name);
  });

  test("an oversized API body gets 413 as JSON", async ({ baseURL }) => {
    const owner = await keyOwner();
    const response = await fetch(`${baseURL}/api/v1/projects`, {
      method: "POST",
      headers: { authorization: `Bearer ${owner.key}`, "content-type": "application/json" },
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
