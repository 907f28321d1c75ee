import { randomUUID } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "~/db.server";
import { createApiKey } from "~/modules/api-keys/create-api-key.server";
import { addMember } from "~/modules/projects/add-member.server";
import { createProject } from "~/modules/projects/create-project.server";
import { deliverDueWebhooks } from "~/modules/webhooks/deliver-webhooks.server";
import { emitEvent } from "~/modules/webhooks/emit-event.server";
import { verifySignature } from "~/modules/webhooks/sign.server";
import * as projectWebhooks from "~/routes/api.v1.projects.$projectId.webhooks";
import * as replay from "~/routes/api.v1.webhook-deliveries.$deliveryId.replay";
import * as oneWebhook from "~/routes/api.v1.webhooks.$webhookId";
import * as deliveries from "~/routes/api.v1.webhooks.$webhookId.deliveries";
import { makeUser } from "~test/factories";
import { loadLlmTestEnv } from "~test/support/llm";
import { waitFor } from "~test/support/wait-for";

// why: a real receiver on this machine stands in for a customer's endpoint.
const received: { headers: http.IncomingHttpHeaders; body: string }[] = [];
const receiver = http.createServer((req, res) => {
  let body = "";
  req.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
  req.on("end", () => {
    received.push({ headers: req.headers, body });
    res.writeHead(204).end();
  });
});
let receiverUrl = "";
beforeAll(async () => {
  loadLlmTestEnv({ LOUPE_WEBHOOK_ALLOW_PRIVATE: "true" });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/loupe`;
});
afterAll(() => new Promise<void>((resolve) => receiver.close(() => resolve())));

type Route = { loader: (a: never) => Promise<Response> };

async function call(route: Route, method: string, url: string, key: string, options: { body?: unknown; params?: Record<string, string> } = {}) {
  const headers: Record<string, string> = { authorization: `Bearer ${key}` };
  if (options.body !== undefined) headers["content-type"] = "application/json";
  const request = new Request(`http://loupe.test${url}`, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) });
  const response = await route.loader({ request, params: options.params ?? {}, context: {} } as never);
  const text = await response.text();
  return { status: response.status, text, json: text ? JSON.parse(text) : undefined };
}

async function withKey() {
  const user = await makeUser();
  return { user, key: (await createApiKey(db, user.actor, { name: "webhooks" })).key };
}

describe("/api/v1 webhooks", () => {
  it("a manager creates (the secret once), lists, pauses, reads the log, replays and deletes; reviewers are refused", async () => {
    const manager = await withKey();
    const project = await createProject(db, manager.user.actor, { name: `API webhooks ${randomUUID()}`, description: "" });
    const params = { projectId: project.id };
    const url = `/api/v1/projects/${project.id}/webhooks`;

    const bad = await call(projectWebhooks, "POST", url, manager.key, { params, body: { url: "not a url", events: ["nope"] } });
    expect(bad.status).toBe(400);
    expect(bad.json.issues).toEqual(expect.arrayContaining([expect.objectContaining({ field: "url" }), expect.objectContaining({ field: "events.0" })]));

    const made = await call(projectWebhooks, "POST", url, manager.key, { params, body: { url: receiverUrl, events: ["dataset.ready", "job.finished"] } });
    expect(made.status).toBe(201);
    const { webhook, secret } = made.json;
    expect(webhook).toMatchObject({ url: receiverUrl, events: ["dataset.ready", "job.finished"], active: true, pending: 0 });
    expect(secret).toMatch(/^whsec_/);

    const listed = await call(projectWebhooks, "GET", url, manager.key, { params });
    expect(listed.json.webhooks).toEqual([expect.objectContaining({ id: webhook.id })]);
    expect(listed.text).not.toContain(secret);
    const one = await call(oneWebhook, "GET", `/api/v1/webhooks/${webhook.id}`, manager.key, { params: { webhookId: webhook.id } });
    expect(one.text).not.toContain(secret);
    expect(one.text).not.toContain("secret");

    await emitEvent(db, project.id, "dataset.ready", { key: "ds", data: { dataset_id: "ds" } });
    await deliverDueWebhooks(db);
    const log = await call(deliveries, "GET", `/api/v1/webhooks/${webhook.id}/deliveries?limit=10`, manager.key, { params: { webhookId: webhook.id } });
    expect(log.status).toBe(200);
    expect(log.json).toMatchObject({ deliveries: [{ event: "dataset.ready", state: "delivered", attempts: 1, lastStatus: 204 }], nextBefore: null });
    expect(log.text).not.toContain(secret);

    const deliveryId = String(log.json.deliveries[0].id);
    const replayed = await call(replay, "POST", `/api/v1/webhook-deliveries/${deliveryId}/replay`, manager.key, { params: { deliveryId } });
    expect(replayed.status).toBe(202);
    await waitFor(async () => received.length, (n) => n === 2, "the replayed delivery");
    expect(received[1]!.body).toBe(received[0]!.body);
    expect(verifySignature(secret, String(received[1]!.headers["loupe-signature"]), received[1]!.body)).toBe(true);

    const paused = await call(oneWebhook, "PATCH", `/api/v1/webhooks/${webhook.id}`, manager.key, { params: { webhookId: webhook.id }, body: { active: false } });
    expect(paused.json).toMatchObject({ active: false });
    const badPatch = await call(oneWebhook, "PATCH", `/api/v1/webhooks/${webhook.id}`, manager.key, { params: { webhookId: webhook.id }, body: { events: [] } });
    expect(badPatch.status).toBe(400);
    expect(badPatch.json.issues).toEqual([expect.objectContaining({ field: "events", message: "Choose at least one event." })]);

    const reviewer = await withKey();
    await addMember(db, manager.user.actor, project.id, { email: reviewer.user.email, role: "reviewer" });
    const refused = await call(projectWebhooks, "GET", url, reviewer.key, { params });
    expect(refused.status).toBe(403);
    expect(refused.json.error).toContain("Only managers can manage this project's webhooks");
    expect((await call(replay, "POST", `/api/v1/webhook-deliveries/${deliveryId}/replay`, reviewer.key, { params: { deliveryId } })).status).toBe(403);

    expect((await call(oneWebhook, "DELETE", `/api/v1/webhooks/${webhook.id}`, manager.key, { params: { webhookId: webhook.id } })).status).toBe(204);
    expect((await call(oneWebhook, "GET", `/api/v1/webhooks/${webhook.id}`, manager.key, { params: { webhookId: webhook.id } })).status).toBe(404);
  });
});
