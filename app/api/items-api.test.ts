import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { imports, items } from "~db/schema";
import { db } from "~/db.server";
import { createApiKey } from "~/modules/api-keys/create-api-key.server";
import { addMember } from "~/modules/projects/add-member.server";
import { createProject } from "~/modules/projects/create-project.server";
import * as itemsRoute from "~/routes/api.v1.projects.$projectId.items";
import * as bulkRoute from "~/routes/api.v1.projects.$projectId.items.bulk";
import { makeUser } from "~test/factories";
import { openApiDocument } from "./openapi.server";

async function keyed() {
  const user = await makeUser();
  const { key } = await createApiKey(db, user.actor, { name: "import script" });
  return { ...user, key };
}

async function setUp() {
  const owner = await keyed();
  const project = await createProject(db, owner.actor, { name: `Items API ${randomUUID()}` });
  return { owner, projectId: project.id };
}

/** A body that arrives in pieces, as a long upload does. */
function streamOf(text: string, chunk = 1000): ReadableStream<Uint8Array> {
  const bytes = Buffer.from(text);
  let at = 0;
  return new ReadableStream({
    pull(controller) {
      if (at >= bytes.length) return controller.close();
      controller.enqueue(new Uint8Array(bytes.subarray(at, at + chunk)));
      at += chunk;
    },
  });
}

async function call(method: string, key: string, projectId: string, options: { query?: string; type?: string; body?: string | ReadableStream<Uint8Array>; headers?: Record<string, string> } = {}) {
  const request = new Request(`http://loupe.test/api/v1/projects/${projectId}/items${options.query ?? ""}`, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(options.type ? { "content-type": options.type } : {}), ...options.headers },
    body: options.body,
    ...(options.body instanceof ReadableStream ? { duplex: "half" } : {}),
  } as RequestInit);
  const response = await itemsRoute.loader({ request, params: { projectId }, context: {} } as never);
  const text = await response.text();
  return { status: response.status, json: text ? JSON.parse(text) : undefined };
}

const lines = (n: number, from = 0) => Array.from({ length: n }, (_, i) => JSON.stringify({ input: `Q${from + i}`, outputs: [{ text: `A${from + i}` }], externalId: `q${from + i}` })).join("\n");

