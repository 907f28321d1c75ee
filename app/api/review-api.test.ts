import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { annotations, items } from "~db/schema";
import { db } from "~/db.server";
import { createApiKey } from "~/modules/api-keys/create-api-key.server";
import * as editRoute from "~/routes/api.v1.annotations.$annotationId";
import * as submitRoute from "~/routes/api.v1.items.$itemId.annotations";
import * as skipRoute from "~/routes/api.v1.items.$itemId.skip";
import * as projectsRoute from "~/routes/api.v1.projects";
import * as projectRoute from "~/routes/api.v1.projects.$projectId";
import * as itemsRoute from "~/routes/api.v1.projects.$projectId.items";
import * as membersRoute from "~/routes/api.v1.projects.$projectId.members";
import * as claimRoute from "~/routes/api.v1.projects.$projectId.queue.claim";
import * as templateRoute from "~/routes/api.v1.projects.$projectId.template";
import { makeUser } from "~test/factories";

type Route = { loader: (a: never) => Promise<Response> };

async function call(route: Route, method: string, key: string, params: Record<string, string>, body?: unknown) {
  const request = new Request("http://loupe.test/api/v1/x", {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const response = await route.loader({ request, params, context: {} } as never);
  const text = await response.text();
  return { status: response.status, json: text ? JSON.parse(text) : undefined };
}

async function keyFor() {
  const user = await makeUser();
  const { key } = await createApiKey(db, user.actor, { name: "t" });
  return { ...user, key };
}

const template = {
  questions: [
    { key: "quality", kind: "rating", text: "Quality", min: 1, max: 5, required: true },
    { key: "fixed", kind: "correction", text: "Fix it" },
  ],
};

describe("headless review through /api/v1", () => {
  it("sets a project up by script, then claims, submits, retries, edits and skips", async () => {
    const manager = await keyFor();
    const reviewer = await keyFor();
    const project = (await call(projectsRoute, "POST", manager.key, {}, { name: `Headless ${randomUUID()}` })).json;
    const p = { projectId: project.id };

    expect((await call(templateRoute, "GET", manager.key, p)).status).toBe(404);
    const put = await call(templateRoute, "PUT", manager.key, p, template);
    expect(put.status).toBe(200);
    expect(put.json.version).toBe(1);
    expect((await call(templateRoute, "GET", manager.key, p)).json).toMatchObject({ version: 1, questions: [{ key: "quality" }, { key: "fixed" }] });

    const badTemplate = await call(templateRoute, "PUT", manager.key, p, { questions: [template.questions[0], template.questions[0]] });
    expect(badTemplate.status).toBe(400);
    expect(badTemplate.json.issues).toEqual([{ field: "questions.1.key", message: 'The key "quality" is used twice.' }]);

    const settings = await call(projectRoute, "PATCH", manager.key, p, { overlap: 2, leaseMinutes: 10, guidelines: "# Be kind" });
    expect(settings.json).toMatchObject({ overlap: 2, leaseMinutes: 10, guidelines: "# Be kind", templateVersion: 1 });
    expect((await call(projectRoute, "PATCH", manager.key, p, { overlap: 51 })).json.issues).toEqual([{ field: "overlap", message: "At most 50." }]);
    expect((await call(projectRoute, "PATCH", manager.key, p, { overlap: 50 })).json).toMatchObject({ overlap: 50 });
    expect((await call(projectRoute, "PATCH", manager.key, p, { overlap: 2 })).json).toMatchObject({ overlap: 2 });

    const bad = await call(itemsRoute, "POST", manager.key, p, [{ input: "ok", outputs: [{ text: "fine" }] }, { input: "no outputs" }]);
    expect(bad.status).toBe(400);
    expect(bad.json.issues).toEqual([{ field: "1.outputs", message: '"outputs" is missing' }]);
    const added = await call(itemsRoute, "POST", manager.key, p, [
      { input: "What is 2+2?", outputs: [{ text: "4", model: "m1" }], externalId: "q1", metadata: { latencyMs: 120 } },
      { input: { messages: [{ role: "system", content: "Be brief" }, { role: "user", content: "Hi" }] }, outputs: [{ text: "Hello" }], externalId: "q2" },
    ]);
    expect(added.json).toMatchObject({ received: 2, inserted: 2, duplicates: 0 });
    const again = await call(itemsRoute, "POST", manager.key, p, [{ input: "changed", outputs: [{ text: "x" }], externalId: "q1" }]);
    expect(again.json).toMatchObject({ received: 1, inserted: 0, duplicates: 1 });

    expect((await call(membersRoute, "POST", manager.key, p, { email: reviewer.email, role: "reviewer" })).status).toBe(201);
    expect((await call(templateRoute, "PUT", reviewer.key, p, template)).status).toBe(403);
    expect((await call(itemsRoute, "POST", reviewer.key, p, [{ input: "x", outputs: [{ text: "y" }] }])).status).toBe(403);

    const claim = await call(claimRoute, "POST", reviewer.key, p);
    expect(claim.status).toBe(200);
    expect(claim.json.item).toMatchObject({ externalId: "q1", input: { type: "text", text: "What is 2+2?" }, metadata: {}, outputs: [{ text: "4" }] }); // blind: no model, no metadata for a reviewer
    expect(claim.json.lease.id).toMatch(/^[0-9a-f-]{36}$/);
    const itemId = String(claim.json.item.id);

    const invalid = await call(submitRoute, "POST", reviewer.key, { itemId }, { values: { quality: 6 }, idempotencyKey: randomUUID() });
    expect(invalid.status).toBe(400);
    expect(invalid.json.issues).toEqual([{ field: "values.quality", message: "Expected a whole number from 1 to 5." }]);

    const key = randomUUID();
    const submitted = await call(submitRoute, "POST", reviewer.key, { itemId }, { values: { quality: 4, fixed: { text: "Four." } }, idempotencyKey: key, durationMs: 5000 });
    expect(submitted.status).toBe(201);
    const retried = await call(submitRoute, "POST", reviewer.key, { itemId }, { values: { quality: 1 }, idempotencyKey: key });
    expect(retried.status).toBe(200);
    expect(retried.json).toEqual(submitted.json);
    expect(await db.select().from(annotations).where(eq(annotations.itemId, Number(itemId)))).toHaveLength(1);

    const edited = await call(editRoute, "PATCH", reviewer.key, { annotationId: submitted.json.id }, { values: { quality: 5 }, version: submitted.json.version });
    expect(edited.json).toMatchObject({ version: submitted.json.version + 1, values: { quality: 5 } });
    const stale = await call(editRoute, "PATCH", reviewer.key, { annotationId: submitted.json.id }, { values: { quality: 2 }, version: submitted.json.version });
    expect(stale.status).toBe(409);
    expect(stale.json.current).toMatchObject({ version: edited.json.version, values: { quality: 5 } });

    const second = await call(claimRoute, "POST", reviewer.key, p);
    expect(second.json.item.input).toEqual({ type: "messages", messages: [{ role: "system", content: "Be brief" }, { role: "user", content: "Hi" }] });
    expect((await call(skipRoute, "POST", reviewer.key, { itemId: String(second.json.item.id) }, { reason: "unclear" })).status).toBe(204);
    expect((await call(claimRoute, "POST", reviewer.key, p)).status).toBe(204);

    const outsider = await keyFor();
    expect((await call(claimRoute, "POST", outsider.key, p)).status).toBe(404);
    expect((await call(submitRoute, "POST", outsider.key, { itemId }, { values: { quality: 3 }, idempotencyKey: randomUUID() })).status).toBe(404);
    const [item] = await db.select({ submittedCount: items.submittedCount }).from(items).where(eq(items.id, Number(itemId)));
    expect(item!.submittedCount).toBe(1);
  });

  it("a claim says 202 with Retry-After while what is left is held by others, and 204 only once nothing can come back", async () => {
    const manager = await keyFor();
    const [alice, bob] = [await keyFor(), await keyFor()];
    const p = { projectId: (await call(projectsRoute, "POST", manager.key, {}, { name: `Held ${randomUUID()}` })).json.id };
    await call(templateRoute, "PUT", manager.key, p, template);
    await call(itemsRoute, "POST", manager.key, p, [{ input: "Only prompt", outputs: [{ text: "Only answer" }] }]);
    for (const who of [alice, bob]) await call(membersRoute, "POST", manager.key, p, { email: who.email, role: "reviewer" });

    const aliceClaim = await call(claimRoute, "POST", alice.key, p);
    expect(aliceClaim.status).toBe(200);
    const request = new Request("http://loupe.test/api/v1/x", { method: "POST", headers: { authorization: `Bearer ${bob.key}` } });
    const waiting = await claimRoute.loader({ request, params: p, context: {} } as never);
    expect(waiting.status).toBe(202);
    const retryAfter = Number(waiting.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(30 * 60);
    expect(await waiting.json()).toEqual({
      heldByOthers: 1,
      retryAt: aliceClaim.json.lease.expiresAt,
      message: expect.stringMatching(/^1 item is being reviewed by others; check back in about \d+ minutes?\.$/),
    });

    const itemId = String(aliceClaim.json.item.id);
    expect((await call(submitRoute, "POST", alice.key, { itemId }, { values: { quality: 3 }, idempotencyKey: randomUUID() })).status).toBe(201);
    expect((await call(claimRoute, "POST", bob.key, p)).status).toBe(204);
  });
});
