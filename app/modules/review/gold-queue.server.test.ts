import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { db } from "~/db.server";
import { createApiKey } from "~/modules/api-keys/create-api-key.server";
import { addItems } from "~/modules/items/add-items.server";
import { addMember } from "~/modules/projects/add-member.server";
import { createProject } from "~/modules/projects/create-project.server";
import { updateProjectSettings } from "~/modules/projects/update-settings.server";
import { saveTemplate } from "~/modules/templates/save-template.server";
import * as submitRoute from "~/routes/api.v1.items.$itemId.annotations";
import * as claimRoute from "~/routes/api.v1.projects.$projectId.queue.claim";
import { makeUser } from "~test/factories";
import { claimNextItem, OnboardingClosedError } from "./claim-next-item.server";
import { letReviewerIn, newOnboardingRound } from "./onboarding.server";
import { getProgress, getReviewItem } from "./queries.server";
import { submitAnnotation } from "./submit-annotation.server";

const EXPLANATION = "The answer invents a citation: thumbs down.";

async function setup({ regular = 2, gold = 3 } = {}) {
  const manager = await makeUser();
  const reviewer = await makeUser();
  const project = await createProject(db, manager.actor, { name: `Gold ${crypto.randomUUID().slice(0, 8)}` });
  await addMember(db, manager.actor, project.id, { email: reviewer.email, role: "reviewer" });
  await saveTemplate(db, manager.actor, project.id, {
    questions: [
      { key: "ok", kind: "thumbs", text: "Is it right?" },
      { key: "why", kind: "text", text: "Why?" },
    ],
  });
  const regularIds = (await addItems(db, manager.actor, project.id, Array.from({ length: regular }, (_, i) => ({ input: `Regular ${i}`, outputs: [{ text: "R" }] })))).ids;
  const goldIds = (
    await addItems(db, manager.actor, project.id, Array.from({ length: gold }, (_, i) => ({ input: `Gold ${i}`, outputs: [{ text: "G" }], gold: { ok: "down" } })))
  ).ids;
  await db.execute(sql`update items set gold_explanation = ${EXPLANATION} where id in ${goldIds}`);
  return { manager, reviewer, projectId: project.id, regularIds, goldIds };
}

type Setup = Awaited<ReturnType<typeof setup>>;
const answer = (t: Setup, itemId: number, ok: "up" | "down") => submitAnnotation(db, t.reviewer.actor, { itemId, values: { ok }, idempotencyKey: crypto.randomUUID() });

/** Claims and answers until the queue says nothing is left; the item ids in claim order. */
async function workQueue(t: Setup, goldDraw: number) {
  const seen: number[] = [];
  for (let lease = await claimNextItem(db, t.reviewer.actor, t.projectId, { goldDraw }); lease; lease = await claimNextItem(db, t.reviewer.actor, t.projectId, { goldDraw })) {
    seen.push(lease.itemId);
    await answer(t, lease.itemId, "down");
  }
  return seen;
}

describe("gold items in the queue", () => {
  it("imports with gold answers become gold items: out of the regular queue and of progress; at rate 0 a reviewer never gets one", async () => {
    const t = await setup();
    const rows = await db.execute<{ status: string }>(sql`select status from items where id in ${t.goldIds}`);
    expect(rows.map((r) => r.status)).toEqual(["gold", "gold", "gold"]);
    expect((await getProgress(db, t.manager.actor, t.projectId)).total).toBe(2);
    expect(await workQueue(t, 0)).toEqual(t.regularIds);
  });

  it("a draw under the gold rate hands out a gold item first, never the same one twice, and never as filler once regular items run out", async () => {
    const t = await setup({ regular: 3, gold: 2 });
    await updateProjectSettings(db, t.manager.actor, t.projectId, { goldRate: 0.5 });
    // A draw at the rate is not under it.
    const first = await claimNextItem(db, t.reviewer.actor, t.projectId, { goldDraw: 0.5 });
    expect(first!.itemId).toBe(t.regularIds[0]);
    await answer(t, first!.itemId, "up");
    const seen = await workQueue(t, 0.1);
    // Gold, gold, then regular items only (no gold left that they have not had); done after the last regular one.
    expect(seen).toEqual([t.goldIds[0], t.goldIds[1], t.regularIds[1], t.regularIds[2]]);
    const items = await db.execute<{ status: string; submitted_count: number }>(sql`select status, submitted_count from items where id in ${t.goldIds} order by id`);
    expect(items).toEqual([
      { status: "gold", submitted_count: 0 },
      { status: "gold", submitted_count: 0 },
    ]);
  });

  it("with no regular item left for the reviewer, a winning draw hands out nothing: done means done", async () => {
    const t = await setup({ regular: 1, gold: 2 });
    await updateProjectSettings(db, t.manager.actor, t.projectId, { goldRate: 1 });
    expect(await workQueue(t, 0.99)).toEqual([t.goldIds[0], t.goldIds[1], t.regularIds[0]]);
    expect(await claimNextItem(db, t.reviewer.actor, t.projectId, { goldDraw: 0 })).toBeNull();
  });

  it("a reviewer never learns an item is gold: neither the review screen's data nor the claim API carries the answer, the explanation or the status", async () => {
    const t = await setup({ regular: 1, gold: 1 });
    await updateProjectSettings(db, t.manager.actor, t.projectId, { goldRate: 1 });
    const { key } = await createApiKey(db, t.reviewer.actor, { name: "gold" });
    const request = new Request(`http://loupe.test/api/v1/projects/${t.projectId}/queue/claim`, { method: "POST", headers: { authorization: `Bearer ${key}` } });
    // why: the API draws for itself; rate 1 makes every draw win.
    const response = await claimRoute.action({ request, params: { projectId: t.projectId }, context: {} } as never);
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(JSON.parse(text).item.id).toBe(t.goldIds[0]);
    const view = JSON.stringify(await getReviewItem(db, t.reviewer.actor, t.goldIds[0]!));
    for (const leaked of [text, view]) {
      expect(leaked).not.toContain(EXPLANATION);
      expect(leaked).not.toContain('"down"');
      expect(leaked).not.toContain('"gold"');
      expect(leaked).not.toContain("goldExplanation");
    }
    // After a regular (non-onboarding) answer, still nothing: the gold answer shows only in an onboarding round.
    await answer(t, t.goldIds[0]!, "up");
    const after = await getReviewItem(db, t.reviewer.actor, t.goldIds[0]!);
    expect(after.goldFeedback).toBeNull();
    expect(JSON.stringify(after)).not.toContain(EXPLANATION);
  });
});

