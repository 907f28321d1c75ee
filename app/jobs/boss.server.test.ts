import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { imports, items, resolutionStale } from "~db/schema";
import { db } from "~/db.server";
import { createImportRow } from "~/modules/imports/create-import.server";
import { importOptionsSchema } from "~/modules/imports/schemas";
import { importProject, jsonl } from "~/modules/imports/test-helpers";
import { testDatabaseUrl } from "~test/db";
import { addItems } from "~/modules/items/add-items.server";
import { addMember } from "~/modules/projects/add-member.server";
import { createProject } from "~/modules/projects/create-project.server";
import { submitAnnotation } from "~/modules/review/submit-annotation.server";
import { saveTemplate } from "~/modules/templates/save-template.server";
import { makeUser } from "~test/factories";
import { enqueueImport, requestResolutionSweep, startJobs, stopJobs } from "./boss.server";
import { instanceId } from "./instance.server";

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "loupe-jobs-"));
const quiet = { info: () => {}, warn: () => {}, error: (m: string, e?: unknown) => console.error(m, e) };

async function upload(rows: number, options: object = {}) {
  const p = await importProject();
  const file = path.join(dataDir, `${rows}-${Date.now()}.jsonl`);
  fs.writeFileSync(file, jsonl(...Array.from({ length: rows }, (_, i) => ({ input: `Job prompt ${i}`, outputs: [{ text: `Answer ${i}` }] }))));
  const importId = await createImportRow(db, p.actor, {
    projectId: p.projectId,
    origin: "upload",
    options: importOptionsSchema.parse(options),
    fileName: "rows.jsonl",
    totalBytes: fs.statSync(file).size,
    filePath: file,
    instanceId: instanceId(dataDir),
  });
  return { ...p, importId, file };
}

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
}
const importRow = async (id: string) => (await db.select().from(imports).where(eq(imports.id, id)))[0]!;

describe("background import jobs (pg-boss in the server process)", () => {
  beforeAll(async () => {
    await startJobs({ databaseUrl: await testDatabaseUrl(), dataDir, log: quiet });
  });
  afterAll(async () => {
    await stopJobs();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it("run a queued upload's import, keep its progress row current, and delete the file after", async () => {
    const { importId, projectId, file } = await upload(3000);
    await enqueueImport(importId);
    const row = await until(() => importRow(importId), (r) => r.state === "succeeded" || r.state === "failed");
    expect(row).toMatchObject({ state: "succeeded", received: 3000, inserted: 3000, filePath: null, message: null });
    expect(row.bytesRead).toBe(row.totalBytes);
    expect(fs.existsSync(file)).toBe(false);
    expect(await db.select({ id: items.id }).from(items).where(eq(items.projectId, projectId))).toHaveLength(3000);
  });

  it("stop on shutdown: the running import stops after its batch and says how far it got; a restart marks what was left running as failed", async () => {
    const { importId, projectId } = await upload(60_000);
    await enqueueImport(importId);
    await until(() => importRow(importId), (r) => r.inserted > 0);
    await stopJobs();
    const stopped = await importRow(importId);
    const count = (await db.select({ id: items.id }).from(items).where(eq(items.projectId, projectId))).length;
    expect(stopped).toMatchObject({ state: "failed", inserted: count, filePath: null });
    expect(count).toBeLessThan(60_000);
    expect(stopped.message).toBe(`Stopped before the end. The server is shutting down. Rows up to line ${stopped.lastLine} are in; import the file again to finish (rows already in are skipped).`);

    // A process killed mid-import leaves its row "running"; this instance starting again marks it failed.
    const killed = await upload(1);
    await db.update(imports).set({ state: "running", lastLine: 77 }).where(eq(imports.id, killed.importId));
    await startJobs({ databaseUrl: await testDatabaseUrl(), dataDir, log: quiet });
    expect(await importRow(killed.importId)).toMatchObject({
      state: "failed",
      filePath: null,
      message: "Interrupted at line 77: the process running it stopped. Import the file again to finish; rows already imported are skipped.",
    });
    expect(fs.existsSync(killed.file)).toBe(false);
  });

  it("sweep stale resolutions: answers submitted through the verbs are resolved by the job, with no reader asking", async () => {
    const manager = await makeUser();
    const reviewer = await makeUser();
    const project = await createProject(db, manager.actor, { name: `Sweep ${Date.now()}` });
    await saveTemplate(db, manager.actor, project.id, { questions: [{ key: "ok", kind: "thumbs", text: "OK?" }] });
    await addMember(db, manager.actor, project.id, { email: reviewer.email, role: "reviewer" });
    const { ids } = await addItems(db, manager.actor, project.id, [{ input: "Sweep me", outputs: [{ text: "Done" }] }]);
    await submitAnnotation(db, reviewer.actor, { itemId: ids[0]!, values: { ok: "up" }, idempotencyKey: `sweep-${ids[0]}` });
    await requestResolutionSweep();
    const item = await until(async () => (await db.select({ resolvedAt: items.resolvedAt }).from(items).where(eq(items.id, ids[0]!)))[0]!, (i) => i.resolvedAt !== null);
    expect(item.resolvedAt).not.toBeNull();
    const [mark] = await db.select().from(resolutionStale).where(eq(resolutionStale.itemId, ids[0]!));
    expect(mark).toBeUndefined();
  });
});
