import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "~/db.server";
import { createApiKey } from "~/modules/api-keys/create-api-key.server";
import { findInvite } from "~/modules/invites/accept-invite.server";
import { addMember } from "~/modules/projects/add-member.server";
import { createProject } from "~/modules/projects/create-project.server";
import * as oneInvite from "~/routes/api.v1.invites.$inviteId";
import * as instanceInvites from "~/routes/api.v1.invites";
import * as projectInvites from "~/routes/api.v1.projects.$projectId.invites";
import { loadEnv } from "~/utils/env.server";
import { makeUser } from "~test/factories";

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "loupe-invites-api-"));
beforeAll(() => {
  loadEnv({ ...process.env, SESSION_SECRET: "a session secret for the invites API tests, long enough", LOUPE_DATA_DIR: dataDir, LOUPE_PUBLIC_URL: "https://loupe.example.org" });
});
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

type Route = { loader: (a: never) => Promise<Response> };

async function call(route: Route, method: string, url: string, key: string, options: { body?: unknown; params?: Record<string, string> } = {}) {
  const headers: Record<string, string> = { authorization: `Bearer ${key}` };
  if (options.body !== undefined) headers["content-type"] = "application/json";
  const request = new Request(`http://loupe.test${url}`, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) });
  const response = await route.loader({ request, params: options.params ?? {}, context: {} } as never);
  const text = await response.text();
  return { status: response.status, text, json: text ? JSON.parse(text) : undefined, headers: response.headers };
}

async function withKey(options: { isAdmin?: boolean } = {}) {
  const user = await makeUser(options);
  return { user, key: (await createApiKey(db, user.actor, { name: "invites" })).key };
}

describe("/api/v1/projects/:projectId/invites and /api/v1/invites/:inviteId", () => {
  it("a manager invites, lists (never the link) and revokes; reviewers and other managers are refused in words", async () => {
    const manager = await withKey();
    const project = await createProject(db, manager.user.actor, { name: `API invites ${randomUUID()}`, description: "" });
    const url = `/api/v1/projects/${project.id}/invites`;
    const params = { projectId: project.id };
    const email = `api-${randomUUID().slice(0, 8)}@example.com`;

    const made = await call(projectInvites, "POST", url, manager.key, { params, body: { email: email.toUpperCase(), role: "reviewer", expiresInDays: 3 } });
    expect(made.status).toBe(201);
    expect(made.headers.get("cache-control")).toBe("no-store");
    expect(made.json).toMatchObject({ email, projectId: project.id, role: "reviewer", mail: { state: "off" } });
    expect(made.json.link).toMatch(/^https:\/\/loupe\.example\.org\/invite\/[A-Za-z0-9_-]{43}$/);
    expect(made.json.token).toBeUndefined();
    const token = made.json.link.split("/").pop();
    expect(await findInvite(db, token)).toMatchObject({ state: "valid", email });

    const listed = await call(projectInvites, "GET", url, manager.key, { params });
    expect(listed.status).toBe(200);
    expect(listed.json.invites).toEqual([expect.objectContaining({ id: made.json.id, email, state: "pending", role: "reviewer", sendError: null })]);
    expect(listed.text).not.toContain(token);

    const bad = await call(projectInvites, "POST", url, manager.key, { params, body: { email: "nope", role: "boss", expiresInDays: 90 } });
    expect(bad.status).toBe(400);
    expect(bad.json.issues.map((i: { field: string }) => i.field).sort()).toEqual(["expiresInDays", "email", "role"].sort());

    const reviewer = await withKey();
    await addMember(db, manager.user.actor, project.id, { email: reviewer.user.email, role: "reviewer" });
    const byReviewer = await call(projectInvites, "POST", url, reviewer.key, { params, body: { email: "x@example.com", role: "reviewer" } });
    expect(byReviewer.status).toBe(403);
    expect(byReviewer.json.error).toMatch(/add, change or remove members/);
    expect((await call(projectInvites, "GET", url, reviewer.key, { params })).status).toBe(403);

    const other = await withKey();
    expect((await call(projectInvites, "GET", url, other.key, { params })).status).toBe(404);
    const foreignRevoke = await call(oneInvite, "DELETE", `/api/v1/invites/${made.json.id}`, other.key, { params: { inviteId: made.json.id } });
    expect(foreignRevoke.status).toBe(404);
    expect(foreignRevoke.json.error).toBe("No such invite.");

    const revoked = await call(oneInvite, "DELETE", `/api/v1/invites/${made.json.id}`, manager.key, { params: { inviteId: made.json.id } });
    expect(revoked.status).toBe(204);
    expect(await findInvite(db, token)).toEqual({ state: "revoked" });
    const twice = await call(oneInvite, "DELETE", `/api/v1/invites/${made.json.id}`, manager.key, { params: { inviteId: made.json.id } });
    expect(twice.status).toBe(409);
    expect(twice.json.error).toBe("This invite was already revoked.");
  });

  it("admins make and list instance invites; others get 403", async () => {
    const admin = await withKey({ isAdmin: true });
    const plain = await withKey();
    const email = `api-instance-${randomUUID().slice(0, 8)}@example.com`;
    const refused = await call(instanceInvites, "POST", "/api/v1/invites", plain.key, { body: { email } });
    expect(refused.status).toBe(403);
    expect((await call(instanceInvites, "GET", "/api/v1/invites", plain.key)).status).toBe(403);

    const made = await call(instanceInvites, "POST", "/api/v1/invites", admin.key, { body: { email } });
    expect(made.status).toBe(201);
    expect(made.json).toMatchObject({ email, projectId: null, role: null });
    const listed = await call(instanceInvites, "GET", "/api/v1/invites", admin.key);
    expect(listed.json.invites.map((i: { id: string }) => i.id)).toContain(made.json.id);
    expect(listed.text).not.toContain(made.json.link.split("/").pop());
    const taken = await call(instanceInvites, "POST", "/api/v1/invites", admin.key, { body: { email: plain.user.email } });
    expect(taken.status).toBe(409);
  });
});