describe("gold and onboarding settings", () => {
  it("refuses out-of-range values with the field named", async () => {
    const t = await setup({ regular: 1, gold: 1 });
    await expect(updateProjectSettings(db, t.manager.actor, t.projectId, { goldRate: 1.5 })).rejects.toMatchObject({ issues: [{ field: "goldRate", message: "At most 1 (100%)." }] });
    await expect(updateProjectSettings(db, t.manager.actor, t.projectId, { onboardingItems: 2.5 })).rejects.toMatchObject({
      issues: [{ field: "onboardingItems", message: "Expected a whole number of items." }],
    });
    await expect(updateProjectSettings(db, t.manager.actor, t.projectId, { onboardingPassMark: -0.1 })).rejects.toMatchObject({
      issues: [{ field: "onboardingPassMark", message: "At least 0 (0%)." }],
    });
    await expect(updateProjectSettings(db, t.reviewer.actor, t.projectId, { goldRate: 0.1 })).rejects.toMatchObject({ status: 403 });
    expect(await updateProjectSettings(db, t.manager.actor, t.projectId, { goldRate: 0.1, onboardingItems: 5, onboardingPassMark: null })).toMatchObject({
      goldRate: expect.closeTo(0.1, 6),
      onboardingItems: 5,
      onboardingPassMark: null,
    });
  });
});

