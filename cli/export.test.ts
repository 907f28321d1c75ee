import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "~/db.server";
import { createDataset } from "~/modules/datasets/create-dataset.server";
import { testDatabaseUrl } from "~test/db";
import { makeDatasetProject, type DatasetProject } from "~test/support/dataset-project";
import { exportBytes } from "~test/support/export-bytes";
import { runCli, STACK_TRACE, tempDataDir } from "./test-helpers";

let env: Record<string, string>;
let fixture: DatasetProject;
let datasetId: string;

beforeAll(async () => {
  env = { DATABASE_URL: await testDatabaseUrl(), LOUPE_DATA_DIR: tempDataDir() };
  fixture = await makeDatasetProject();
  datasetId = (await createDataset(db, fixture.manager.actor, fixture.projectId, { name: "CLI set", filter: {}, options: { labelQuestion: "intent" } })).id;
});
afterAll(() => fs.rmSync(env.LOUPE_DATA_DIR!, { recursive: true, force: true }));

describe("loupe export", () => {
  it("writes the file and its card beside it, the same bytes as the download", async () => {
    const out = path.join(env.LOUPE_DATA_DIR!, "train.csv");
    const result = await runCli(["export", "--dataset", datasetId, "--format", "classification-csv", "--split", "train", "--out", out, "--as", fixture.manager.email], { env });
    expect(result.stderr).not.toMatch(STACK_TRACE);
    expect(result.code).toBe(0);
    const expected = await exportBytes(fixture.manager.actor, datasetId, "classification-csv", "train");
    expect(fs.readFileSync(out).equals(expected.bytes)).toBe(true);
    expect(JSON.parse(fs.readFileSync(path.join(env.LOUPE_DATA_DIR!, "train.card.json"), "utf8")).export).toEqual(expected.card.export);
    expect(fs.readFileSync(path.join(env.LOUPE_DATA_DIR!, "train.card.md"), "utf8")).toContain("# CLI set — version 1");
    expect(result.stderr).toContain(`CLI set v1, classification-csv, train: ${expected.card.export.rows} rows.`);
  });

  it("streams to stdout without --out", async () => {
    const result = await runCli(["export", "--dataset", datasetId, "--format", "openai-chat", "--as", fixture.manager.email], { env });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe((await exportBytes(fixture.manager.actor, datasetId, "openai-chat")).bytes.toString());
  });

  it("names a bad option, and refuses someone who may not export", async () => {
    const bad = await runCli(["export", "--dataset", datasetId, "--format", "xlsx", "--as", fixture.manager.email], { env });
    expect(bad).toMatchObject({ code: 1, stdout: "" });
    expect(bad.stderr).toBe(`error: invalid input\n  --format: Expected format to be one of: openai-chat, openai-preference, dpo, classification-csv, classification-jsonl, parquet, annotations-jsonl.\n`);
    const reviewer = await runCli(["export", "--dataset", datasetId, "--format", "dpo", "--as", fixture.reviewers[0]!.email], { env });
    expect(reviewer).toMatchObject({ code: 1, stdout: "", stderr: "error: Only managers and engineers can export datasets.\n" });
  });
});
