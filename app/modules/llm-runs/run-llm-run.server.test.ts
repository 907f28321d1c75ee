import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { db } from "~/db.server";
import { testSql } from "~test/db";
import { loadLlmTestEnv } from "~test/support/llm";
import { llmRunProject } from "~test/support/llm-run-project";
import { waitFor } from "~test/support/wait-for";
import { startLlmStub, type LlmStub, type StubRequest } from "../../../scripts/llm-stub/server";
import { cancelLlmRun } from "./cancel-run.server";
import { createLlmRun } from "./create-run.server";
import { getLlmRunStatus } from "./queries.server";
import { retryFailedItems } from "./retry-failed.server";
import { runLlmRun } from "./run-llm-run.server";

// why: the provider is the one network Loupe does not own; the stub speaks its wire format over real HTTP.
let stub: LlmStub;
let respond: ((request: StubRequest) => { delayMs?: number; content?: string } | undefined) | undefined;
beforeAll(async () => {
  loadLlmTestEnv();
  stub = await startLlmStub({ respond: (request) => respond?.(request) });
});
afterAll(() => stub.close());
afterEach(() => {
  stub.reset();
  respond = undefined;
});

const fast = { backoffBaseMs: 5, pollMs: 20 };
const chats = () => stub.requests.filter((r) => r.path === "/v1/chat/completions");
/** Which item a request asked about: the prompts are "Question n?". */
const questionOf = (r: StubRequest) => /Question \d+\?/.exec(JSON.stringify(r.body))![0];

const count = async (rows: Promise<readonly unknown[]>) => ((await rows)[0] as { n: number }).n;

async function outputsOf(itemIds: number[]) {
  const rows = await testSql()<{ id: string; outputs: { text: string; model?: string; promptVersion?: { id: string }; costUsd?: number }[] }[]>`
    select id, outputs from items where id = any(${itemIds}::bigint[]) order by id`;
  return rows.map((r) => r.outputs);
}

