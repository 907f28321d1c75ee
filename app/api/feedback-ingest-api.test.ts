import { randomUUID } from "node:crypto";
import { gzipSync } from "node:zlib";
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { feedback, items } from "~db/schema";
import { db } from "~/db.server";
import { createApiKey } from "~/modules/api-keys/create-api-key.server";
import { createIngestKey, revokeIngestKey } from "~/modules/feedback/ingest-keys.server";
import { saveFeedbackSettings } from "~/modules/feedback/settings.server";
import { addItems } from "~/modules/items/add-items.server";
import { createProject } from "~/modules/projects/create-project.server";
import * as feedbackRoute from "~/routes/api.v1.feedback";
import * as me from "~/routes/api.v1.me";
import * as itemsRoute from "~/routes/api.v1.projects.$projectId.items";
import * as keysRoute from "~/routes/api.v1.projects.$projectId.ingest-keys";
import { makeUser } from "~test/factories";
import { FEEDBACK_ADDRESS_LIMIT } from "./endpoints/feedback-ingest.server";

type Route = { loader: (a: never) => Response | Promise<Response>; action: (a: never) => Response | Promise<Response> };
type Call = { method?: string; key?: string; origin?: string; type?: string; body?: string | Uint8Array; ip?: string; params?: Record<string, string>; headers?: Record<string, string> };

async function call(route: Route, path: string, options: Call = {}) {
  const method = options.method ?? "POST";
  const headers: Record<string, string> = { ...options.headers };
  if (options.key) headers.authorization = `Bearer ${options.key}`;
  if (options.origin) headers.origin = options.origin;
  if (options.body !== undefined) headers["content-type"] = options.type ?? "application/json";
  const request = new Request(`http://loupe.test${path}`, { method, headers, body: options.body as BodyInit | undefined });
  const context = { user: null, sessionToken: null, csrfToken: "", cspNonce: "", clientIp: options.ip ?? randomUUID(), secureCookies: false };
  const args = { request, params: options.params ?? {}, context } as never;
  const response = method === "GET" || method === "HEAD" || method === "OPTIONS" ? await route.loader(args) : await route.action(args);
  const text = await response.text();
  return { status: response.status, headers: response.headers, json: text ? JSON.parse(text) : undefined };
}

const send = (key: string, record: unknown, options: Call = {}) => call(feedbackRoute, "/api/v1/feedback", { key, body: JSON.stringify(record), ...options });
const sendLines = (key: string, body: string | Uint8Array, options: Call = {}) => call(feedbackRoute, "/api/v1/feedback", { key, body, type: "application/x-ndjson", ...options });

async function setUp(options: { origins?: string[]; rate?: number } = {}) {
  const owner = await makeUser();
  const project = await createProject(db, owner.actor, { name: `Feedback API ${randomUUID()}` });
  const created = await createIngestKey(db, owner.actor, project.id, { name: "web", allowedOrigins: options.origins ?? [], ratePerMinute: options.rate ?? 10_000 });
  return { owner, projectId: project.id, key: created.key, keyId: created.id };
}

const rowsOf = (projectId: string) => db.select().from(feedback).where(eq(feedback.projectId, projectId)).orderBy(feedback.id);

