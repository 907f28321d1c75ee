import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { datasets } from "~db/schema";
import { db, sqlOf } from "~/db.server";
import { INTERRUPTED_BUILD } from "~/modules/datasets/interrupted-builds.server";
import { requestDataset } from "~/modules/datasets/request-dataset.server";
import { testDatabaseUrl } from "~test/db";
import { makeDatasetProject, type DatasetProject } from "~test/support/dataset-project";
import { exportBytes } from "~test/support/export-bytes";
import { waitFor } from "~test/support/wait-for";
import { queueDatasetBuild, startJobs, stopJobs } from "./boss.server";

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "loupe-dataset-jobs-"));
const quiet = { info: () => {}, warn: () => {}, error: (m: string, e?: unknown) => console.error(m, e) };
const row = async (id: string) => (await db.select({ state: datasets.state, message: datasets.message, contentHash: datasets.contentHash }).from(datasets).where(eq(datasets.id, id)))[0]!;
let fixture: DatasetProject;
let dead: string;

describe("dataset builds as pg-boss jobs", () => {
  beforeAll(async () => {
    fixture = await makeDatasetProject();
    // Left by a process that died mid-build: building, and nobody holds its build lock.
    dead = (await requestDataset(db, fixture.manager.actor, fixture.projectId, { name: "Left behind" })).id;
    await sqlOf(db)`update datasets set state = 'building' where id = ${dead}`;
    await startJobs({ databaseUrl: await testDatabaseUrl(), dataDir, log: quiet });
  });
  afterAll(async () => {
    await stopJobs();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it("a server starting marks a build that died as failed, saying so", async () => {
    expect(await row(dead)).toMatchObject({ state: "failed", message: INTERRUPTED_BUILD, contentHash: "" });
  });

  it("a queued snapshot is built by the job worker, and exports like one built in the request", async () => {
    const requested = await requestDataset(db, fixture.manager.actor, fixture.projectId, { name: "By the job", options: { labelQuestion: "intent" } });
    await queueDatasetBuild(requested.id);
    const built = await waitFor(() => row(requested.id), (r) => r.state === "ready" || r.state === "failed", "the job to build the dataset");
    expect(built).toMatchObject({ state: "ready", message: null });
    const { card, bytes } = await exportBytes(fixture.manager.actor, requested.id, "classification-csv");
    expect(card.export.rows).toBe(5);
    expect(bytes.toString()).toMatch(/^text,label,split\r\n/);
  });
});
