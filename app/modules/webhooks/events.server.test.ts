import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { imports } from "~db/schema";
import { db, sqlOf } from "~/db.server";
import { createDataset } from "~/modules/datasets/create-dataset.server";
import { importProject, importText, jsonl } from "~/modules/imports/test-helpers";
import { markInterruptedImports } from "~/modules/imports/tracker.server";
import { createLlmRun } from "~/modules/llm-runs/create-run.server";
import { runLlmRun } from "~/modules/llm-runs/run-llm-run.server";
import { loadLlmTestEnv } from "~test/support/llm";
import { makeDatasetProject } from "~test/support/dataset-project";
import { llmRunProject } from "~test/support/llm-run-project";
import { startLlmStub, type LlmStub } from "../../../scripts/llm-stub/server";
import { createWebhook } from "./create-webhook.server";
import type { WebhookEvent } from "./schemas";

// why: the LLM provider is the one network Loupe does not own; the stub speaks its wire format over real HTTP.
let stub: LlmStub;
beforeAll(async () => {
  loadLlmTestEnv({ LOUPE_WEBHOOK_ALLOW_PRIVATE: "true" });
  stub = await startLlmStub({});
});
afterAll(() => stub.close());

/** The deliveries queued for the project's webhooks, as the receiver would get their bodies. */
const queued = (projectId: string) =>
  sqlOf(db)<{ event: string; payload: { id: string; type: string; project_id: string; data: Record<string, unknown> } }[]>`
    select d.event, d.payload from webhook_deliveries d join webhooks w on w.id = d.webhook_id where w.project_id = ${projectId} order by d.id`;

const listen = (actor: Parameters<typeof createWebhook>[1], projectId: string, events: WebhookEvent[]) =>
  createWebhook(db, actor, projectId, { url: "http://127.0.0.1:9/loupe", events });

describe("events from the places that change things", () => {
  it("dataset.ready: once per built snapshot, with counts and links and no item text", async () => {
    const f = await makeDatasetProject();
    await listen(f.manager.actor, f.projectId, ["dataset.ready"]);
    const built = await createDataset(db, f.manager.actor, f.projectId, { name: "Hooked", filter: { status: "any" }, options: {} });
    const rows = await queued(f.projectId);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.payload).toMatchObject({
      type: "dataset.ready",
      project_id: f.projectId,
      data: { dataset_id: built.id, name: "Hooked", version: built.version, items: built.counts.items, content_hash: built.contentHash, links: { api: `/api/v1/datasets/${built.id}` } },
    });
    expect(JSON.stringify(rows)).not.toContain("Where is my parcel");
  });

  it("import.finished: once per tracked import (one with a progress row), with its summary, for success and for failure", async () => {
    const p = await importProject();
    await listen(p.actor, p.projectId, ["import.finished", "dataset.ready"]);
    const track = { fileName: "hooked.jsonl" };
    const ok = await importText(p, jsonl({ input: "Question one", outputs: [{ text: "Answer one" }] }, { input: "Question two", outputs: [{ text: "Answer two" }] }), { track });
    const bad = await importText(p, "not json at all\n", { track });
    expect(bad.failure).toBeDefined();
    const rows = await queued(p.projectId);
    expect(rows.map((r) => r.event)).toEqual(["import.finished", "import.finished"]);
    expect(rows[0]!.payload.data).toMatchObject({ import_id: ok.result!.importId, state: "succeeded", counts: { inserted: 2 } });
    expect(rows[1]!.payload.data).toMatchObject({ state: "failed" });
    expect(JSON.stringify(rows)).not.toContain("Question one");

    // An import whose process died is reported when the sweep marks it failed.
    const [dead] = await db.insert(imports).values({ projectId: p.projectId, origin: "cli", state: "running", inserted: 7, heartbeatAt: sql`now() - interval '1 minute'` }).returning({ id: imports.id });
    await markInterruptedImports(db);
    await markInterruptedImports(db);
    const after = await queued(p.projectId);
    expect(after).toHaveLength(3);
    expect(after[2]!.payload.data).toMatchObject({ import_id: dead!.id, state: "failed", interrupted: true, counts: { inserted: 7 } });
  });

  it("job.finished: once when an LLM run ends, not again when its runner looks at the finished run", async () => {
    const p = await llmRunProject(stub, { items: 2 });
    await listen(p.manager.actor, p.projectId, ["job.finished"]);
    const run = await createLlmRun(db, p.manager.actor, p.projectId, { kind: "generate", providerId: p.provider.id, model: "loupe-stub-small", promptVersionId: p.generate.id });
    expect(await runLlmRun(db, run.id, { backoffBaseMs: 5, pollMs: 20 })).toEqual({ state: "done", message: null });
    await runLlmRun(db, run.id, { backoffBaseMs: 5, pollMs: 20 });
    const rows = await queued(p.projectId);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.payload.data).toMatchObject({ job: "llm_run", llm_run_id: run.id, kind: "generate", state: "done", counts: { total: 2, done: 2, failed: 0 } });
  });
});
