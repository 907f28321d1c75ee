import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { db } from "~/db.server";
import { projectsDueRetraining, sweepClassifier } from "~/jobs/classifier.server";
import { addItems } from "~/modules/items/add-items.server";
import type { NewItem } from "~/modules/items/schemas";
import { addMember } from "~/modules/projects/add-member.server";
import { createProject } from "~/modules/projects/create-project.server";
import { updateProjectSettings } from "~/modules/projects/update-settings.server";
import { refreshResolutions } from "~/modules/resolution/refresh-resolutions.server";
import { submitAnnotation } from "~/modules/review/submit-annotation.server";
import { saveTemplate } from "~/modules/templates/save-template.server";
import { testSql } from "~test/db";
import { makeUser } from "~test/factories";
import { getClassifierModel, getClassifierOverview } from "./queries.server";
import { queueTraining, requestClassifierTraining } from "./request-training.server";
import { saveClassifierSettings } from "./settings.server";
import { trainClassifierModel } from "./train-model.server";

const words = {
  billing: ["invoice", "refund", "charge", "payment", "card", "bill"],
  shipping: ["parcel", "delivery", "courier", "tracking", "shipment", "arrive"],
  other: ["hello", "weather", "joke", "song", "poem", "movie"],
} as const;
type Intent = keyof typeof words;
const intents = Object.keys(words) as Intent[];
/** A sentence made of one intent's words: a set a bag-of-words model separates perfectly. */
const sentence = (intent: Intent, i: number) => `please ${words[intent][i % 6]} my ${words[intent][(i + 2) % 6]} now ${words[intent][(i + 4) % 6]}, ticket ${i}`;

async function classificationProject(options: { gold?: number; unlabelled?: number } = {}) {
  const manager = await makeUser();
  const reviewer = await makeUser();
  const project = await createProject(db, manager.actor, { name: `Classifier ${randomUUID().slice(0, 8)}` });
  await addMember(db, manager.actor, project.id, { email: reviewer.email, role: "reviewer" });
  await saveTemplate(db, manager.actor, project.id, {
    questions: [
      { key: "intent", kind: "choice", text: "Intent", options: intents.map((value) => ({ value })) },
      { key: "topics", kind: "choice", text: "Topics", multiple: true, options: [{ value: "a" }, { value: "b" }] },
      { key: "quality", kind: "rating", text: "Quality", min: 1, max: 5 },
    ],
  });
  await updateProjectSettings(db, manager.actor, project.id, { overlap: 1 });
  const gold: NewItem[] = Array.from({ length: options.gold ?? 45 }, (_, i) => ({ input: sentence(intents[i % 3]!, i), outputs: [], gold: { intent: intents[i % 3]! } }));
  const open: NewItem[] = Array.from({ length: options.unlabelled ?? 12 }, (_, i) => ({ input: sentence(intents[i % 3]!, i + 1), outputs: [], metadata: { truth: intents[i % 3]! } }));
  const goldIds = gold.length ? (await addItems(db, manager.actor, project.id, gold)).ids : [];
  const openIds = open.length ? (await addItems(db, manager.actor, project.id, open)).ids : [];
  return { projectId: project.id, manager, reviewer, goldIds, openIds };
}

async function classifierSuggestions(itemIds: number[]) {
  return testSql()<{ item_id: string; value: string; confidence: number; source: string; run_id: string; probabilities: Record<string, number> }[]>`
    select item_id, value, confidence, source, run_id, probabilities from suggestions
    where item_id = any(${itemIds}::bigint[]) and origin = 'classifier' order by item_id, id`;
}

describe("classifier settings", () => {
  it("accept a single-label question; refuse a multi-label or rating question by name, and roles that may not train", async () => {
    const p = await classificationProject({ gold: 0, unlabelled: 0 });
    await expect(saveClassifierSettings(db, p.manager.actor, p.projectId, { questionKey: "topics" })).rejects.toMatchObject({
      issues: [{ field: "questionKey", message: "The classifier learns a question with one answer out of a fixed list (a single choice, or thumbs). This project's: intent." }],
    });
    await expect(saveClassifierSettings(db, p.manager.actor, p.projectId, { questionKey: "quality" })).rejects.toThrow("This project's: intent.");
    await expect(saveClassifierSettings(db, p.manager.actor, p.projectId, { questionKey: "intent", retrainEvery: 5 })).rejects.toMatchObject({
      issues: [{ field: "retrainEvery", message: "At least 10 labels between retrainings." }],
    });
    await expect(saveClassifierSettings(db, p.reviewer.actor, p.projectId, { questionKey: "intent" })).rejects.toThrow("Only managers and engineers can train and configure the classifier.");
    expect(await saveClassifierSettings(db, p.manager.actor, p.projectId, { questionKey: "intent", retrainEvery: 50 })).toEqual({ questionKey: "intent", includeLlm: false, retrainEvery: 50, reviewerHourlyUsd: null });
    const overview = await getClassifierOverview(db, p.manager.actor, p.projectId);
    expect(overview).toMatchObject({ settings: { questionKey: "intent", retrainEvery: 50 }, questions: [{ key: "intent", labels: ["billing", "shipping", "other"] }], canTrain: true, models: [], current: null });
    await expect(getClassifierOverview(db, p.reviewer.actor, p.projectId)).rejects.toThrow("Only managers, researchers and engineers can see quality and agreement figures.");
  });
});

