import fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "~/db.server";
import { addItems } from "~/modules/items/add-items.server";
import { testDatabaseUrl } from "~test/db";
import { makeDatasetProject } from "~test/support/dataset-project";
import { STACK_TRACE, runCli, tempDataDir } from "./test-helpers";

let env: Record<string, string>;
beforeAll(async () => {
  env = { DATABASE_URL: await testDatabaseUrl(), LOUPE_DATA_DIR: tempDataDir() };
});
afterAll(() => fs.rmSync(env.LOUPE_DATA_DIR!, { recursive: true, force: true }));

describe("loupe classifier", () => {
  it("train sets the question, trains here and prints the model id with its scores; models lists it; a question it cannot learn is refused by name", { timeout: 120_000 }, async () => {
    const f = await makeDatasetProject();
    const words = { billing: "invoice refund charge", shipping: "parcel courier delivery", other: "weather poem song" } as const;
    await addItems(
      db,
      f.manager.actor,
      f.projectId,
      Array.from({ length: 24 }, (_, i) => {
        const intent = (["billing", "shipping", "other"] as const)[i % 3]!;
        return { input: `${words[intent]} case ${i}`, outputs: [], gold: { intent } };
      }),
    );
    const as = ["--project", f.projectId, "--as", f.manager.email];
    const bad = await runCli(["classifier", "train", ...as, "--question", "topics"], { env });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("The classifier learns a question with one answer out of a fixed list");
    expect(bad.stderr).not.toMatch(STACK_TRACE);

    const trained = await runCli(["classifier", "train", ...as, "--question", "intent"], { env });
    expect(trained.stderr).toContain("Training v1 of");
    expect(trained.code).toBe(0);
    expect(trained.stdout).toMatch(/^[0-9a-f-]{36}\n$/);
    expect(trained.stderr).toMatch(/v1: accuracy \d+\.\d%, macro-F1 \d+\.\d% \(held out\); predicted \d+ unlabelled item\(s\)\./);

    const listed = await runCli(["classifier", "models", ...as], { env });
    expect(listed.code).toBe(0);
    // The hand-made project's six items carry reviewers' labels (five resolved), plus 24 gold: 29 labels.
    expect(listed.stdout.trim().split("\n").map((line) => line.split("\t").slice(0, 4))).toEqual([["v1", "ready", "intent", "29 labels"]]);
  });
});