describe("generation runs", () => {
  it("add one output per item with model, prompt version, params, latency, tokens and cost; a second run of the same model and prompt asks nothing", async () => {
    const p = await llmRunProject(stub, { items: 5 });
    const run = await createLlmRun(db, p.manager.actor, p.projectId, { kind: "generate", providerId: p.provider.id, model: "loupe-stub-small", promptVersionId: p.generate.id });
    expect(run.total).toBe(5);
    expect(await runLlmRun(db, run.id, fast)).toEqual({ state: "done", message: null });


    const outputs = await outputsOf(p.itemIds);
    for (const list of outputs) {
      expect(list).toHaveLength(2);
      expect(list[1]).toMatchObject({
        text: expect.stringContaining("loupe-stub-small"),
        model: "loupe-stub-small",
        promptVersion: { id: p.generate.id, name: "Answer", version: 1 },
        params: { temperature: 0.2, maxTokens: 50 },
        latencyMs: expect.any(Number),
        tokens: { input: expect.any(Number), output: expect.any(Number) },
        costUsd: expect.any(Number),
      });
    }
    expect(chats()).toHaveLength(5);
    expect(chats()[0]!.body).toMatchObject({ model: "loupe-stub-small", temperature: 0.2, max_tokens: 50, messages: [{ role: "system", content: "Answer briefly." }, { role: "user" }] });

    const status = await getLlmRunStatus(db, p.manager.actor, run.id);
    const expectedCost = outputs.reduce((sum, list) => sum + list[1]!.costUsd!, 0);
    expect(status).toMatchObject({ state: "done", counts: { total: 5, done: 5, failed: 0, left: 0 }, costComplete: true, failures: [] });
    expect(status.costUsd).toBeCloseTo(expectedCost, 12);
    expect(status.tokens.input).toBeGreaterThan(0);

    stub.reset();
    const again = await createLlmRun(db, p.manager.actor, p.projectId, { kind: "generate", providerId: p.provider.id, model: "loupe-stub-small", promptVersionId: p.generate.id });
    expect(await runLlmRun(db, again.id, fast)).toEqual({ state: "done", message: null });
    expect(chats()).toHaveLength(0);
    expect((await outputsOf(p.itemIds)).map((l) => l.length)).toEqual([2, 2, 2, 2, 2]);
  });

  it("killed mid-way and resumed, ends with exactly one output per item, and never asks again about an item already done", async () => {
    const p = await llmRunProject(stub, { items: 12, provider: { maxConcurrency: 2 } });
    const run = await createLlmRun(db, p.manager.actor, p.projectId, { kind: "generate", providerId: p.provider.id, model: "loupe-stub-small", promptVersionId: p.generate.id });
    const worker = new AbortController();
    respond = () => {
      // why: the worker dies while calls are in flight, as a killed process would.
      if (chats().length === 5) worker.abort(new Error("killed"));
      return { delayMs: 30 };
    };
    const first = await runLlmRun(db, run.id, { ...fast, signal: worker.signal });
    expect(first.state).toBe("running");
    const doneBefore = await testSql()<{ item_id: string }[]>`select item_id from llm_run_items where run_id = ${run.id} and state = 'done'`;
    expect(doneBefore.length).toBeGreaterThan(0);
    expect(doneBefore.length).toBeLessThan(12);
    expect(await count(testSql()`select count(*)::int as n from llm_run_items where run_id = ${run.id} and state = 'running'`)).toBe(0);

    const askedBefore = chats().length;
    respond = undefined;
    expect(await runLlmRun(db, run.id, fast)).toEqual({ state: "done", message: null });
    const doneQuestions = new Set((await testSql()<{ input: { text: string } }[]>`select input from items where id = any(${doneBefore.map((d) => d.item_id)}::bigint[])`).map((r) => r.input.text));
    const resumed = chats().slice(askedBefore).map(questionOf);
    expect(resumed.filter((q) => doneQuestions.has(q))).toEqual([]);
    expect((await outputsOf(p.itemIds)).map((l) => l.filter((o) => o.promptVersion?.id === p.generate.id).length)).toEqual(Array(12).fill(1));
    expect(await count(testSql()`select count(*)::int as n from llm_outputs where prompt_version_id = ${p.generate.id}`)).toBe(12);
  });

  it("takes over the items of a runner whose process died, and only then (its advisory lock is gone)", async () => {
    const p = await llmRunProject(stub, { items: 4 });
    const run = await createLlmRun(db, p.manager.actor, p.projectId, { kind: "generate", providerId: p.provider.id, model: "loupe-stub-small", promptVersionId: p.generate.id });
    // A runner of another process: it holds its key's lock and has claimed two items.
    const other = await testSql().reserve();
    const key = "123456789012345";
    await other`select pg_advisory_lock(${key}::int8)`;
    await testSql()`update llm_run_items set state = 'running', claimed_by = ${key}::int8 where run_id = ${run.id} and item_id = any(${p.itemIds.slice(0, 2)}::bigint[])`;

    expect(await runLlmRun(db, run.id, fast)).toEqual({ state: "running", message: null });
    expect(chats().map(questionOf).sort()).toEqual(["Question 3?", "Question 4?"]);

    // The other process dies: its connection, and with it the lock, goes away.
    await other`select pg_advisory_unlock_all()`;
    other.release();
    expect(await runLlmRun(db, run.id, fast)).toEqual({ state: "done", message: null });
    expect(chats().map(questionOf).sort()).toEqual(["Question 1?", "Question 2?", "Question 3?", "Question 4?"]);
  });

  it("two runners racing on one run never ask about the same item twice", async () => {
    const p = await llmRunProject(stub, { items: 30, provider: { maxConcurrency: 4 } });
    const run = await createLlmRun(db, p.manager.actor, p.projectId, { kind: "generate", providerId: p.provider.id, model: "loupe-stub-small", promptVersionId: p.generate.id });
    respond = () => ({ delayMs: 10 });
    const outcomes = await Promise.all([runLlmRun(db, run.id, fast), runLlmRun(db, run.id, fast)]);
    expect(outcomes.map((o) => o.state)).toContain("done");
    const asked = chats().map(questionOf);
    expect(asked).toHaveLength(30);
    expect(new Set(asked).size).toBe(30);
    expect((await getLlmRunStatus(db, p.manager.actor, run.id)).counts).toEqual({ total: 30, done: 30, failed: 0, left: 0 });
  });
});

