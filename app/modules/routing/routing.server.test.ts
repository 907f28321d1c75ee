import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "~/db.server";
import { requestClassifierTraining } from "~/modules/classifier/request-training.server";
import { saveClassifierSettings } from "~/modules/classifier/settings.server";
import { trainClassifierModel } from "~/modules/classifier/train-model.server";
import { addItems } from "~/modules/items/add-items.server";
import { createProvider } from "~/modules/llm/create-provider.server";
import { addMember } from "~/modules/projects/add-member.server";
import { createProject } from "~/modules/projects/create-project.server";
import { updateProjectSettings } from "~/modules/projects/update-settings.server";
import { savePromptVersion } from "~/modules/prompts/save-prompt-version.server";
import { claimNextItem } from "~/modules/review/claim-next-item.server";
import { saveTemplate } from "~/modules/templates/save-template.server";
import { testSql } from "~test/db";
import { makeUser } from "~test/factories";
import { loadLlmTestEnv, stubProviderInput } from "~test/support/llm";
import { waitFor } from "~test/support/wait-for";
import { startLlmStub, type LlmStub } from "../../../scripts/llm-stub/server";
import { createDataset } from "~/modules/datasets/create-dataset.server";
import { queueLlmRun } from "~/jobs/boss.server";
import { applyRouting, getRoutingOverview, saveRoutingPolicy } from "./routing.server";

/** A dataset's frozen items as the snapshot stored them (what every export format is made from). */
async function frozenRows(datasetId: string) {
  const chunks = await testSql()<{ lines: string }[]>`select lines from dataset_item_chunks where dataset_id = ${datasetId} order by chunk`;
  return chunks.map((c) => c.lines).join("").trim().split("\n").filter(Boolean).map((line) => JSON.parse(line) as { itemId: number; label: string | null; resolutions: Record<string, { status: string; value: unknown; method: string; annotations: number }> });
}

let stub: LlmStub;
beforeAll(async () => {
  loadLlmTestEnv();
  stub = await startLlmStub({});
});
afterAll(() => stub.close());

const intents = ["billing", "shipping"] as const;
const words = { billing: ["invoice", "refund", "charge", "payment"], shipping: ["parcel", "courier", "delivery", "tracking"] };

/** A trained classification project: 40 gold items, and `open` unlabelled ones (some clear, some mixing both intents' words). */
async function routedProject(open: { input: string }[]) {
  const admin = await makeUser({ isAdmin: true });
  const manager = await makeUser();
  const reviewer = await makeUser();
  const project = await createProject(db, manager.actor, { name: `Routing ${randomUUID().slice(0, 8)}` });
  await addMember(db, manager.actor, project.id, { email: reviewer.email, role: "reviewer" });
  await saveTemplate(db, manager.actor, project.id, { questions: [{ key: "intent", kind: "choice", text: "Intent", options: intents.map((value) => ({ value })) }] });
  const gold = Array.from({ length: 40 }, (_, i) => {
    const intent = intents[i % 2]!;
    return { input: `${words[intent][i % 4]} ${words[intent][(i + 1) % 4]} number ${i}`, outputs: [], gold: { intent } };
  });
  await addItems(db, manager.actor, project.id, gold);
  const openIds = (await addItems(db, manager.actor, project.id, open.map((o) => ({ ...o, outputs: [] })))).ids;
  await saveClassifierSettings(db, manager.actor, project.id, { questionKey: "intent" });
  const model = await requestClassifierTraining(db, manager.actor, project.id);
  expect(await trainClassifierModel(db, model.id)).toEqual({ state: "ready" });
  const provider = await createProvider(db, admin.actor, stubProviderInput(stub));
  const judge = await savePromptVersion(db, manager.actor, project.id, { name: "Intent judge", purpose: "judge", user: "Label: {{input}}", questions: ["intent"] });
  return { projectId: project.id, manager, reviewer, openIds, provider, judge };
}

