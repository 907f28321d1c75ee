import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db, sqlOf } from "~/db.server";
import { getDatasetStatus } from "~/modules/datasets/queries.server";
import { INTERRUPTED_BUILD } from "~/modules/datasets/interrupted-builds.server";
import { requestDataset } from "~/modules/datasets/request-dataset.server";
import { testDatabaseUrl } from "~test/db";
import { makeDatasetProject, type DatasetProject } from "~test/support/dataset-project";
import { exportBytes } from "~test/support/export-bytes";
import { waitFor } from "~test/support/wait-for";
import { hasScriptCommand, runCli, STACK_TRACE, tempDataDir } from "./test-helpers";

let env: Record<string, string>;
let fixture: DatasetProject;

beforeAll(async () => {
  env = { DATABASE_URL: await testDatabaseUrl(), LOUPE_DATA_DIR: tempDataDir() };
  fixture = await makeDatasetProject();
});
afterAll(() => fs.rmSync(env.LOUPE_DATA_DIR!, { recursive: true, force: true }));

const lineCount = async (datasetId: string) => (await sqlOf(db)<[{ n: number }]>`select count(*)::int as n from dataset_lines where dataset_id = ${datasetId}`)[0].n;

describe("loupe datasets", () => {
  it("create freezes a snapshot, waits for it and prints its id; the options and filter are JSON", async () => {
    const result = await runCli(["datasets", "create", "--project", fixture.projectId, "--name", "From the CLI", "--options", '{"labelQuestion":"intent"}', "--as", fixture.manager.email], { env });
    expect(result.stderr).not.toMatch(STACK_TRACE);
    expect(result.code).toBe(0);
    const id = result.stdout.trim();
    expect(await getDatasetStatus(db, fixture.manager.actor, id)).toMatchObject({ name: "From the CLI", version: 1, state: "ready", progress: { done: 5, total: 5 } });
    expect(result.stderr).toMatch(/^From the CLI v1: 5 items \(\d train, \d validation, \d test\), 10 annotations; content hash [0-9a-f]{64}\.$/m);
    expect((await exportBytes(fixture.manager.actor, id, "classification-csv")).card.export.rows).toBe(5);
  });

  it("names what is wrong: bad JSON, a bad filter field, an unknown project", async () => {
    const badJson = await runCli(["datasets", "create", "--project", fixture.projectId, "--name", "x", "--filter", "{status:", "--as", fixture.manager.email], { env });
    expect(badJson).toMatchObject({ code: 1, stdout: "", stderr: "error: --filter must be a JSON object, e.g. --filter '{}'.\n" });
    const badField = await runCli(["datasets", "create", "--project", fixture.projectId, "--name", "x", "--filter", '{"agreement":{"min":2}}', "--as", fixture.manager.email], { env });
    expect(badField).toMatchObject({ code: 1, stderr: "error: invalid input\n  filter.agreement.min: Expected a number from 0 to 1.\n" });
    const noProject = await runCli(["datasets", "create", "--project", "No such project", "--name", "x", "--as", fixture.manager.email], { env });
    expect(noProject).toMatchObject({ code: 1, stderr: 'error: No project has the id or name "No such project".\n' });
  });

  it.skipIf(!hasScriptCommand())("draws a progress line on a terminal", async () => {
    const result = await runCli(["datasets", "create", "--project", fixture.projectId, "--name", "On a terminal", "--as", fixture.manager.email], { env, via: "tty" });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Building {2}\[#{10,}\] 100% {2}5 \/ 5 items {2}[\d,]+ items\/s/);
  });

  it("export builds a snapshot that was asked for but not built yet, then writes it", async () => {
    const queued = await requestDataset(db, fixture.manager.actor, fixture.projectId, { name: "Queued for export" });
    const result = await runCli(["export", "--dataset", queued.id, "--format", "annotations-jsonl", "--as", fixture.manager.email], { env });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe((await exportBytes(fixture.manager.actor, queued.id, "annotations-jsonl")).bytes.toString());
    expect(result.stdout.trim().split("\n")).toHaveLength(10);
  });

  it("killed mid-build, it leaves nothing of the snapshot; the dataset is marked failed, and retry builds it", async () => {
    // why: holding the audit log stops the build at its last statement, inside its transaction, with
    // every line written but not committed — a deterministic "mid-build" to kill it in.
    const blocker = await sqlOf(db).reserve();
    let child: ReturnType<typeof spawn> | undefined;
    try {
      await blocker`begin`;
      await blocker`lock table audit_log in exclusive mode`;
      child = spawn(process.execPath, ["bin/loupe.mjs", "datasets", "create", "--project", fixture.projectId, "--name", "Killed", "--as", fixture.manager.email], {
        cwd: path.resolve(import.meta.dirname, ".."),
        env: { ...process.env, ...env },
        stdio: "ignore",
      });
      const exited = new Promise((resolve) => child!.once("exit", resolve));
      await waitFor(
        () => sqlOf(db)<{ n: number }[]>`select count(*)::int as n from pg_locks where relation = 'audit_log'::regclass and not granted`,
        ([row]) => row!.n > 0,
        "the CLI's build to wait on the audit log",
      );
      child.kill("SIGKILL");
      await exited;
    } finally {
      await blocker`rollback`;
      blocker.release();
    }
    const [{ id }] = await sqlOf(db)<[{ id: string }]>`select id from datasets where project_id = ${fixture.projectId} and name = 'Killed'`;
    // The killed client's server process finishes its statement, finds no client and rolls back.
    const failed = await waitFor(() => getDatasetStatus(db, fixture.manager.actor, id), (s) => s.state !== "building", "the dead build to be noticed");
    expect(failed).toMatchObject({ state: "failed", message: INTERRUPTED_BUILD });
    expect(await lineCount(id)).toBe(0);

    const retry = await runCli(["datasets", "retry", "--dataset", id, "--as", fixture.manager.email], { env });
    expect(retry).toMatchObject({ code: 0, stdout: `${id}\n` });
    expect(await getDatasetStatus(db, fixture.manager.actor, id)).toMatchObject({ state: "ready", message: null });
    expect(await lineCount(id)).toBeGreaterThan(0);
  }, 120_000);
});