describe("onboarding rounds", () => {
  const round = (t: Setup) =>
    db.execute<{ state: string; answered: number; correct: number; passed_by: string | null }>(
      sql`select state, answered, correct, passed_by from reviewer_onboarding where project_id = ${t.projectId} and user_id = ${t.reviewer.id}`,
    );

  it("hands out only gold items until the round is answered, shows the right answer after each, and closes the queue below the pass mark", async () => {
    const t = await setup({ regular: 2, gold: 3 });
    await updateProjectSettings(db, t.manager.actor, t.projectId, { onboardingItems: 2, onboardingPassMark: 0.8 });
    const first = await claimNextItem(db, t.reviewer.actor, t.projectId, { goldDraw: 0.99 });
    expect(first!.itemId).toBe(t.goldIds[0]);
    const before = await getReviewItem(db, t.reviewer.actor, first!.itemId);
    expect(before.goldFeedback).toBeNull();
    expect(JSON.stringify(before)).not.toContain(EXPLANATION);
    const submitted = await submitAnnotation(db, t.reviewer.actor, { itemId: first!.itemId, values: { ok: "down", why: "made up" }, idempotencyKey: crypto.randomUUID() });
    expect(submitted.onboarding).toBe(true);
    const feedback = (await getReviewItem(db, t.reviewer.actor, first!.itemId)).goldFeedback!;
    expect(feedback.correct).toBe(true);
    expect(feedback.explanation).toBe(EXPLANATION);
    expect(feedback.questions).toEqual([
      { key: "ok", text: "Is it right?", expected: "down", given: "down", scored: true, correct: true },
      expect.objectContaining({ key: "why", scored: false, reason: "A free text answer has no single right answer, so it is not scored." }),
    ]);

    const second = await claimNextItem(db, t.reviewer.actor, t.projectId, { goldDraw: 0.99 });
    expect(second!.itemId).toBe(t.goldIds[1]);
    await answer(t, second!.itemId, "up");
    expect((await getReviewItem(db, t.reviewer.actor, second!.itemId)).goldFeedback).toMatchObject({ correct: false });
    expect(await round(t)).toEqual([{ state: "failed", answered: 2, correct: 1, passed_by: null }]);

    const refusal = claimNextItem(db, t.reviewer.actor, t.projectId, { goldDraw: 0.99 });
    await expect(refusal).rejects.toBeInstanceOf(OnboardingClosedError);
    await expect(refusal).rejects.toThrow("You scored 1 of 2 (50%); this project needs 80%. Your manager can let you in or give you another round.");
    // The same refusal through the API: 403 with the words.
    const { key } = await createApiKey(db, t.reviewer.actor, { name: "onboarding" });
    const request = new Request(`http://loupe.test/api/v1/projects/${t.projectId}/queue/claim`, { method: "POST", headers: { authorization: `Bearer ${key}` } });
    const response = await claimRoute.action({ request, params: { projectId: t.projectId }, context: {} } as never);
    expect(response.status).toBe(403);
    expect(await response.text()).toContain("You scored 1 of 2 (50%)");

    // A new round: gold items they have not answered yet.
    await newOnboardingRound(db, t.manager.actor, t.projectId, t.reviewer.id);
    const third = await claimNextItem(db, t.reviewer.actor, t.projectId, { goldDraw: 0.99 });
    expect(third!.itemId).toBe(t.goldIds[2]);
    await answer(t, third!.itemId, "down");
    // No gold item left that they have not answered: the round ends with what was answered (1 of 1 right).
    const next = await claimNextItem(db, t.reviewer.actor, t.projectId, { goldDraw: 0.99 });
    expect(next!.itemId).toBe(t.regularIds[0]);
    expect(await round(t)).toEqual([{ state: "passed", answered: 1, correct: 1, passed_by: null }]);
  });

  it("a manager lets a reviewer in: the real queue opens", async () => {
    const t = await setup({ regular: 1, gold: 1 });
    await updateProjectSettings(db, t.manager.actor, t.projectId, { onboardingItems: 1, onboardingPassMark: 1 });
    const lease = await claimNextItem(db, t.reviewer.actor, t.projectId, { goldDraw: 0.99 });
    // Through the API, the answer in the round comes back with the right answer and why.
    const { key } = await createApiKey(db, t.reviewer.actor, { name: "round" });
    const request = new Request(`http://loupe.test/api/v1/items/${lease!.itemId}/annotations`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify({ values: { ok: "up" }, idempotencyKey: crypto.randomUUID() }),
    });
    const response = await submitRoute.action({ request, params: { itemId: String(lease!.itemId) }, context: {} } as never);
    expect(response.status).toBe(201);
    expect(await response.json()).toMatchObject({ training: { correct: false, explanation: EXPLANATION, questions: [{ key: "ok", expected: "down", given: "up", correct: false }, { key: "why" }] } });
    await expect(claimNextItem(db, t.reviewer.actor, t.projectId)).rejects.toThrow("You scored 0 of 1 (0%); this project needs 100%.");
    await expect(letReviewerIn(db, t.reviewer.actor, t.projectId, t.reviewer.id)).rejects.toMatchObject({ status: 403 });
    await letReviewerIn(db, t.manager.actor, t.projectId, t.reviewer.id);
    expect(await round(t)).toEqual([{ state: "passed", answered: 1, correct: 0, passed_by: t.manager.id }]);
    expect((await claimNextItem(db, t.reviewer.actor, t.projectId, { goldDraw: 0.99 }))!.itemId).toBe(t.regularIds[0]);
  });

  it("two tabs submitting at once count once each, and the last answer closes the round", async () => {
    const t = await setup({ regular: 1, gold: 2 });
    await updateProjectSettings(db, t.manager.actor, t.projectId, { onboardingItems: 2, onboardingPassMark: 0.5 });
    await claimNextItem(db, t.reviewer.actor, t.projectId, { goldDraw: 0.99 });
    // Two tabs on different items, and a second tab answering the first item again (refused: already answered).
    const results = await Promise.all([answer(t, t.goldIds[0]!, "down"), answer(t, t.goldIds[1]!, "up"), answer(t, t.goldIds[0]!, "down")].map((p) => p.catch((e: Error) => e)));
    expect(results.filter((r) => r instanceof Error).map((e) => (e as Error).message)).toEqual(["You have already answered this item; edit your answer instead."]);
    expect(await round(t)).toEqual([{ state: "passed", answered: 2, correct: 1, passed_by: null }]);
  });
});
