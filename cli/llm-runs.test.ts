import fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testDatabaseUrl, testSql } from "~test/db";
import { TEST_SECRET, loadLlmTestEnv } from "~test/support/llm";
import { llmRunProject } from "~test/support/llm-run-project";
import { startLlmStub, type LlmStub } from "../scripts/llm-stub/server";
import { STACK_TRACE, hasScriptCommand, runCli, tempDataDir } from "./test-helpers";

// why: the provider is the one network Loupe does not own; the stub speaks its wire format over real HTTP.
let stub: LlmStub;
let env: Record<string, string>;

beforeAll(async () => {
  loadLlmTestEnv();
  stub = await startLlmStub();
  env = { DATABASE_URL: await testDatabaseUrl(), LOUPE_DATA_DIR: tempDataDir(), SESSION_SECRET: TEST_SECRET, LOUPE_LLM_ALLOW_PRIVATE: "true" };
});
afterAll(async () => {
  await stub.close();
  fs.rmSync(env.LOUPE_DATA_DIR!, { recursive: true, force: true });
});

describe("loupe llm generate | judge", () => {
  it("generate works through the items, prints the run id and a summary, and exits 0 when every item is done", async () => {
    const p = await llmRunProject(stub, { items: 3 });
    const result = await runCli(["llm", "generate", "--project", p.projectId, "--provider", p.provider.name.toUpperCase(), "--model", "loupe-stub-small", "--prompt", "answer@1", "--as", p.manager.email], { env });
    expect(result.stderr).not.toMatch(STACK_TRACE);
    expect(result.code).toBe(0);
    const runId = result.stdout.trim();
    expect(result.stderr).toMatch(new RegExp(`^Generating 3 item\\(s\\) of ".*" with loupe-stub-small \\(run ${runId}\\):\\n3 done, 0 failed of 3; tokens \\d+ in, \\d+ out; spend \\$0\\.\\d+\\.\\n$`));
    const [row] = await testSql()<{ n: number }[]>`select count(*)::int as n from llm_outputs where run_id = ${runId}`;
    expect(row!.n).toBe(3);
  });

  it.skipIf(!hasScriptCommand())("draws a progress line on a terminal", async () => {
    const p = await llmRunProject(stub, { items: 3 });
    const result = await runCli(["llm", "generate", "--project", p.projectId, "--provider", p.provider.name, "--model", "loupe-stub-small", "--prompt", "Answer", "--as", p.manager.email], { env, via: "tty" });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Generating {2}\[#{10,}\] 100% {2}3 \/ 3 items {2}[\d,]+ items\/s/);
  });

  it("judge exits 2 and lists each failed item with its reason when some answers are invalid", async () => {
    const p = await llmRunProject(stub, { items: 2, provider: { maxConcurrency: 1 } });
    stub.script([{ content: "No JSON here." }]);
    const result = await runCli(["llm", "judge", "--project", p.projectId, "--provider", p.provider.name, "--model", "loupe-stub-small", "--prompt", "Grade", "--filter", "all", "--as", p.manager.email], { env });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`1 done, 1 failed of 2;`);
    expect(result.stderr).toContain(`  item ${p.itemIds[0]}: The reply holds no JSON object: "No JSON here."\n`);
  });

  it("explains bad usage in one line", async () => {
    const p = await llmRunProject(stub, { items: 1 });
    const base = ["--project", p.projectId, "--provider", p.provider.name, "--model", "loupe-stub-small", "--as", p.manager.email];
    const cases: [string[], string][] = [
      [[...base, "--prompt", "Answer", "--filter", "newest"], "error: --filter newest: use all, unreviewed, ids:1,2,3 or field=value.\n"],
      [[...base, "--prompt", "Nope"], 'error: The project has no prompt "Nope".\n'],
      [[...base, "--prompt", "Grade"], "error: invalid input\n  --prompt: This prompt version is for judging; a generate run needs one made for generation.\n"],
    ];
    for (const [args, stderr] of cases) {
      const result = await runCli(["llm", "generate", ...args], { env });
      expect(result).toMatchObject({ code: 1, stderr });
    }
  });
});