describe("training a model", () => {
  it("says how many labels are missing, before settings and with too few labels", async () => {
    const p = await classificationProject({ gold: 12, unlabelled: 3 });
    await expect(requestClassifierTraining(db, p.manager.actor, p.projectId)).rejects.toThrow("Choose the question the classifier learns first.");
    await saveClassifierSettings(db, p.manager.actor, p.projectId, { questionKey: "intent" });
    await expect(requestClassifierTraining(db, p.manager.actor, p.projectId)).rejects.toMatchObject({
      issues: [{ field: "labels", message: "Training needs at least 20 labelled items; question intent has 12." }],
    });
  });

  it("trains on gold and reviewers' labels, keeps its evaluation, and predicts every unlabelled item as a suggestion from classifier v1", async () => {
    const p = await classificationProject({ gold: 45, unlabelled: 12 });
    // A reviewer labels two of the open items: their consensus is a label too (source human).
    for (const [n, itemId] of p.openIds.slice(0, 2).entries()) {
      await submitAnnotation(db, p.reviewer.actor, { itemId, values: { intent: intents[n % 3]! }, idempotencyKey: `c-${itemId}`, durationMs: 900 });
    }
    await refreshResolutions(db, p.projectId);
    await saveClassifierSettings(db, p.manager.actor, p.projectId, { questionKey: "intent" });
    const requested = await requestClassifierTraining(db, p.manager.actor, p.projectId);
    expect(requested).toMatchObject({ version: 1, state: "queued", questionKey: "intent", labels: 47 });
    await expect(requestClassifierTraining(db, p.manager.actor, p.projectId)).rejects.toThrow("Model v1 is already waiting to train; wait for it to finish.");

    expect(await trainClassifierModel(db, requested.id)).toEqual({ state: "ready" });
    const model = await getClassifierModel(db, p.manager.actor, requested.id);
    expect(model).toMatchObject({ state: "ready", version: 1, labelCount: 47, summary: { labels: { gold: 45, adjudicated: 0, human: 2, llm: 0 }, classes: 3 }, predicted: 10, message: null });
    expect(model.accuracy).toBeGreaterThanOrEqual(0.9);
    expect(model.evaluation!.report.classes.map((c) => c.label).sort()).toEqual(["billing", "other", "shipping"]);
    expect(model.finishedAt).not.toBeNull();

    const predicted = await classifierSuggestions(p.openIds);
    // Only the ten items nobody labelled get a prediction; the toy set is separable, so each is right.
    expect(predicted.map((s) => Number(s.item_id))).toEqual(p.openIds.slice(2));
    for (const [n, s] of predicted.entries()) {
      expect(s).toMatchObject({ value: intents[(n + 2) % 3], source: "classifier v1", run_id: requested.id });
      const probabilities = Object.values(s.probabilities);
      expect(probabilities).toHaveLength(3);
      expect(probabilities.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
      expect(s.confidence).toBeCloseTo(Math.max(...probabilities), 6);
      expect(s.probabilities[s.value]).toBe(Math.max(...probabilities));
    }

    // Each predicted item has its uncertainty (1 − the margin of its top two classes) for the "most uncertain first" order; labelled items have none.
    const uncertainties = await testSql()<{ id: string; uncertainty: number | null }[]>`select id, uncertainty from items where id = any(${p.openIds}::bigint[]) order by id`;
    for (const [n, row] of uncertainties.entries()) {
      if (n < 2) {
        expect(row.uncertainty).toBeNull();
        continue;
      }
      const top = Object.values(predicted[n - 2]!.probabilities).sort((a, b) => b - a);
      expect(row.uncertainty).toBeCloseTo(1 - (top[0]! - top[1]!), 5);
    }

    // A retrain with more labels is a new version, whose predictions replace the first one's.
    await addItems(db, p.manager.actor, p.projectId, [{ input: sentence("billing", 1000), outputs: [], gold: { intent: "billing" } }]);
    const second = await requestClassifierTraining(db, p.manager.actor, p.projectId);
    expect(second).toMatchObject({ version: 2, labels: 48 });
    await trainClassifierModel(db, second.id);
    const replaced = await classifierSuggestions(p.openIds);
    expect(replaced).toHaveLength(10);
    expect(new Set(replaced.map((s) => s.source))).toEqual(new Set(["classifier v2"]));
    const overview = await getClassifierOverview(db, p.manager.actor, p.projectId);
    expect(overview.models.map((m) => [m.version, m.state])).toEqual([[2, "ready"], [1, "ready"]]);
    expect(overview.current?.version).toBe(2);
    expect(overview.current?.evaluation).not.toBeNull();
  });

  it("records why a model failed when the question left the template, and trains nothing twice", async () => {
    const p = await classificationProject({ gold: 30, unlabelled: 2 });
    await saveClassifierSettings(db, p.manager.actor, p.projectId, { questionKey: "intent" });
    const requested = await requestClassifierTraining(db, p.manager.actor, p.projectId);
    await saveTemplate(db, p.manager.actor, p.projectId, { questions: [{ key: "quality", kind: "rating", text: "Quality", min: 1, max: 5 }] });
    const outcome = await trainClassifierModel(db, requested.id);
    expect(outcome).toMatchObject({ state: "failed", message: expect.stringContaining("Question intent is not in the project's template any more") });
    expect(await getClassifierModel(db, p.manager.actor, requested.id)).toMatchObject({ state: "failed", predicted: 0 });
    expect(await trainClassifierModel(db, requested.id)).toEqual({ skipped: "finished" });
  });

  it("one model per project at a time, however many ask at once", async () => {
    const p = await classificationProject({ gold: 24, unlabelled: 0 });
    await saveClassifierSettings(db, p.manager.actor, p.projectId, { questionKey: "intent" });
    const outcomes = await Promise.allSettled(Array.from({ length: 8 }, () => requestClassifierTraining(db, p.manager.actor, p.projectId)));
    expect(outcomes.filter((o) => o.status === "fulfilled")).toHaveLength(1);
    for (const o of outcomes.filter((o) => o.status === "rejected")) expect(String((o as PromiseRejectedResult).reason)).toContain("already");
    const [{ n }] = await testSql()<[{ n: number }]>`select count(*)::int as n from classifier_models where project_id = ${p.projectId}`;
    expect(n).toBe(1);
  });
});

describe("the classifier sweep", () => {
  it("retrains a project once N labels were added since its last model, and not before", async () => {
    const p = await classificationProject({ gold: 30, unlabelled: 0 });
    await saveClassifierSettings(db, p.manager.actor, p.projectId, { questionKey: "intent", retrainEvery: 10 });
    // No model yet and 30 labels ≥ 10: due.
    expect(await projectsDueRetraining(db)).toContain(p.projectId);
    const first = await queueTraining(db, p.projectId, { trigger: "auto", userId: null });
    await trainClassifierModel(db, first.id);
    expect(await projectsDueRetraining(db)).not.toContain(p.projectId);
    await addItems(db, p.manager.actor, p.projectId, Array.from({ length: 9 }, (_, i) => ({ input: sentence("other", i + 50), outputs: [], gold: { intent: "other" } })));
    expect(await projectsDueRetraining(db)).not.toContain(p.projectId);
    await addItems(db, p.manager.actor, p.projectId, [{ input: sentence("billing", 99), outputs: [], gold: { intent: "billing" } }]);
    expect(await projectsDueRetraining(db)).toContain(p.projectId);
  });

  it("queues again a training whose process died, and fails it after three tries", async () => {
    const p = await classificationProject({ gold: 24, unlabelled: 0 });
    await saveClassifierSettings(db, p.manager.actor, p.projectId, { questionKey: "intent" });
    const model = await requestClassifierTraining(db, p.manager.actor, p.projectId);
    // A training that died: state training, nobody holds its lock.
    await testSql()`update classifier_models set state = 'training', attempts = 1 where id = ${model.id}`;
    const sent: string[] = [];
    const boss = { send: async (_q: string, data: { modelId: string }) => void sent.push(data.modelId) } as never;
    const log = { info: () => {}, warn: () => {}, error: () => {} };
    await sweepClassifier(db, boss, log);
    expect((await getClassifierModel(db, p.manager.actor, model.id)).state).toBe("queued");
    expect(sent).toContain(model.id);
    await testSql()`update classifier_models set state = 'training', attempts = 3 where id = ${model.id}`;
    await sweepClassifier(db, boss, log);
    expect(await getClassifierModel(db, p.manager.actor, model.id)).toMatchObject({ state: "failed", message: expect.stringContaining("Interrupted 3 times") });
  });
});