describe("POST /api/v1/feedback: the ingest key", () => {
  it("writes to its own project only, and reads nothing", async () => {
    const a = await setUp();
    const b = await setUp();
    await addItems(db, b.owner.actor, b.projectId, [{ input: "Q", outputs: [{ text: "A" }], externalId: "trace-b" }]);
    const sent = await send(a.key, { id: "r1", traceId: "trace-b", thumbs: "up" });
    expect(sent).toMatchObject({ status: 201, json: { id: expect.any(Number), duplicate: false } });
    expect(await rowsOf(a.projectId)).toEqual([expect.objectContaining({ id: sent.json.id, traceId: "trace-b", itemId: null, scoreKind: "thumbs", score: 1, source: "end_user", ingestKeyId: a.keyId })]);
    expect(await rowsOf(b.projectId)).toEqual([]);

    expect((await call(me, "/api/v1/me", { method: "GET", key: a.key })).status).toBe(401);
    expect((await call(itemsRoute, `/api/v1/projects/${a.projectId}/items`, { method: "GET", key: a.key, params: { projectId: a.projectId } })).status).toBe(401);
    expect((await call(keysRoute, `/api/v1/projects/${a.projectId}/ingest-keys`, { method: "GET", key: a.key, params: { projectId: a.projectId } })).status).toBe(401);
    expect((await call(feedbackRoute, "/api/v1/feedback", { method: "GET", key: a.key })).status).toBe(405);
  });

  it("is refused when unknown, malformed or revoked (401), and the manager's API key is no ingest key", async () => {
    const { owner, key, keyId, projectId } = await setUp();
    const { key: apiKey } = await createApiKey(db, owner.actor, { name: "script" });
    await revokeIngestKey(db, owner.actor, keyId);
    for (const bad of [key, "lfi_00000000_nonsense", apiKey, ""]) {
      const response = await send(bad, { thumbs: "up" });
      expect(response.status).toBe(401);
      expect(response.json.error).toContain("ingest key");
    }
    expect(await rowsOf(projectId)).toEqual([]);
  });
});

describe("CORS", () => {
  it("answers the preflight only for an origin some live key lists", async () => {
    const origin = `https://app-${randomUUID().slice(0, 8)}.example.com`;
    await setUp({ origins: [origin] });
    const allowed = await call(feedbackRoute, "/api/v1/feedback", { method: "OPTIONS", origin });
    expect(allowed.status).toBe(204);
    expect(Object.fromEntries(allowed.headers)).toMatchObject({
      "access-control-allow-origin": origin,
      "access-control-allow-methods": "POST",
      "access-control-allow-headers": "authorization, content-type",
      "access-control-max-age": "600",
      vary: "Origin",
    });
    expect(allowed.headers.get("access-control-allow-credentials")).toBeNull();
    for (const other of ["https://evil.example.com", `${origin}:8443`, origin.replace("https:", "http:")]) {
      const refused = await call(feedbackRoute, "/api/v1/feedback", { method: "OPTIONS", origin: other });
      expect(refused.status).toBe(403);
      expect(refused.headers.get("access-control-allow-origin")).toBeNull();
    }
    expect((await call(feedbackRoute, "/api/v1/feedback", { method: "OPTIONS" })).status).toBe(403);
  });

  it("checks the key's own origins on the POST: unlisted 403, listed gets ACAO, servers (no Origin) pass", async () => {
    const origin = `https://shop-${randomUUID().slice(0, 8)}.example.com`;
    const other = `https://other-${randomUUID().slice(0, 8)}.example.com`;
    const { key, projectId } = await setUp({ origins: [origin] });
    // why: another project's key lists `other`, so its preflight passes; this key's POST must still fail.
    await setUp({ origins: [other] });
    const refused = await send(key, { thumbs: "down" }, { origin: other });
    expect(refused.status).toBe(403);
    expect(refused.headers.get("access-control-allow-origin")).toBeNull();

    const ok = await send(key, { thumbs: "down", comment: "Too long" }, { origin });
    expect(ok.status).toBe(201);
    expect(ok.headers.get("access-control-allow-origin")).toBe(origin);
    expect(ok.headers.get("vary")).toBe("Origin");
    expect(ok.headers.get("access-control-allow-credentials")).toBeNull();
    const bad = await send(key, { rating: 9 }, { origin });
    expect(bad.status).toBe(400);
    expect(bad.headers.get("access-control-allow-origin")).toBe(origin);

    expect((await send(key, { thumbs: "up" })).status).toBe(201);
    expect((await rowsOf(projectId)).map((r) => r.score)).toEqual([0, 1]);
  });
});