describe("retries and failures", () => {
  it("waits out a 429's Retry-After, then asks again", async () => {
    const p = await llmRunProject(stub, { items: 1 });
    const run = await createLlmRun(db, p.manager.actor, p.projectId, { kind: "generate", providerId: p.provider.id, model: "loupe-stub-small", promptVersionId: p.generate.id });
    stub.script([{ status: 429, headers: { "retry-after": "1" } }]);
    expect(await runLlmRun(db, run.id, fast)).toEqual({ state: "done", message: null });
    const [first, second] = chats();
    expect(chats()).toHaveLength(2);
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(1000);
    const [row] = await testSql()<{ attempts: number; state: string }[]>`select attempts, state from llm_run_items where run_id = ${run.id}`;
    expect(row).toEqual({ attempts: 2, state: "done" });
  });

  it("tries a 500 again; when every try fails the item fails with the provider's message and the run goes on", async () => {
    const p = await llmRunProject(stub, { items: 3, provider: { maxConcurrency: 1 } });
    const run = await createLlmRun(db, p.manager.actor, p.projectId, { kind: "generate", providerId: p.provider.id, model: "loupe-stub-small", promptVersionId: p.generate.id, maxAttempts: 2 });
    // Item 1: a 500 then an answer. Item 2: two 500s. Item 3: answered.
    stub.script([{ status: 500 }, {}, { status: 500 }, { status: 503 }]);
    expect(await runLlmRun(db, run.id, fast)).toEqual({ state: "done", message: null });
    const status = await getLlmRunStatus(db, p.manager.actor, run.id);
    expect(status.counts).toEqual({ total: 3, done: 2, failed: 1, left: 0 });
    expect(status.failures).toEqual([{ itemId: p.itemIds[1], error: "503: Scripted 503 from the Loupe stub. (after 2 tries)", attempts: 2 }]);
    expect(chats()).toHaveLength(5);

    // Retry failed: only the failed item is asked again.
    stub.reset();
    expect(await retryFailedItems(db, p.manager.actor, run.id)).toEqual({ id: run.id, state: "queued", retried: 1 });
    expect(await runLlmRun(db, run.id, fast)).toEqual({ state: "done", message: null });
    expect(chats().map(questionOf)).toEqual(["Question 2?"]);
    expect((await getLlmRunStatus(db, p.manager.actor, run.id)).counts).toEqual({ total: 3, done: 3, failed: 0, left: 0 });
  });

  it("gives up on a request after the run's timeout and tries it again", async () => {
    const p = await llmRunProject(stub, { items: 2, provider: { maxConcurrency: 1 } });
    const run = await createLlmRun(db, p.manager.actor, p.projectId, { kind: "generate", providerId: p.provider.id, model: "loupe-stub-small", promptVersionId: p.generate.id, timeoutSeconds: 0.3, maxAttempts: 2 });
    // Item 1: too slow once, then answered. Item 2: too slow twice.
    stub.script([{ delayMs: 5000 }, {}, { delayMs: 5000 }, { delayMs: 5000 }]);
    expect(await runLlmRun(db, run.id, fast)).toEqual({ state: "done", message: null });
    const status = await getLlmRunStatus(db, p.manager.actor, run.id);
    expect(status.counts).toEqual({ total: 2, done: 1, failed: 1, left: 0 });
    expect(status.failures).toEqual([{ itemId: p.itemIds[1], error: "The provider did not answer in time. (after 2 tries)", attempts: 2 }]);
  });

  it("a budget cap stops the run before the remaining items are asked", async () => {
    const p = await llmRunProject(stub, { items: 10, provider: { maxConcurrency: 1, models: [{ id: "loupe-stub-small", inputPricePerMillion: 1000, outputPricePerMillion: 1000 }] } });
    const run = await createLlmRun(db, p.manager.actor, p.projectId, { kind: "generate", providerId: p.provider.id, model: "loupe-stub-small", promptVersionId: p.generate.id, budgetUsd: 0.05 });
    const outcome = await runLlmRun(db, run.id, fast);
    expect(outcome).toEqual({ state: "failed", message: "Budget reached: the run stopped before asking about the remaining items." });
    const status = await getLlmRunStatus(db, p.manager.actor, run.id);
    expect(status.costUsd).toBeGreaterThanOrEqual(0.05);
    expect(status.counts.done).toBeLessThan(10);
    // The one call in flight when the cap was reached (concurrency 1) is dropped, not recorded.
    expect(chats().length).toBeGreaterThanOrEqual(status.counts.done);
    expect(chats().length).toBeLessThanOrEqual(status.counts.done + 1);
    expect(await count(testSql()`select count(*)::int as n from llm_outputs where run_id = ${run.id}`)).toBe(status.counts.done);
  });

  it("cancel stops the run: calls in flight are dropped and nothing more is asked", async () => {
    const p = await llmRunProject(stub, { items: 10, provider: { maxConcurrency: 2 } });
    const run = await createLlmRun(db, p.manager.actor, p.projectId, { kind: "generate", providerId: p.provider.id, model: "loupe-stub-small", promptVersionId: p.generate.id });
    respond = () => ({ delayMs: chats().length > 3 ? 60_000 : 5 });
    const running = runLlmRun(db, run.id, fast);
    await waitFor(async () => chats().length, (n) => n >= 4, "four calls");
    expect(await cancelLlmRun(db, p.manager.actor, run.id)).toEqual({ id: run.id, state: "cancelled" });
    expect(await running).toEqual({ state: "cancelled", message: null });
    const asked = chats().length;
    expect(asked).toBeLessThan(10);
    const status = await getLlmRunStatus(db, p.manager.actor, run.id);
    expect(status.state).toBe("cancelled");
    expect(status.counts.done).toBeLessThanOrEqual(asked);
    await expect(cancelLlmRun(db, p.manager.actor, run.id)).rejects.toThrow("The run is cancelled; only a queued or running run can be cancelled.");
  });
});