async function confidences(itemIds: number[]) {
  const rows = await testSql()<{ item_id: string; probabilities: Record<string, number> }[]>`
    select item_id, probabilities from suggestions where item_id = any(${itemIds}::bigint[]) and origin = 'classifier' order by item_id`;
  return new Map(rows.map((r) => [Number(r.item_id), Math.max(...Object.values(r.probabilities))]));
}

describe("routing a classification project's unlabelled items", () => {
  it("machine-labels the sure items (they leave the queue), asks the LLM about the unsure ones and accepts its answers, leaves the rest to people", async () => {
    const p = await routedProject([
      { input: "invoice refund charge payment" },
      { input: "parcel courier delivery tracking" },
      { input: "invoice parcel" },
      { input: "refund courier" },
      { input: "something else entirely" },
    ]);
    const conf = await confidences(p.openIds);
    // Thresholds from the model's own confidences, so the test holds for any model: the two clear
    // items above `high`, the rest between `low` and `high` or below.
    const sorted = [...conf.values()].sort((a, b) => b - a);
    const high = sorted[1]!;
    const low = sorted[3]!;
    await expect(applyRouting(db, p.manager.actor, p.projectId)).rejects.toThrow("Set the routing policy first.");
    await expect(saveRoutingPolicy(db, p.reviewer.actor, p.projectId, { high, low })).rejects.toThrow("Only managers and engineers can train and configure the classifier.");
    await expect(saveRoutingPolicy(db, p.manager.actor, p.projectId, { high, low, llm: { providerId: p.provider.id, model: "nope", promptVersionId: p.judge.id } })).rejects.toMatchObject({
      issues: [{ field: "llm.model", message: expect.stringContaining("not nope") }],
    });
    await saveRoutingPolicy(db, p.manager.actor, p.projectId, { high, low, spotCheck: 0, llm: { providerId: p.provider.id, model: "loupe-stub-small", promptVersionId: p.judge.id } });

    const before = await getRoutingOverview(db, p.manager.actor, p.projectId);
    const expectSure = [...conf.values()].filter((c) => c >= high).length;
    const expectBetween = [...conf.values()].filter((c) => c < high && c >= low).length;
    expect(before.counts).toMatchObject({ classifier: expectSure, "llm-pending": expectBetween, people: 5 - expectSure - expectBetween, llm: 0 });
    expect(Object.values(before.counts).reduce((a, b) => a + b, 0)).toBe(5);
    expect(before.simulation?.items).toBeGreaterThan(0);

    const first = await applyRouting(db, p.manager.actor, p.projectId);
    // As the API and the page do: the judge run applyRouting made is queued by its caller.
    if (first.asked) await queueLlmRun(first.asked.runId);
    expect(first.labelled).toEqual({ classifier: expectSure, llm: 0 });
    expect(first.asked).toMatchObject({ items: expectBetween });
    const machine = await testSql()<{ item_id: string; source: string; status: string }[]>`
      select m.item_id, m.source, i.status from machine_labels m join items i on i.id = m.item_id where m.project_id = ${p.projectId} order by m.item_id`;
    expect(machine.map((m) => [m.source, m.status])).toEqual(Array.from({ length: expectSure }, () => ["classifier", "done"]));

    // The judge run works in the background (no job workers in this process); applying again once
    // it is done accepts its answers (no minimum confidence, no top-2 rule).
    const run = await waitFor(
      async () => (await testSql()<{ state: string }[]>`select state from llm_runs where id = ${first.asked!.runId}`)[0]!.state,
      (state) => state !== "queued" && state !== "running",
      "the judge run to end",
    );
    expect(run).toBe("done");
    const second = await applyRouting(db, p.manager.actor, p.projectId);
    expect(second).toMatchObject({ labelled: { classifier: 0, llm: expectBetween }, asked: null });
    const after = await getRoutingOverview(db, p.manager.actor, p.projectId);
    expect(after.labelled).toEqual({ classifier: expectSure, llm: expectBetween });
    expect(after.counts.people).toBe(5 - expectSure - expectBetween);

    // The reviewer's queue holds the people's share only: never a gold item (gold rate 0) nor a machine-labelled one.
    const machineIds = new Set((await testSql()<{ item_id: string }[]>`select item_id from machine_labels where project_id = ${p.projectId}`).map((r) => Number(r.item_id)));
    await updateProjectSettings(db, p.manager.actor, p.projectId, { overlap: 2 });
    const claimed: number[] = [];
    for (let lease = await claimNextItem(db, p.reviewer.actor, p.projectId); lease; lease = await claimNextItem(db, p.reviewer.actor, p.projectId)) {
      claimed.push(lease.itemId);
      await testSql()`update assignments set state = 'skipped' where id = ${lease.leaseId}`;
    }
    expect(claimed.filter((id) => machineIds.has(id))).toEqual([]);
    expect(claimed.length).toBe(5 - machineIds.size);

    // Datasets leave machine labels out unless asked; included, each keeps its source as the method.
    const people = await createDataset(db, p.manager.actor, p.projectId, { name: "people", filter: { status: "any" }, options: {} });
    const peopleRows = await frozenRows(people.id);
    // Gold items (reviewers' training items) are left out unless the filter asks for gold: the 5 others only.
    expect(people.counts.items).toBe(5);
    expect(peopleRows.filter((r) => machineIds.has(r.itemId)).every((r) => r.label === null && Object.keys(r.resolutions).length === 0)).toBe(true);
    const only = await createDataset(db, p.manager.actor, p.projectId, { name: "machine", filter: { machineLabels: "only" }, options: {} });
    const onlyRows = await frozenRows(only.id);
    expect(onlyRows.map((r) => r.itemId).sort((a, b) => a - b)).toEqual([...machineIds].sort((a, b) => a - b));
    const sources = await testSql()<{ item_id: string; value: string; source: string }[]>`select item_id, value #>> '{}' as value, source from machine_labels where project_id = ${p.projectId}`;
    for (const m of sources) {
      const row = onlyRows.find((r) => r.itemId === Number(m.item_id))!;
      expect(row.label).toBe(m.value);
      expect(row.resolutions.intent).toMatchObject({ status: "resolved", value: m.value, method: m.source, annotations: 0 });
    }
    const both = await createDataset(db, p.manager.actor, p.projectId, { name: "both", filter: { machineLabels: "include" }, options: {} });
    // The gold items have no consensus row (gold is not a resolution), so "resolved" takes only machine labels here…
    expect(both.counts.items).toBe(machineIds.size);
    // …and with gold included, the 40 gold items too, each labelled with its gold answer, marked gold.
    const withGold = await createDataset(db, p.manager.actor, p.projectId, { name: "gold", filter: { machineLabels: "include", gold: "include" }, options: {} });
    expect(withGold.counts.items).toBe(40 + machineIds.size);
    const goldRows = (await frozenRows(withGold.id)).filter((r) => !machineIds.has(r.itemId));
    const golds = new Map((await testSql()<{ id: string; intent: string }[]>`select id, gold ->> 'intent' as intent from items where project_id = ${p.projectId} and gold is not null`).map((g) => [Number(g.id), g.intent]));
    expect(goldRows).toHaveLength(40);
    for (const row of goldRows) {
      expect(row.label).toBe(golds.get(row.itemId));
      expect(row.resolutions.intent).toMatchObject({ status: "resolved", value: golds.get(row.itemId), method: "gold" });
    }
    const billingGold = await createDataset(db, p.manager.actor, p.projectId, { name: "billing", filter: { gold: "include", labels: { question: "intent", in: ["billing"] } }, options: {} });
    expect(billingGold.counts.items).toBe([...golds.values()].filter((v) => v === "billing").length);
    await expect(createDataset(db, p.manager.actor, p.projectId, { name: "bad", filter: { machineLabels: "some" as never }, options: {} })).rejects.toMatchObject({
      issues: [{ field: "filter.machineLabels", message: "Expected exclude, include or only." }],
    });
  });
});