describe("POST /api/v1/projects/:id/items", () => {
  it("takes an NDJSON stream of any length, reports bad lines, and records the import", async () => {
    const { owner, projectId } = await setUp();
    const body = `${lines(2500)}\n{"input": "no outputs"}\n${lines(10, 2500)}\n`;
    const response = await call("POST", owner.key, projectId, { type: "application/x-ndjson", body: streamOf(body) });
    expect(response.status).toBe(200);
    expect(response.json).toMatchObject({ received: 2511, inserted: 2510, duplicates: 0, rejected: 1, errors: [{ line: 2501, record: 2501, field: "outputs", message: '"outputs" is missing' }] });
    const [row] = await db.select().from(imports).where(eq(imports.id, response.json.importId));
    expect(row).toMatchObject({ origin: "api", state: "succeeded", received: 2511, inserted: 2510, rejected: 1, lastLine: 2511 });

    const again = await call("POST", owner.key, projectId, { type: "application/x-ndjson", body: streamOf(body, 65536) });
    expect(again.json).toMatchObject({ received: 2511, inserted: 0, duplicates: 2510, rejected: 1 });
  });

  it("reads presets and mappings from the query: CSV with ?format, add-outputs, map=", async () => {
    const { owner, projectId } = await setUp();
    const csv = "question,answer,model\nWhat is 2+2?,4,m1\nCapital of France?,Paris,m1\n";
    const first = await call("POST", owner.key, projectId, { query: "?map=input=question&map=output=answer@{model}", type: "text/csv", body: csv });
    expect(first.json).toMatchObject({ received: 2, inserted: 2 });
    const second = await call("POST", owner.key, projectId, {
      query: "?format=pairwise&mode=add-outputs",
      type: "application/x-ndjson",
      body: '{"prompt": "What is 2+2?", "response_a": "4", "response_b": "four", "model_a": "m1", "model_b": "m2"}\n',
    });
    expect(second.json).toMatchObject({ received: 1, matched: 1, outputsAdded: 1, unmatched: 0 });
    const rows = await db.select({ outputs: items.outputs }).from(items).where(eq(items.projectId, projectId)).orderBy(items.id);
    expect(rows.map((r) => r.outputs)).toEqual([[{ text: "4", model: "m1" }, { text: "four", model: "m2" }], [{ text: "Paris", model: "m1" }]]);

    const bad = await call("POST", owner.key, projectId, { query: "?map=nonsense", type: "text/csv", body: csv });
    expect(bad).toMatchObject({ status: 400, json: { issues: [{ field: "query.map", message: '"nonsense": write field=path, e.g. input=question or output=answer@gpt-4o.' }] } });
  });

  it("keeps JSON arrays as they were: up to 1,000 items, all or nothing, new ids returned", async () => {
    const { owner, projectId } = await setUp();
    const ok = await call("POST", owner.key, projectId, { type: "application/json", body: JSON.stringify([{ input: "a", outputs: [{ text: "b" }] }]) });
    expect(ok.status).toBe(200);
    expect(ok.json).toMatchObject({ received: 1, inserted: 1, duplicates: 0, rejected: 0, ids: [expect.any(Number)] });
    const many = Array.from({ length: 1001 }, (_, i) => ({ input: `x${i}`, outputs: [{ text: "y" }] }));
    const tooMany = await call("POST", owner.key, projectId, { type: "application/json", body: JSON.stringify(many) });
    expect(tooMany).toMatchObject({ status: 400, json: { error: "Send at most 1,000 items per JSON array request; stream application/x-ndjson for more." } });
    expect(await db.select().from(items).where(eq(items.projectId, projectId))).toHaveLength(1);
  });

  it("answers empty, unreadable, unsupported and oversized bodies clearly", async () => {
    const { owner, projectId } = await setUp();
    expect(await call("POST", owner.key, projectId, { type: "application/x-ndjson", body: "" })).toMatchObject({
      status: 400,
      json: { error: "The body is empty: send one item per line.", received: 0 },
    });
    expect(await call("POST", owner.key, projectId, { type: "application/x-ndjson", body: '{"input": "x"}\n' })).toMatchObject({
      status: 422,
      json: { error: "No row could be imported: all 1 rows were rejected.", rejected: 1, errors: [{ line: 1, message: '"outputs" is missing' }] },
    });
    expect(await call("POST", owner.key, projectId, { type: "text/plain", body: "hello" })).toMatchObject({
      status: 415,
      json: { error: "Expected Content-Type application/json (an array of up to 1,000 items), application/x-ndjson or text/csv (got text/plain)." },
    });
    const huge = await call("POST", owner.key, projectId, { type: "application/x-ndjson", body: "{}", headers: { "content-length": String(3 * 1024 ** 3) } });
    expect(huge).toMatchObject({ status: 413, json: { error: "The upload is larger than the 2 GB limit (LOUPE_IMPORT_MAX_BYTES)." } });
  });

  it("is for roles that may import: reviewers get 403, strangers 404", async () => {
    const { owner, projectId } = await setUp();
    const reviewer = await keyed();
    await addMember(db, owner.actor, projectId, { email: reviewer.email, role: "reviewer" });
    expect((await call("POST", reviewer.key, projectId, { type: "application/x-ndjson", body: lines(1) })).status).toBe(403);
    expect((await call("POST", (await keyed()).key, projectId, { type: "application/x-ndjson", body: lines(1) })).status).toBe(404);
    expect(await db.select().from(items).where(eq(items.projectId, projectId))).toHaveLength(0);
  });
});

describe("GET /api/v1/projects/:id/items", () => {
  it("pages through a project's items in the order they went in, with outputs and metadata", async () => {
    const { owner, projectId } = await setUp();
    await call("POST", owner.key, projectId, { type: "application/x-ndjson", body: `${lines(5)}\n{"input": "m", "outputs": [], "metadata": {"latencyMs": 5}}\n` });
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = await call("GET", owner.key, projectId, { query: `?limit=2${cursor ? `&cursor=${cursor}` : ""}` });
      expect(page.status).toBe(200);
      seen.push(...page.json.items.map((i: { input: { text: string } }) => i.input.text));
      cursor = page.json.nextCursor;
      pages++;
    } while (cursor);
    expect(seen).toEqual(["Q0", "Q1", "Q2", "Q3", "Q4", "m"]);
    expect(pages).toBe(3);
    const last = await call("GET", owner.key, projectId, { query: "?limit=1000" });
    expect(last.json.items.at(-1)).toMatchObject({ externalId: null, outputs: [], metadata: { latencyMs: 5 }, gold: null, source: "api", status: "open" });
    expect(last.json.items[0]).toMatchObject({ externalId: "q0", outputs: [{ text: "A0" }] });

    expect(await call("GET", owner.key, projectId, { query: "?cursor=nonsense" })).toMatchObject({ status: 400, json: { issues: [{ field: "query.cursor" }] } });
    expect(await call("GET", owner.key, projectId, { query: "?limit=1001" })).toMatchObject({ status: 400, json: { issues: [{ field: "query.limit", message: "At most 1000." }] } });
  });
});