describe("judge runs", () => {
  it("store answers as suggestions with model, prompt version, run, rationale and confidence; a malformed or out-of-range answer fails its item with the reason and the run goes on", async () => {
    const p = await llmRunProject(stub, { items: 4, provider: { maxConcurrency: 1 } });
    const run = await createLlmRun(db, p.manager.actor, p.projectId, { kind: "judge", providerId: p.provider.id, model: "loupe-stub-large", promptVersionId: p.judge.id });
    stub.script([{ content: "I think it is fine." }, { content: '{"rationale": "Too long.", "answers": {"quality": 9}}' }]);
    expect(await runLlmRun(db, run.id, fast)).toEqual({ state: "done", message: null });

    const status = await getLlmRunStatus(db, p.manager.actor, run.id);
    expect(status.counts).toEqual({ total: 4, done: 2, failed: 2, left: 0 });
    expect(status.failures).toEqual([
      { itemId: p.itemIds[0], error: 'The reply holds no JSON object: "I think it is fine."', attempts: 1 },
      { itemId: p.itemIds[1], error: "Invalid answer — quality: 9: Expected a whole number from 1 to 5.", attempts: 1 },
    ]);
    expect(chats()[0]!.body).toMatchObject({ model: "loupe-stub-large", logprobs: true, response_format: { type: "json_schema", json_schema: { name: "judge_answer", strict: true } } });

    const suggestions = await testSql()<{ item_id: string; question_key: string; value: unknown; origin: string; source: string; model: string; prompt_version_id: string; run_id: string; rationale: string; confidence: number }[]>`
      select item_id, question_key, value, origin, source, model, prompt_version_id, run_id, rationale, confidence from suggestions where run_id = ${run.id} order by item_id`;
    expect(suggestions.map((s) => Number(s.item_id))).toEqual(p.itemIds.slice(2));
    for (const s of suggestions) {
      expect(s).toMatchObject({ question_key: "quality", origin: "llm", source: "loupe-stub-large", model: "loupe-stub-large", prompt_version_id: p.judge.id, run_id: run.id, rationale: expect.any(String) });
      expect([1, 2, 3, 4, 5]).toContain(s.value);
      expect(s.confidence).toBeGreaterThan(0);
      expect(s.confidence).toBeLessThanOrEqual(1);
    }

    // Retrying asks only the failed items; the stored answers stay one per item, question, prompt version and model.
    stub.reset();
    await retryFailedItems(db, p.manager.actor, run.id);
    expect(await runLlmRun(db, run.id, fast)).toEqual({ state: "done", message: null });
    expect(chats()).toHaveLength(2);
    expect(await count(testSql()`select count(*)::int as n from suggestions where prompt_version_id = ${p.judge.id} and model = 'loupe-stub-large'`)).toBe(4);
  });
});
