import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { eq, sql } from "drizzle-orm";
import { imports, users } from "~db/schema";
import { connect, type Connection } from "~/db.server";
import { createApiKey } from "~/modules/api-keys/create-api-key.server";
import { createProject } from "~/modules/projects/create-project.server";
import { createDatabase, databaseUrl, dropDatabases, uniqueName } from "../scripts/lib/pg-admin.mjs";
import { uploadImport, importSession } from "./support/import-session";
import { freePort, spawnLoupe, untilHealthy, type LoupeProcess } from "./support/loupe-process";

// These stories start, kill and restart their own Loupe processes on their own database.
test.describe.configure({ mode: "serial" });

const e2eUrl = process.env.E2E_DATABASE_URL;
const SECRET = "e2e-import-secret-0123456789abcdef0123456789ab";
const ADMIN = { email: "importer@example.com", password: "imports survive a kill" };
const running: LoupeProcess[] = [];
let dbName: string;
let url: string;
let conn: Connection;
let dataDir: string;

test.beforeAll(async () => {
  if (!e2eUrl) throw new Error("E2E_DATABASE_URL is not set: run these through `npm test` (scripts/test.mjs).");
  dbName = uniqueName("loupe_e2e_import");
  await createDatabase(databaseUrl(e2eUrl, "postgres"), dbName);
  url = databaseUrl(e2eUrl, dbName);
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "loupe-e2e-import-"));
});

test.afterAll(async () => {
  await Promise.all(running.map((p) => p.stop()));
  await conn?.sql.end({ timeout: 5 });
  await dropDatabases(databaseUrl(e2eUrl!, "postgres"), [dbName]);
  fs.rmSync(dataDir, { recursive: true, force: true });
});

async function start() {
  const loupe = spawnLoupe({ DATABASE_URL: url, SESSION_SECRET: SECRET, LOUPE_DATA_DIR: dataDir, LOUPE_ADMIN_EMAIL: ADMIN.email, LOUPE_ADMIN_PASSWORD: ADMIN.password }, await freePort());
  running.push(loupe);
  await untilHealthy(loupe);
  conn ??= connect(url, { max: 2 });
  return loupe;
}

const importRow = async (id: string) => (await conn.db.select().from(imports).where(eq(imports.id, id)))[0]!;
const counts = async (projectId: string) =>
  (await conn.db.execute<{ n: number; hashes: number }>(sql`select count(*)::int as n, count(distinct (input_key, outputs_key))::int as hashes from items where project_id = ${projectId}`))[0]!;

test("a server killed in the middle of an import shows it as failed with how far it got; importing again yields every row exactly once", async () => {
  test.setTimeout(240_000);
  const first = await start();
  const [admin] = await conn.db.select().from(users).where(eq(users.email, ADMIN.email));
  const project = await createProject(conn.db, { userId: admin!.id, isAdmin: true, via: "session" }, { name: "Killed mid-import" });
  const total = 120_000;
  const file = Buffer.from(Array.from({ length: total }, (_, i) => JSON.stringify({ input: `Kill test prompt ${i}`, outputs: [{ text: `Answer ${i} ${"x".repeat(40)}` }] })).join("\n"));

  const queued = await uploadImport(first.url, project.id, ADMIN, file, "big.jsonl");
  expect(queued).toMatchObject({ status: 202, json: { state: "queued" } });
  // Killed once several batches are in (counted from the items, not from the record it checks).
  await expect.poll(async () => (await counts(project.id)).n, { timeout: 120_000 }).toBeGreaterThanOrEqual(20_000);
  await first.stop("SIGKILL");
  const partial = (await counts(project.id)).n;
  expect(partial).toBeGreaterThan(0);
  expect(partial).toBeLessThan(total);
  expect((await importRow(queued.json.importId)).state).toBe("running");

  const second = await start();
  const failed = await importRow(queued.json.importId);
  // The record says what is in: every committed row, and no row that is not (one row a line).
  expect(failed).toMatchObject({ state: "failed", filePath: null, received: partial, inserted: partial, lastLine: partial });
  expect(failed.message).toBe(`Interrupted at line ${failed.lastLine}: the process running it stopped. Import the file again to finish; rows already imported are skipped.`);
  const { cookie } = await importSession(second.url, project.id, ADMIN);
  const page = await (await fetch(`${second.url}/projects/${project.id}`, { headers: { cookie } })).text();
  expect(page).toContain(`Interrupted at line ${failed.lastLine}`);

  const again = await uploadImport(second.url, project.id, ADMIN, file, "big.jsonl");
  expect(again.status).toBe(202);
  await expect.poll(async () => (await importRow(again.json.importId)).state, { timeout: 180_000 }).toBe("succeeded");
  expect(await importRow(again.json.importId)).toMatchObject({ received: total, inserted: total - partial, duplicates: partial, rejected: 0 });
  expect(await counts(project.id)).toEqual({ n: total, hashes: total });
});

test("an NDJSON stream far larger than memory flows through the API with backpressure: the client never runs far ahead of the writes", async () => {
  test.setTimeout(240_000);
  const server = running.find((p) => p.child.exitCode === null && p.child.signalCode === null) ?? (await start());
  const [admin] = await conn.db.select().from(users).where(eq(users.email, ADMIN.email));
  const actor = { userId: admin!.id, isAdmin: true, via: "session" as const };
  const project = await createProject(conn.db, actor, { name: "Streamed" });
  const { key } = await createApiKey(conn.db, actor, { name: "stream" });
  const rows = 100_000;
  const tail = `", "outputs": [{"text": "${"y".repeat(1400)}"}]}\n`;
  let sent = 0;
  let n = 0;
  // why: made as it is sent (the test never holds the body either), and far faster than the
  // server can write it, so only backpressure keeps the server from piling it up.
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (n >= rows) return controller.close();
      let chunk = "";
      for (let i = 0; i < 500; i++) chunk += `{"input": "Streamed ${n++}${tail}`;
      const bytes = Buffer.from(chunk);
      sent += bytes.length;
      controller.enqueue(bytes);
    },
  });
  // Buffering the body would let the client run ahead of what the server has read and written.
  let maxLead = 0;
  let samples = 0;
  const sampler = setInterval(() => {
    void conn.db
      .select({ bytes: imports.bytesRead })
      .from(imports)
      .where(eq(imports.projectId, project.id))
      .then(([row]) => {
        if (!row || row.bytes === 0) return;
        samples++;
        maxLead = Math.max(maxLead, sent - row.bytes);
      });
  }, 250);
  const response = await fetch(`${server.url}/api/v1/projects/${project.id}/items`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/x-ndjson" },
    body,
    duplex: "half",
  } as RequestInit);
  clearInterval(sampler);
  expect(response.status).toBe(200);
  expect(await response.json()).toMatchObject({ received: rows, inserted: rows, rejected: 0, errors: [] });
  expect(sent).toBeGreaterThan(130 * 1024 * 1024);
  expect(samples).toBeGreaterThan(5);
  expect(maxLead).toBeLessThan(32 * 1024 * 1024);
});