describe("GET /api/v1/projects/:id/items with the data manager's filters", () => {
  it("searches, filters, sorts by priority and pages back, and names a bad parameter", async () => {
    const { owner, projectId } = await setUp();
    const rows = ["red apple", "green apple", "red car", "blue sky"].map((text, n) => JSON.stringify({ input: `Say ${text}`, outputs: [{ text: `ok ${n}`, model: n % 2 ? "m-odd" : "m-even" }], priority: n, externalId: `c${n}` }));
    await call("POST", owner.key, projectId, { type: "application/x-ndjson", body: rows.join("\n") });
    const apples = await call("GET", owner.key, projectId, { query: "?q=apple" });
    expect(apples.json.items.map((i: { externalId: string }) => i.externalId)).toEqual(["c0", "c1"]);
    const filter = encodeURIComponent(JSON.stringify({ models: ["m-odd"] }));
    const odd = await call("GET", owner.key, projectId, { query: `?filter=${filter}&sort=priority&dir=desc` });
    expect(odd.json.items.map((i: { externalId: string }) => i.externalId)).toEqual(["c3", "c1"]);
    const first = await call("GET", owner.key, projectId, { query: "?sort=priority&dir=desc&limit=2" });
    const second = await call("GET", owner.key, projectId, { query: `?sort=priority&dir=desc&limit=2&cursor=${first.json.nextCursor}` });
    expect(second.json.items.map((i: { priority: number }) => i.priority)).toEqual([1, 0]);
    const back = await call("GET", owner.key, projectId, { query: `?sort=priority&dir=desc&limit=2&before=${second.json.prevCursor}` });
    expect(back.json).toMatchObject({ items: first.json.items, prevCursor: null });
    expect(await call("GET", owner.key, projectId, { query: "?filter=%7Bnope" })).toMatchObject({ status: 400, json: { issues: [{ field: "query.filter", message: "Expected a dataset filter as JSON." }] } });
    expect(await call("GET", owner.key, projectId, { query: "?sort=size" })).toMatchObject({ status: 400, json: { issues: [{ field: "query.sort" }] } });
  });
});

describe("POST /api/v1/projects/:id/items/bulk", () => {
  async function bulk(key: string, projectId: string, body: unknown) {
    const request = new Request(`http://loupe.test/api/v1/projects/${projectId}/items/bulk`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    const response = await bulkRoute.action({ request, params: { projectId }, context: {} } as never);
    return { status: response.status, json: await response.json() };
  }

  it("sets priority on a whole search, deletes a confirmed selection, and refuses others and bad input", async () => {
    const { owner, projectId } = await setUp();
    const added = await call("POST", owner.key, projectId, { type: "application/json", body: JSON.stringify(["alpha one", "alpha two", "beta"].map((t) => ({ input: t, outputs: [] }))) });
    const ids: number[] = added.json.ids;
    expect(await bulk(owner.key, projectId, { selection: { query: { q: "alpha" } }, action: { action: "priority", priority: 7 } })).toEqual({ status: 200, json: { action: "priority", matched: 2, changed: 2, skipped: 0 } });
    const stored = await db.select({ id: items.id, priority: items.priority }).from(items).where(eq(items.projectId, projectId)).orderBy(items.id);
    expect(stored.map((r) => r.priority)).toEqual([7, 7, 0]);

    expect(await bulk(owner.key, projectId, { selection: { ids: [ids[2]] }, action: { action: "delete", confirmCount: 5 } })).toMatchObject({ status: 409 });
    expect(await bulk(owner.key, projectId, { selection: { ids: [ids[2]] }, action: { action: "delete", confirmCount: 1 } })).toMatchObject({ status: 200, json: { changed: 1 } });
    expect(await bulk(owner.key, projectId, { selection: { ids: [ids[0]] }, action: { action: "priority" } })).toMatchObject({ status: 400, json: { issues: [{ field: "action.priority" }] } });

    const engineer = await keyed();
    await addMember(db, owner.actor, projectId, { email: engineer.email, role: "engineer" });
    expect(await bulk(engineer.key, projectId, { selection: { ids: [ids[0]] }, action: { action: "requeue" } })).toEqual({
      status: 403,
      json: { error: "Only managers can change, mark as gold or delete items in bulk." },
    });
  });
});

describe("the OpenAPI document", () => {
  it("describes both item calls, with the JSON, NDJSON and CSV bodies", () => {
    const doc = openApiDocument();
    const path = doc.paths!["/api/v1/projects/{projectId}/items"]!;
    expect(Object.keys(path).sort()).toEqual(["get", "post"]);
    expect(Object.keys((path.post!.requestBody as { content: object }).content).sort()).toEqual(["application/json", "application/x-ndjson", "text/csv"]);
    expect(path.get!.parameters!.map((p) => (p as { name: string }).name)).toEqual(expect.arrayContaining(["cursor", "limit"]));
  });
});
