import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { imports } from "~db/schema";
import { db, sqlOf } from "~/db.server";
import { requestClassifierTraining } from "~/modules/classifier/request-training.server";
import { saveClassifierSettings } from "~/modules/classifier/settings.server";
import { trainClassifierModel } from "~/modules/classifier/train-model.server";
import { createDataset } from "~/modules/datasets/create-dataset.server";
import { importProject, importText, jsonl } from "~/modules/imports/test-helpers";
import { addItems } from "~/modules/items/add-items.server";
import { createProject } from "~/modules/projects/create-project.server";
import { saveTemplate } from "~/modules/templates/save-template.server";
import { markInterruptedImports } from "~/modules/imports/tracker.server";
import { createLlmRun } from "~/modules/llm-runs/create-run.server";
import { runLlmRun } from "~/modules/llm-runs/run-llm-run.server";
import { makeUser } from "~test/factories";
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

  it("job.finished: once when a classifier training ends (here, failing: its question left the template)", async () => {
    const manager = await makeUser();
    const project = await createProject(db, manager.actor, { name: `Hooked classifier ${randomUUID().slice(0, 8)}` });
    await saveTemplate(db, manager.actor, project.id, { questions: [{ key: "intent", kind: "choice", text: "Intent", options: [{ value: "billing" }, { value: "shipping" }] }] });
    const intents = ["billing", "shipping"] as const;
    await addItems(db, manager.actor, project.id, Array.from({ length: 24 }, (_, i) => ({ input: `ticket ${i} about ${intents[i % 2]}`, outputs: [], gold: { intent: intents[i % 2]! } })));
    await saveClassifierSettings(db, manager.actor, project.id, { questionKey: "intent" });
    await listen(manager.actor, project.id, ["job.finished"]);
    const requested = await requestClassifierTraining(db, manager.actor, project.id);
    await saveTemplate(db, manager.actor, project.id, { questions: [{ key: "quality", kind: "rating", text: "Quality", min: 1, max: 5 }] });
    expect(await trainClassifierModel(db, requested.id)).toMatchObject({ state: "failed" });
    expect(await trainClassifierModel(db, requested.id)).toEqual({ skipped: "finished" });
    const rows = await queued(project.id);
    expect(rows.map((r) => r.payload.data)).toEqual([expect.objectContaining({ job: "classifier_training", classifier_model_id: requested.id, question_key: "intent", state: "failed" })]);
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
