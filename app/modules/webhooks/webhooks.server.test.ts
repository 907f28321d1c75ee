import { randomUUID } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { db, sqlOf } from "~/db.server";
import { addItems } from "~/modules/items/add-items.server";
import { addMember } from "~/modules/projects/add-member.server";
import { createProject } from "~/modules/projects/create-project.server";
import { updateProjectSettings } from "~/modules/projects/update-settings.server";
import { adjudicate } from "~/modules/resolution/adjudicate.server";
import { refreshResolutions } from "~/modules/resolution/refresh-resolutions.server";
import { submitAnnotation } from "~/modules/review/submit-annotation.server";
import { saveTemplate } from "~/modules/templates/save-template.server";
import { ForbiddenError, NotFoundError, ValidationError } from "~/utils/errors";
import { loadEnv } from "~/utils/env.server";
import { makeUser } from "~test/factories";
import { loadLlmTestEnv } from "~test/support/llm";
import { createWebhook } from "./create-webhook.server";
import { deliverDueWebhooks, MAX_ATTEMPTS, RETRY_DELAYS_SECONDS, retryDelayMs } from "./deliver-webhooks.server";
import { emitEvent } from "./emit-event.server";
import { getWebhook, listDeliveries, listWebhooks } from "./queries.server";
import { replayDelivery, sendTestEvent } from "./replay-delivery.server";
import { verifySignature } from "./sign.server";
import { deleteWebhook, updateWebhook } from "./update-webhook.server";

// why: the receiver is a real HTTP server on this machine (what a customer's endpoint would be), never the network.
type Received = { headers: http.IncomingHttpHeaders; body: string };
const received: Received[] = [];
let answers: number[] = [];
const receiver = http.createServer((req, res) => {
  let body = "";
  req.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
  req.on("end", () => {
    received.push({ headers: req.headers, body });
    const status = answers.shift() ?? 200;
    res.writeHead(status, status === 302 ? { location: "/elsewhere" } : {}).end("ok");
  });
});
let url = "";

beforeAll(async () => {
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
});
afterAll(() => new Promise<void>((resolve) => receiver.close(() => resolve())));
beforeEach(() => {
  received.length = 0;
  answers = [];
  loadLlmTestEnv({ LOUPE_WEBHOOK_ALLOW_PRIVATE: "true" });
});

const sql = () => sqlOf(db);
const delivery = async (id: number) =>
  (await sql()<{ state: string; attempts: number; next_attempt_at: Date; last_status: number | null; last_error: string | null; event_id: string }[]>`
    select state, attempts, next_attempt_at, last_status, last_error, event_id from webhook_deliveries where id = ${id}`)[0]!;
/** Makes a delivery due now: the test drives the clock instead of waiting for the backoff. */
const makeDue = (id: number) => sql()`update webhook_deliveries set next_attempt_at = now() where id = ${id}`;

async function project() {
  const manager = await makeUser({ name: "Mona Manager" });
  const p = await createProject(db, manager.actor, { name: `Webhooks ${randomUUID().slice(0, 8)}` });
  return { manager, projectId: p.id };
}

