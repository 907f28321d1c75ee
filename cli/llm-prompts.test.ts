import fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testDatabaseUrl } from "~test/db";
import { makeDatasetProject } from "~test/support/dataset-project";
import { STACK_TRACE, runCli, tempDataDir } from "./test-helpers";

let env: Record<string, string>;
beforeAll(async () => {
  env = { DATABASE_URL: await testDatabaseUrl(), LOUPE_DATA_DIR: tempDataDir() };
});
afterAll(() => fs.rmSync(env.LOUPE_DATA_DIR!, { recursive: true, force: true }));

describe("loupe llm prompts", () => {
  it("add saves each version of a name (id name@version on stdout), list shows the newest of each; a bad question is refused by name", async () => {
    const f = await makeDatasetProject();
    const as = ["--project", f.projectId, "--as", f.manager.email];
    const first = await runCli(["llm", "prompts", "add", ...as, "--name", "Concise", "--purpose", "generate", "--user", "{{input}}", "--temperature", "0.2"], { env });
    expect(first.stderr).toBe("");
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^[0-9a-f-]{36} Concise@1\n$/);
    const second = await runCli(["llm", "prompts", "add", ...as, "--name", "concise", "--purpose", "generate", "--user", "Briefly: {{input}}"], { env });
    // A name is one prompt whatever its case: the second save is its version 2.
    expect(second.stdout).toMatch(/ concise@2\n$/);
    const judge = await runCli(["llm", "prompts", "add", ...as, "--name", "Intent", "--purpose", "judge", "--question", "intent", "--user", "{{input}}"], { env });
    expect(judge.code).toBe(0);

    const bad = await runCli(["llm", "prompts", "add", ...as, "--name", "J", "--purpose", "judge", "--question", "nope", "--user", "{{input}}"], { env });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('The template has no question "nope".');
    expect(bad.stderr).not.toMatch(STACK_TRACE);
    const notANumber = await runCli(["llm", "prompts", "add", ...as, "--name", "T", "--purpose", "generate", "--user", "{{input}}", "--temperature", "warm"], { env });
    expect(notANumber).toMatchObject({ code: 1, stderr: expect.stringContaining('--temperature must be a number, not "warm".') });

    const listed = await runCli(["llm", "prompts", "list", ...as], { env });
    expect(listed.code).toBe(0);
    expect(listed.stdout.trim().split("\n").map((line) => line.split("\t").slice(0, 4))).toEqual([
      ["concise@2", "generate", "-", "2 version(s)"],
      ["Intent@1", "judge", "intent", "1 version(s)"],
    ]);
  });
});
