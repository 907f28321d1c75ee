import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db, sqlOf } from "~/db.server";
import { createLlmRun } from "~/modules/llm-runs/create-run.server";
import { testDatabaseUrl } from "~test/db";
import { loadLlmTestEnv } from "~test/support/llm";
import { llmRunProject } from "~test/support/llm-run-project";
import { waitFor } from "~test/support/wait-for";
import { startLlmStub, type LlmStub } from "../../scripts/llm-stub/server";
import { queueLlmRun, startJobs, stopJobs } from "./boss.server";

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "loupe-llm-jobs-"));
const quiet = { info: () => {}, warn: () => {}, error: (m: string, e?: unknown) => console.error(m, e) };
// why: the provider is the one network Loupe does not own; the stub speaks its wire format over real HTTP.
let stub: LlmStub;
let databaseUrl: string;
const run = async (id: string) => (await sqlOf(db)<{ state: string; done: number; failed: number }[]>`select state, done, failed from llm_runs where id = ${id}`)[0]!;
const ended = (id: string) => waitFor(() => run(id), (r) => !["queued", "running"].includes(r.state), "the run to end");
const chats = () => stub.requests.filter((r) => r.path === "/v1/chat/completions");
const questionOf = (body: unknown) => /Question \d+\?/.exec(JSON.stringify(body))![0];

describe("LLM runs as pg-boss jobs", () => {
  beforeAll(async () => {
    loadLlmTestEnv();
    stub = await startLlmStub({ delayMs: 20 });
    databaseUrl = await testDatabaseUrl();
  });
  afterAll(async () => {
    await stopJobs();
    await stub.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it("a server starting carries on a run whose process died: its claimed items are asked again, its done ones never", async () => {
    const p = await llmRunProject(stub, { items: 4 });
    const created = await createLlmRun(db, p.manager.actor, p.projectId, { kind: "generate", providerId: p.provider.id, model: "loupe-stub-small", promptVersionId: p.generate.id });
    // Left by a process killed mid-run: running, one item done, two claimed under a key no connection holds.
    const sql = sqlOf(db);
    await sql`update llm_runs set state = 'running', started_at = now(), done = 1 where id = ${created.id}`;
    await sql`update llm_run_items set state = 'done' where run_id = ${created.id} and item_id = ${p.itemIds[0]!}`;
    await sql`update llm_run_items set state = 'running', claimed_by = 987654321 where run_id = ${created.id} and item_id = any(${p.itemIds.slice(1, 3)}::bigint[])`;

    await startJobs({ databaseUrl, dataDir, log: quiet });
    expect(await ended(created.id)).toEqual({ state: "done", done: 4, failed: 0 });
    expect(chats().map((r) => questionOf(r.body)).sort()).toEqual(["Question 2?", "Question 3?", "Question 4?"]);
  });

  it("a run stopped by a shutdown is carried on by the next start, one output per item", async () => {
    const p = await llmRunProject(stub, { items: 8, provider: { maxConcurrency: 1 } });
    const created = await createLlmRun(db, p.manager.actor, p.projectId, { kind: "generate", providerId: p.provider.id, model: "loupe-stub-small", promptVersionId: p.generate.id });
    await queueLlmRun(created.id);
    await waitFor(() => run(created.id), (r) => r.done >= 2, "two items done");
    await stopJobs();
    const stopped = await run(created.id);
    expect(stopped.state).toBe("running");
    expect(stopped.done).toBeLessThan(8);
    const [{ running }] = (await sqlOf(db)<{ running: number }[]>`select count(*)::int as running from llm_run_items where run_id = ${created.id} and state = 'running'`) as unknown as [{ running: number }];
    expect(running).toBe(0);

    await startJobs({ databaseUrl, dataDir, log: quiet });
    expect(await ended(created.id)).toEqual({ state: "done", done: 8, failed: 0 });
    const outputs = await sqlOf(db)<{ n: number }[]>`
      select count(*)::int as n from llm_outputs where prompt_version_id = ${p.generate.id} group by item_id order by item_id`;
    expect(outputs.map((o) => o.n)).toEqual(Array(8).fill(1));
  });
});