describe("rate limits", () => {
  it("allows exactly the key's records a minute, then 429 with Retry-After", async () => {
    const { key, projectId } = await setUp({ rate: 3 });
    for (let i = 0; i < 3; i++) expect((await send(key, { thumbs: "up" })).status).toBe(201);
    const over = await send(key, { thumbs: "up" });
    expect(over.status).toBe(429);
    expect(Number(over.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(Number(over.headers.get("retry-after"))).toBeLessThanOrEqual(60);
    expect(await rowsOf(projectId)).toHaveLength(3);
  });

  it(`allows exactly ${FEEDBACK_ADDRESS_LIMIT} requests a minute from one address, whatever the key`, async () => {
    const first = await setUp();
    const second = await setUp();
    const ip = `198.51.100.${Math.floor(Math.random() * 250)}-${randomUUID()}`;
    const statuses: number[] = [];
    for (let i = 0; i < FEEDBACK_ADDRESS_LIMIT; i++) statuses.push((await send(i % 2 ? first.key : second.key, { rating: 4 }, { ip })).status);
    expect(statuses.every((s) => s === 201)).toBe(true);
    const over = await send(first.key, { rating: 4 }, { ip });
    expect(over.status).toBe(429);
    expect(over.headers.get("retry-after")).toMatch(/^\d+$/);
    // another address is not held back
    expect((await send(first.key, { rating: 4 })).status).toBe(201);
    expect((await rowsOf(first.projectId)).length + (await rowsOf(second.projectId)).length).toBe(FEEDBACK_ADDRESS_LIMIT + 1);
  });
});

describe("idempotency", () => {
  it("stores a record sent twice once, answering the second with its id and duplicate: true", async () => {
    const { key, projectId } = await setUp();
    const first = await send(key, { id: "abc", thumbs: "up", comment: "Nice" });
    const again = await send(key, { id: "abc", thumbs: "up", comment: "Nice" });
    expect(first).toMatchObject({ status: 201, json: { duplicate: false } });
    expect(again).toMatchObject({ status: 200, json: { id: first.json.id, duplicate: true } });
    expect(await rowsOf(projectId)).toHaveLength(1);
  });

  it("stores one row when the same id arrives in concurrent requests", async () => {
    const { key, projectId } = await setUp();
    const answers = await Promise.all(Array.from({ length: 8 }, () => send(key, { id: "same", rating: 2 })));
    const rows = await rowsOf(projectId);
    expect(rows).toHaveLength(1);
    expect(answers.map((a) => a.json.id)).toEqual(Array(8).fill(rows[0]!.id));
    expect(answers.filter((a) => a.status === 201)).toHaveLength(1);
    expect(answers.filter((a) => a.status === 200 && a.json.duplicate)).toHaveLength(7);
  });

  it("counts a retried batch as duplicates, and repeats inside one batch too", async () => {
    const { key, projectId } = await setUp();
    const body = ['{"id":"1","thumbs":"up"}', '{"id":"2","thumbs":"down"}', '{"id":"1","thumbs":"up"}', '{"thumbs":"up"}'].join("\n");
    expect((await sendLines(key, body)).json).toEqual({ received: 4, accepted: 3, duplicates: 1, rejected: 0, errors: [] });
    expect((await sendLines(key, gzipSync(body))).json).toEqual({ received: 4, accepted: 1, duplicates: 3, rejected: 0, errors: [] });
    expect(await rowsOf(projectId)).toHaveLength(4);
  });
});

describe("bad records", () => {
  it("takes the good lines of an NDJSON batch and names each bad one by line and field", async () => {
    const { key, projectId } = await setUp();
    const body = [
      '{"id":"a","rating":5,"comment":"Great"}',
      '{"id":"b","rating":7}',
      "",
      '{"id":"c","thumbs":"up","colour":"red"}',
      '{"id":"d","comment":"   "}',
      "{not json",
      '{"id":"e","thumbs":"up","userId":"jane@example.com"}',
      '{"id":"f","thumbs":"up","rating":3}',
      '{"id":"g","thumbs":"up","timestamp":"2026-05-01 12:00"}',
      '{"id":"h","thumbs":"up","metadata":{"blob":"' + "x".repeat(17_000) + '"}}',
      '{"id":"i","thumbs":"sideways"}',
      '{"id":"j","comment":"ok","timestamp":"2026-05-01T12:00:00+02:00","segment":"pro","metadata":{"plan":"team"}}',
    ].join("\n");
    const response = await sendLines(key, body);
    expect(response.status).toBe(200);
    expect(response.json).toEqual({
      received: 11,
      accepted: 2,
      duplicates: 0,
      rejected: 9,
      errors: [
        { line: 2, field: "rating", message: "Expected a whole number from 1 to 5." },
        { line: 4, field: "colour", message: 'Unknown field "colour".' },
        { line: 5, field: "comment", message: "Expected a score (thumbs or rating) or a comment that is not blank." },
        { line: 6, field: null, message: expect.stringMatching(/^Not valid JSON/) },
        { line: 7, field: "userId", message: "Expected a pseudonymous user id, not an email address." },
        { line: 8, field: "rating", message: "Give one score: thumbs or rating, not both." },
        { line: 9, field: "timestamp", message: "Expected an ISO 8601 date-time with a time zone, e.g. 2026-05-01T12:00:00Z." },
        { line: 10, field: "metadata", message: "Expected metadata of at most 16 kB as JSON." },
        { line: 11, field: "thumbs", message: 'Expected "up" or "down".' },
      ],
    });
    const rows = await rowsOf(projectId);
    expect(rows.map((r) => r.clientId)).toEqual(["a", "j"]);
    expect(rows[1]).toMatchObject({ comment: "ok", segment: "pro", metadata: { plan: "team" }, occurredAt: new Date("2026-05-01T10:00:00Z"), scoreKind: null, score: null });
  });

  it("keeps the good records of a batch when the database refuses one of them", async () => {
    const { key, projectId } = await setUp();
    const body = ['{"id":"ok-1","thumbs":"up"}', '{"id":"year-zero","thumbs":"up","timestamp":"0000-01-01T00:00:00Z"}', '{"id":"ok-2","thumbs":"down"}'].join("\n");
    const response = await sendLines(key, body);
    expect(response.json).toMatchObject({ received: 3, accepted: 2, rejected: 1, errors: [{ line: 2, field: null, message: expect.stringMatching(/^The database refused this record/) }] });
    expect((await rowsOf(projectId)).map((r) => r.clientId)).toEqual(["ok-1", "ok-2"]);
  });

  it("refuses a single bad record with 400 naming the field, an email as user id among them", async () => {
    const { key, projectId } = await setUp();
    const email = await send(key, { thumbs: "up", userId: "someone@example.org" });
    expect(email).toMatchObject({ status: 400, json: { issues: [{ field: "userId", message: "Expected a pseudonymous user id, not an email address." }] } });
    const future = await send(key, { thumbs: "up", timestamp: new Date(Date.now() + 3 * 86_400_000).toISOString() });
    expect(future).toMatchObject({ status: 400, json: { issues: [{ field: "timestamp", message: "Expected a time not more than a day ahead." }] } });
    const nul = await send(key, { comment: "a\u0000b" });
    expect(nul).toMatchObject({ status: 400, json: { issues: [{ field: "comment" }] } });
    expect(await send(key, { thumbs: "up", timestamp: "0000-01-01T00:00:00Z" })).toMatchObject({ status: 400, json: { error: expect.stringMatching(/^The database refused this record/) } });
    expect((await call(feedbackRoute, "/api/v1/feedback", { key, body: "{", type: "application/json" })).status).toBe(400);
    expect((await call(feedbackRoute, "/api/v1/feedback", { key, body: "x", type: "text/plain" })).status).toBe(415);
    expect(await rowsOf(projectId)).toEqual([]);
    expect((await send(key, { thumbs: "up", userId: "u-4821" })).status).toBe(201);
  });
});

describe("what the feedback is about", () => {
  it("stores inline outputs as held items, one item per content, found again by trace id", async () => {
    const { key, projectId } = await setUp();
    const item = { input: "Suggest a title", output: "Ten ways to cook rice", model: "m-1", promptVersion: "v3" };
    const one = await send(key, { id: "1", item, thumbs: "down" });
    const two = await send(key, { id: "2", item, thumbs: "up" });
    const traced = await send(key, { id: "3", traceId: "t-9", item: { input: [{ role: "user", content: "Hi" }], output: "Hello" }, rating: 4 });
    const byTrace = await send(key, { id: "4", traceId: "t-9", rating: 5 });
    expect([one.status, two.status, traced.status, byTrace.status]).toEqual([201, 201, 201, 201]);
    const stored = await db.select().from(items).where(eq(items.projectId, projectId)).orderBy(items.id);
    expect(stored).toEqual([
      expect.objectContaining({ status: "held", externalId: null, input: { type: "text", text: "Suggest a title" }, outputs: [{ text: "Ten ways to cook rice", model: "m-1" }], metadata: { promptVersion: "v3" } }),
      expect.objectContaining({ status: "held", externalId: "t-9", input: { type: "messages", messages: [{ role: "user", content: "Hi" }] } }),
    ]);
    const rows = await rowsOf(projectId);
    expect(rows.map((r) => r.itemId)).toEqual([stored[0]!.id, stored[0]!.id, stored[1]!.id, stored[1]!.id]);
    expect(rows[0]).toMatchObject({ model: "m-1", promptVersion: "v3" });
  });

  it("puts the project's sample rate of inline outputs into the review queue, the same way on a retry", async () => {
    const { owner, key, projectId } = await setUp();
    await saveFeedbackSettings(db, owner.actor, projectId, { redactPii: false, retentionDays: null, queueSampleRate: 1 });
    expect((await send(key, { id: "s1", item: { input: "Q1", output: "A1" }, thumbs: "up" })).status).toBe(201);
    await saveFeedbackSettings(db, owner.actor, projectId, { redactPii: false, retentionDays: null, queueSampleRate: 0.5 });
    const body = Array.from({ length: 200 }, (_, i) => JSON.stringify({ id: `x${i}`, item: { input: `Q-${i}`, output: "A" }, thumbs: "up" })).join("\n");
    expect((await sendLines(key, body)).json).toMatchObject({ accepted: 200 });
    const open = async () => (await db.select({ id: items.id }).from(items).where(and(eq(items.projectId, projectId), eq(items.status, "open")))).length;
    const opened = await open();
    // why: 200 fair coin flips fall within 100 ± 40 with probability 1 − 2e-8.
    expect(opened - 1).toBeGreaterThan(60);
    expect(opened - 1).toBeLessThan(140);
    expect((await sendLines(key, body)).json).toMatchObject({ accepted: 0, duplicates: 200 });
    expect(await open()).toBe(opened);
  });

  it("redacts PII in comments when the project asks, and keeps them as sent when it does not", async () => {
    const { owner, key, projectId } = await setUp();
    const comment = "Call me on +44 20 7946 0958 or mail jane.doe@example.com";
    expect((await send(key, { id: "plain", comment })).status).toBe(201);
    await saveFeedbackSettings(db, owner.actor, projectId, { redactPii: true, retentionDays: null, queueSampleRate: 0 });
    expect((await send(key, { id: "redacted", comment })).status).toBe(201);
    const rows = await rowsOf(projectId);
    expect(rows.map((r) => [r.comment, r.pii])).toEqual([
      [comment, null],
      ["Call me on [PHONE] or mail [EMAIL]", { phone: 1, email: 1 }],
    ]);
  });
});