describe("webhooks", () => {
  it("signs a delivery the documented way; the receiver verifies it; the secret is shown once and never again", async () => {
    const { manager, projectId } = await project();
    const { webhook, secret } = await createWebhook(db, manager.actor, projectId, { url, events: ["dataset.ready"] });
    expect(secret).toMatch(/^whsec_/);
    const [stored] = await sql()<{ secret_sealed: string }[]>`select secret_sealed from webhooks where id = ${webhook.id}`;
    expect(stored!.secret_sealed).not.toContain(secret);
    expect(JSON.stringify(await listWebhooks(db, manager.actor, projectId))).not.toContain(secret);
    expect(JSON.stringify(await getWebhook(db, manager.actor, webhook.id))).not.toContain(secret);
    expect(JSON.stringify(await getWebhook(db, manager.actor, webhook.id))).not.toContain(stored!.secret_sealed);

    expect(await emitEvent(db, projectId, "dataset.ready", { key: "d1", data: { dataset_id: "d1", items: 3 } })).toBe(1);
    const outcomes = await deliverDueWebhooks(db);
    expect(outcomes).toEqual([expect.objectContaining({ state: "delivered", status: 200 })]);
    const [request] = received;
    expect(request!.headers["content-type"]).toBe("application/json");
    expect(request!.headers["loupe-event"]).toBe("dataset.ready");
    const body = JSON.parse(request!.body);
    expect(body).toMatchObject({ type: "dataset.ready", project_id: projectId, data: { dataset_id: "d1", items: 3 } });
    expect(request!.headers["loupe-delivery"]).toBe(body.id);
    const signature = String(request!.headers["loupe-signature"]);
    expect(signature).toMatch(new RegExp(`^t=${request!.headers["loupe-timestamp"]},v1=[0-9a-f]{64}$`));
    expect(verifySignature(secret, signature, request!.body)).toBe(true);
    expect(verifySignature("whsec_wrong", signature, request!.body)).toBe(false);
    expect(verifySignature(secret, signature, request!.body.replace("d1", "d2"))).toBe(false);
    expect(verifySignature(secret, signature, request!.body, { now: Number(request!.headers["loupe-timestamp"]) + 301 })).toBe(false);

    const log = await listDeliveries(db, manager.actor, webhook.id);
    expect(log.deliveries[0]).toMatchObject({ event: "dataset.ready", state: "delivered", attempts: 1, lastStatus: 200, lastError: null });
  });

  it("retries a failed attempt with backoff and jitter, then delivers; gives up after the last attempt", async () => {
    const { manager, projectId } = await project();
    const { webhook } = await createWebhook(db, manager.actor, projectId, { url, events: ["import.finished"] });
    await emitEvent(db, projectId, "import.finished", { key: "i1", data: { import_id: "i1" } });
    answers = [500];
    const [first] = await deliverDueWebhooks(db);
    expect(first).toMatchObject({ state: "pending", status: 500, error: "The receiver answered HTTP 500." });
    const after500 = await delivery(first!.id);
    const wait = (new Date(after500.next_attempt_at).getTime() - Date.now()) / 1000;
    expect(wait).toBeGreaterThan(RETRY_DELAYS_SECONDS[0] * 0.8 - 5);
    expect(wait).toBeLessThanOrEqual(RETRY_DELAYS_SECONDS[0] * 1.2);
    expect(await deliverDueWebhooks(db)).toEqual([]); // not due yet
    await makeDue(first!.id);
    const [second] = await deliverDueWebhooks(db);
    expect(second).toMatchObject({ state: "delivered", status: 200 });
    expect(await delivery(first!.id)).toMatchObject({ state: "delivered", attempts: 2, last_error: null });
    expect(received.map((r) => r.headers["loupe-delivery"])).toEqual([after500.event_id, after500.event_id]);

    // The backoff grows: 30 s, 2 min, 10 min, 1 h, 6 h (±20 %).
    expect(retryDelayMs(1, () => 0.5)).toBe(30_000);
    expect(retryDelayMs(2, () => 0.5)).toBe(120_000);
    expect(retryDelayMs(5, () => 0.5)).toBe(6 * 3600_000);
    expect(retryDelayMs(1, () => 0)).toBe(24_000);
    expect(retryDelayMs(1, () => 1)).toBe(36_000);

    await emitEvent(db, projectId, "import.finished", { key: "i2", data: { import_id: "i2" } });
    answers = Array(MAX_ATTEMPTS).fill(503);
    let last;
    for (let i = 0; i < MAX_ATTEMPTS; i++) {
      [last] = await deliverDueWebhooks(db);
      if (last!.state === "pending") await makeDue(last!.id);
    }
    expect(last).toMatchObject({ state: "failed", status: 503 });
    expect(await delivery(last!.id)).toMatchObject({ state: "failed", attempts: MAX_ATTEMPTS, last_error: "The receiver answered HTTP 503." });
    expect((await listWebhooks(db, manager.actor, projectId))[0]).toMatchObject({ id: webhook.id, failed: 1, pending: 0 });
  });

  it("does not follow a redirect, and records an unreachable receiver without any secret", async () => {
    const { manager, projectId } = await project();
    const { webhook, secret } = await createWebhook(db, manager.actor, projectId, { url, events: ["job.finished"] });
    await emitEvent(db, projectId, "job.finished", { key: "j1", data: {} });
    answers = [302];
    const [redirected] = await deliverDueWebhooks(db);
    expect(redirected).toMatchObject({ state: "pending", status: 302, error: "The receiver answered HTTP 302 (a redirect; webhooks do not follow redirects)." });
    expect(received).toHaveLength(1);

    await updateWebhook(db, manager.actor, webhook.id, { url: "http://127.0.0.1:1/nothing-listens" });
    await makeDue(redirected!.id);
    const [refused] = await deliverDueWebhooks(db);
    expect(refused!.state).toBe("pending");
    expect(refused!.error).toContain("Could not reach the receiver");
    expect(refused!.error).not.toContain(secret);
  });

  it("the SSRF guard refuses loopback without LOUPE_WEBHOOK_ALLOW_PRIVATE and metadata addresses always", async () => {
    const { manager, projectId } = await project();
    loadEnv({ ...process.env, SESSION_SECRET: "a session secret for the webhook tests, long enough", LOUPE_WEBHOOK_ALLOW_PRIVATE: "false" });
    const refused = createWebhook(db, manager.actor, projectId, { url, events: ["item.resolved"] });
    await expect(refused).rejects.toBeInstanceOf(ValidationError);
    await expect(refused).rejects.toThrow("127.0.0.1 is a loopback address (set LOUPE_WEBHOOK_ALLOW_PRIVATE=true to allow private and local addresses)");
    await expect(createWebhook(db, manager.actor, projectId, { url: "http://169.254.169.254/latest/meta-data/", events: ["item.resolved"] })).rejects.toThrow(
      "169.254.169.254 is a cloud metadata service",
    );
    loadLlmTestEnv({ LOUPE_WEBHOOK_ALLOW_PRIVATE: "true" });
    await expect(createWebhook(db, manager.actor, projectId, { url: "http://169.254.169.254/", events: ["item.resolved"] })).rejects.toThrow("cloud metadata");

    // A webhook saved while private addresses were allowed is still refused at send time once they are not (and the attempt is logged).
    const { webhook } = await createWebhook(db, manager.actor, projectId, { url, events: ["item.resolved"] });
    await emitEvent(db, projectId, "item.resolved", { key: "x", data: {} });
    const [outcome] = await deliverDueWebhooks(db, { allowPrivate: false });
    expect(outcome).toMatchObject({ state: "pending", status: null });
    expect(outcome!.error).toContain("loopback address (set LOUPE_WEBHOOK_ALLOW_PRIVATE=true");
    expect(received).toHaveLength(0);
    expect((await listDeliveries(db, manager.actor, webhook.id)).deliveries[0]!.lastError).toContain("LOUPE_WEBHOOK_ALLOW_PRIVATE");
  });

  it("checks the input and who asks: a field-named error, managers only, 404 for outsiders", async () => {
    const { manager, projectId } = await project();
    await expect(createWebhook(db, manager.actor, projectId, { url: "ftp://x", events: [] })).rejects.toMatchObject({
      issues: expect.arrayContaining([expect.objectContaining({ field: "url" }), expect.objectContaining({ field: "events", message: "Choose at least one event." })]),
    });
    await expect(createWebhook(db, manager.actor, projectId, { url, events: ["item.created"] })).rejects.toThrow(/events\.0: Expected one of item\.resolved/);
    await expect(createWebhook(db, manager.actor, projectId, { url: "https://hook:hunter2@example.com/x", events: ["item.resolved"] })).rejects.toThrow(
      "url: Expected a URL without a user name or password",
    );
    const reviewer = await makeUser();
    await addMember(db, manager.actor, projectId, { email: reviewer.email, role: "reviewer" });
    await expect(listWebhooks(db, reviewer.actor, projectId)).rejects.toBeInstanceOf(ForbiddenError);
    const { webhook } = await createWebhook(db, manager.actor, projectId, { url, events: ["item.resolved"] });
    await expect(getWebhook(db, reviewer.actor, webhook.id)).rejects.toThrow("Only managers can manage this project's webhooks");
    const outsider = await makeUser();
    await expect(getWebhook(db, outsider.actor, webhook.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(deleteWebhook(db, outsider.actor, webhook.id)).rejects.toBeInstanceOf(NotFoundError);
    await deleteWebhook(db, manager.actor, webhook.id);
    await expect(getWebhook(db, manager.actor, webhook.id)).rejects.toBeInstanceOf(NotFoundError);
  });

  it("emits only to active webhooks subscribed to the event, once per occurrence; paused ones wait", async () => {
    const { manager, projectId } = await project();
    expect(await emitEvent(db, projectId, "dataset.ready", { key: "none", data: {} })).toBe(0); // no webhooks: nothing written
    const a = (await createWebhook(db, manager.actor, projectId, { url, events: ["dataset.ready"] })).webhook;
    const b = (await createWebhook(db, manager.actor, projectId, { url, events: ["job.finished"] })).webhook;
    expect(await emitEvent(db, projectId, "dataset.ready", { key: "d1", data: {} })).toBe(1);
    expect(await emitEvent(db, projectId, "dataset.ready", { key: "d1", data: {} })).toBe(0);
    expect((await listDeliveries(db, manager.actor, b.id)).deliveries).toHaveLength(0);

    await updateWebhook(db, manager.actor, a.id, { active: false });
    expect(await emitEvent(db, projectId, "dataset.ready", { key: "d2", data: {} })).toBe(0);
    expect(await deliverDueWebhooks(db)).toEqual([]); // the pending d1 waits while paused
    await updateWebhook(db, manager.actor, a.id, { active: true });
    expect(await deliverDueWebhooks(db)).toEqual([expect.objectContaining({ state: "delivered" })]);
  });

  it("replays a delivery with the same payload and event id, and sends a test event", async () => {
    const { manager, projectId } = await project();
    const { webhook, secret } = await createWebhook(db, manager.actor, projectId, { url, events: ["dataset.ready"] });
    await emitEvent(db, projectId, "dataset.ready", { key: "d1", data: { dataset_id: "d1" } });
    const [sent] = await deliverDueWebhooks(db);
    await replayDelivery(db, manager.actor, sent!.id);
    expect(await delivery(sent!.id)).toMatchObject({ state: "pending", attempts: 0 });
    expect(await deliverDueWebhooks(db)).toEqual([]); // leased to the replaying caller: the periodic sender leaves it
    expect(await deliverDueWebhooks(db, { ids: [sent!.id] })).toEqual([expect.objectContaining({ state: "delivered" })]);
    expect(received).toHaveLength(2);
    expect(received[1]!.body).toBe(received[0]!.body);
    expect(received[1]!.headers["loupe-delivery"]).toBe(received[0]!.headers["loupe-delivery"]);
    expect(verifySignature(secret, String(received[1]!.headers["loupe-signature"]), received[1]!.body)).toBe(true);

    const test = await sendTestEvent(db, manager.actor, webhook.id);
    await deliverDueWebhooks(db, { ids: [test.id] });
    expect(received[2]!.headers["loupe-event"]).toBe("webhook.test");
    const log = await listDeliveries(db, manager.actor, webhook.id, { limit: 1 });
    expect(log.deliveries.map((d) => d.event)).toEqual(["webhook.test"]);
    const older = await listDeliveries(db, manager.actor, webhook.id, { before: log.nextBefore!, limit: 1 });
    expect(older).toMatchObject({ deliveries: [expect.objectContaining({ event: "dataset.ready", attempts: 1 })], nextBefore: null });

    const outsider = await makeUser();
    await expect(replayDelivery(db, outsider.actor, sent!.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(replayDelivery(db, manager.actor, 999_999_999)).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe("delivery", () => {
  it("sends a due delivery once when several senders run at the same moment (at least once, not twice at once)", async () => {
    const { manager, projectId } = await project();
    await createWebhook(db, manager.actor, projectId, { url, events: ["job.finished"] });
    await emitEvent(db, projectId, "job.finished", [{ key: "a", data: {} }, { key: "b", data: {} }, { key: "c", data: {} }]);
    const passes = await Promise.all([deliverDueWebhooks(db), deliverDueWebhooks(db), deliverDueWebhooks(db), deliverDueWebhooks(db)]);
    expect(passes.flat().map((o) => o.state)).toEqual(["delivered", "delivered", "delivered"]);
    expect(new Set(received.map((r) => r.headers["loupe-delivery"])).size).toBe(3);
    expect(received).toHaveLength(3);
  });
});

describe("item.resolved", () => {
  it("is emitted once when two reviewers submit at once and two refreshes race, and not again on later refreshes", async () => {
    const { manager, projectId } = await project();
    await saveTemplate(db, manager.actor, projectId, { questions: [{ key: "intent", kind: "choice", text: "Intent", options: [{ value: "billing" }, { value: "shipping" }] }] });
    await updateProjectSettings(db, manager.actor, projectId, { overlap: 2 });
    const reviewers = [await makeUser(), await makeUser()];
    for (const r of reviewers) await addMember(db, manager.actor, projectId, { email: r.email, role: "reviewer" });
    const [itemId] = (await addItems(db, manager.actor, projectId, [{ input: "Where is my parcel?", outputs: [{ text: "On its way." }] }])).ids;
    const { webhook } = await createWebhook(db, manager.actor, projectId, { url, events: ["item.resolved"] });

    await Promise.all(reviewers.map((r) => submitAnnotation(db, r.actor, { itemId: itemId!, values: { intent: "billing" }, idempotencyKey: randomUUID() })));
    await Promise.all([refreshResolutions(db, projectId), refreshResolutions(db, projectId), refreshResolutions(db, projectId)]);
    await refreshResolutions(db, projectId);
    const { deliveries } = await listDeliveries(db, manager.actor, webhook.id);
    expect(deliveries).toHaveLength(1);
    await deliverDueWebhooks(db);
    const body = JSON.parse(received[0]!.body);
    expect(body).toMatchObject({ type: "item.resolved", data: { item_id: itemId, adjudicated: false } });
    expect(received[0]!.body).not.toContain("Where is my parcel");

    // A manager settling a question of the resolved item reports it again, once, as adjudicated.
    await adjudicate(db, manager.actor, { itemId: itemId!, questionKey: "intent", value: "shipping" });
    await refreshResolutions(db, projectId);
    const after = await listDeliveries(db, manager.actor, webhook.id);
    expect(after.deliveries).toHaveLength(2);
    await deliverDueWebhooks(db);
    expect(JSON.parse(received[1]!.body)).toMatchObject({ type: "item.resolved", data: { item_id: itemId, adjudicated: true, question_key: "intent" } });
  });

  it("is emitted once when an adjudication resolves an unresolved item", async () => {
    const { manager, projectId } = await project();
    await saveTemplate(db, manager.actor, projectId, { questions: [{ key: "intent", kind: "choice", text: "Intent", options: [{ value: "billing" }, { value: "shipping" }] }] });
    await updateProjectSettings(db, manager.actor, projectId, { overlap: 2 });
    const reviewers = [await makeUser(), await makeUser()];
    for (const r of reviewers) await addMember(db, manager.actor, projectId, { email: r.email, role: "reviewer" });
    const [itemId] = (await addItems(db, manager.actor, projectId, [{ input: "Refund?", outputs: [{ text: "Maybe." }] }])).ids;
    const { webhook } = await createWebhook(db, manager.actor, projectId, { url, events: ["item.resolved"] });
    await submitAnnotation(db, reviewers[0]!.actor, { itemId: itemId!, values: { intent: "billing" }, idempotencyKey: randomUUID() });
    await submitAnnotation(db, reviewers[1]!.actor, { itemId: itemId!, values: { intent: "shipping" }, idempotencyKey: randomUUID() });
    await refreshResolutions(db, projectId);
    expect((await listDeliveries(db, manager.actor, webhook.id)).deliveries).toHaveLength(0); // a split vote: unresolved
    await adjudicate(db, manager.actor, { itemId: itemId!, questionKey: "intent", value: "billing" });
    await refreshResolutions(db, projectId);
    const { deliveries } = await listDeliveries(db, manager.actor, webhook.id);
    expect(deliveries.map((d) => d.event)).toEqual(["item.resolved"]);
  });
});
