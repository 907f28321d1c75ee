import { randomUUID } from "node:crypto";
import { classifierModels, llmProviders, llmRunItems, llmRuns } from "~db/schema";
import { db } from "~/db.server";
import { saveClassifierSettings } from "~/modules/classifier/settings.server";
import { makeDatasetProject, type HandMadeItem } from "./dataset-project";
import { judge, judgePrompt } from "./judge";

const intents = ["billing", "shipping", "other"] as const;
/** The judge's answer per item: right except on items 0, 1 and 2 (21 of 24). */
export const judgeAnswers = Array.from({ length: 24 }, (_, i) => (i < 3 ? intents[(i + 1) % 3]! : intents[i % 3]!));

/**
 * A classification project for the distillation report: 24 items both reviewers labelled alike
 * (durations 1000·(i+1)+r ms), an LLM judge right on 21 of them whose run recorded three items'
 * cost and latency, and a ready classifier v1 inserted with a known evaluation: 30 of 50 held-out
 * labels right, and a learning curve on acc(n) = 0.95 − 2·n^(−½).
 */
export async function makeDistillationProject(options: { hourlyUsd?: number | null } = {}) {
  const list: HandMadeItem[] = Array.from({ length: 24 }, (_, i) => ({
    item: { input: `Message ${i} about ${intents[i % 3]}`, outputs: [] },
    answers: [{ intent: intents[i % 3]! }, { intent: intents[i % 3]! }],
  }));
  const f = await makeDatasetProject(list, [{ key: "intent", kind: "choice", text: "Intent", options: intents.map((value) => ({ value })) }]);
  await saveClassifierSettings(db, f.manager.actor, f.projectId, { questionKey: "intent", reviewerHourlyUsd: options.hourlyUsd ?? null });
  const promptVersionId = await judgePrompt(f, "Intent judge");
  await judge(f, "gpt-x", promptVersionId, judgeAnswers);
  const [provider] = await db
    .insert(llmProviders)
    .values({ name: `stub ${randomUUID()}`, baseUrl: "http://127.0.0.1:9/v1", models: [] })
    .returning({ id: llmProviders.id });
  const [run] = await db
    .insert(llmRuns)
    .values({ projectId: f.projectId, kind: "judge", providerId: provider!.id, model: "gpt-x", promptVersionId, filter: { type: "all" }, params: { timeoutMs: 1000, maxAttempts: 1 }, state: "done" })
    .returning({ id: llmRuns.id });
  await db.insert(llmRunItems).values([
    { runId: run!.id, itemId: f.itemIds[0]!, state: "done", costUsd: 0.001, latencyMs: 100 },
    { runId: run!.id, itemId: f.itemIds[1]!, state: "done", costUsd: 0.002, latencyMs: 200 },
    { runId: run!.id, itemId: f.itemIds[2]!, state: "done", costUsd: 0.003, latencyMs: 600 },
    // A failed call is not a judged item.
    { runId: run!.id, itemId: f.itemIds[3]!, state: "failed", costUsd: 1, latencyMs: 99999 },
  ]);
  const curve = [20, 50, 100, 200].map((labels, i) => ({ share: [0.1, 0.25, 0.5, 1][i]!, labels, accuracy: 0.95 - 2 / Math.sqrt(labels), macroF1: 0 }));
  const counts = [
    [10, 5, 2],
    [3, 10, 3],
    [4, 3, 10],
  ];
  await db.insert(classifierModels).values({
    projectId: f.projectId,
    questionKey: "intent",
    version: 1,
    state: "ready",
    labelCount: 250,
    predicted: 100,
    predictMs: 50,
    evaluation: { labelCount: 250, trainCount: 200, testCount: 50, method: "holdout", confusion: { labels: [...intents], counts, n: 50 }, learningCurve: curve, reliability: [], expectedCalibrationError: 0 },
  });
  return { ...f, promptVersionId };
}
