import { eq } from "drizzle-orm";
import { items } from "~db/schema";
import { addItems } from "~/modules/items/add-items.server";
import { updateProjectSettings } from "~/modules/projects/update-settings.server";
import { submitAnnotation } from "~/modules/review/submit-annotation.server";
import { saveTemplate } from "~/modules/templates/save-template.server";
import { expect, test, type TestProject, type TestUser } from "./fixtures";
import { expectEveryControlDrawn } from "./support/controls";

type Setup = { manager: TestUser; reviewers: TestUser[]; project: TestProject; itemIds: number[] };

/** Two reviewers who agree on one item and disagree on the other, answered through the verbs. */
async function twoReviewers({ db, makeUser, makeProject }: { db: Parameters<typeof addItems>[0]; makeUser: (o?: { name?: string }) => Promise<TestUser>; makeProject: (m: TestUser, members?: { user: TestUser; role: "reviewer" }[]) => Promise<TestProject> }): Promise<Setup> {
  const manager = await makeUser({ name: "Manager" });
  const reviewers = [await makeUser({ name: "Ada" }), await makeUser({ name: "Ben" })];
  const project = await makeProject(manager, reviewers.map((user) => ({ user, role: "reviewer" as const })));
  await saveTemplate(db, manager.actor, project.id, {
    questions: [
      { key: "intent", kind: "choice", text: "Intent", options: [{ value: "billing" }, { value: "shipping" }] },
      { key: "quality", kind: "rating", text: "Quality", min: 1, max: 5 },
    ],
  });
  await updateProjectSettings(db, manager.actor, project.id, { overlap: 2 });
  const { ids } = await addItems(db, manager.actor, project.id, [
    { input: "Where is my <b>parcel</b>?", outputs: [{ text: "It ships **tomorrow**." }] },
    { input: "Refund my order", outputs: [{ text: "Refund issued." }] },
  ]);
  const answers = [
    [{ intent: "shipping", quality: 5 }, { intent: "billing", quality: 2 }],
    [{ intent: "billing", quality: 4 }, { intent: "billing", quality: 4 }],
  ];
  for (const [i, pair] of answers.entries()) {
    for (const [r, values] of pair.entries()) await submitAnnotation(db, reviewers[r]!.actor, { itemId: ids[i]!, values, idempotencyKey: `e2e-quality-${ids[i]}-${r}` });
  }
  return { manager, reviewers, project, itemIds: ids };
}

test("Managers adjudicate a disagreement by picking a reviewer's answer, and the item becomes resolved", async ({ page, db, makeUser, makeProject, loginAs }) => {
  const { manager, reviewers, project, itemIds } = await twoReviewers({ db, makeUser, makeProject });
  const [disputed] = itemIds;
  await loginAs(page, manager);
  await page.goto(`/projects/${project.id}`);
  await page.getByRole("link", { name: "Adjudicate", exact: true }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Disagreements" })).toBeVisible();
  // Only the item the reviewers disagree on is listed; the prompt is shown as text.
  const list = page.getByRole("table");
  await expect(list.getByRole("row")).toHaveCount(2);
  await expect(list).toContainText("Where is my <b>parcel</b>?");
  await expectEveryControlDrawn(page);

  await page.getByLabel("Rating spread at least").fill("4");
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page.getByRole("heading", { name: "No disagreements" })).toBeVisible();
  await page.getByLabel("Rating spread at least").fill("3");
  await page.getByRole("button", { name: "Filter" }).click();
  await page.getByRole("link", { name: `Item ${disputed}` }).click();

  const intent = page.getByRole("region", { name: "Intent (intent)" });
  await expect(intent).toContainText("Final answer: unresolved");
  await expectEveryControlDrawn(page);
  await expect(intent.getByRole("row", { name: new RegExp(reviewers[0]!.name) })).toContainText("shipping");
  await expect(intent.getByRole("row", { name: new RegExp(reviewers[1]!.name) })).toContainText("billing");
  await expect(page.getByRole("region", { name: "Output" })).toContainText("It ships tomorrow.");

  await intent.getByRole("button", { name: `Use ${reviewers[0]!.name}'s answer for intent` }).click();
  await expect(intent.getByRole("status")).toHaveText("Final answer saved.");
  await expect(intent).toContainText(`Final answer: shipping · adjudicated by ${manager.name}`);
  const [row] = await db.select({ resolvedAt: items.resolvedAt }).from(items).where(eq(items.id, disputed!));
  expect(row!.resolvedAt).not.toBeNull();

  // Writing the final rating, then clearing the intent: the votes decide again, the item is unresolved.
  const quality = page.getByRole("region", { name: "Quality (quality)" });
  await quality.getByLabel("Final answer for quality").fill("3");
  await quality.getByRole("button", { name: "Save final answer for quality" }).click();
  await expect(quality).toContainText("Final answer: 3 · adjudicated by");
  await intent.getByRole("button", { name: "Clear adjudication for intent" }).click();
  await expect(intent).toContainText("Final answer: unresolved");
  const [after] = await db.select({ resolvedAt: items.resolvedAt }).from(items).where(eq(items.id, disputed!));
  expect(after!.resolvedAt).toBeNull();
});

test("The Quality page shows each question's agreement metrics and per-reviewer agreement; reviewers cannot reach it", async ({ page, db, makeUser, makeProject, loginAs }) => {
  const { manager, reviewers, project } = await twoReviewers({ db, makeUser, makeProject });
  await loginAs(page, manager);
  await page.goto(`/projects/${project.id}`);
  await page.getByRole("link", { name: "Quality" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Quality" })).toBeVisible();

  const intent = page.getByRole("region", { name: "Intent (intent)" });
  await expect(intent).toContainText("choice · 2 items · 4 answers · 2 reviewers · 1 resolved, 1 unresolved");
  const metrics = intent.getByRole("table", { name: "Agreement" });
  await expect(metrics.getByRole("row", { name: /Percent agreement/ })).toContainText("50.0%");
  // One agreeing item of two, both "billing": p_o = 0.5, p_e = 0.5 → κ = 0.
  await expect(metrics.getByRole("row", { name: /Cohen's κ/ })).toContainText("0.000");
  await expect(metrics.getByRole("row", { name: /Krippendorff's α \(interval\)/ })).toContainText("categories without an order");
  const perReviewer = intent.getByRole("table", { name: "Agreement with the consensus, per reviewer" });
  await expect(perReviewer.getByRole("row", { name: new RegExp(reviewers[0]!.name) })).toContainText("100.0%");

  const rating = page.getByRole("region", { name: "Quality (quality)" });
  await expect(rating.getByRole("table", { name: "Agreement" }).getByRole("row", { name: /Krippendorff's α \(interval\)/ })).not.toContainText("—");

  await loginAs(page, reviewers[0]!);
  await page.goto(`/projects/${project.id}`);
  await expect(page.getByRole("link", { name: "Quality" })).toHaveCount(0);
  expect((await page.goto(`/projects/${project.id}/quality`))?.status()).toBe(403);
  expect((await page.goto(`/projects/${project.id}/adjudicate`))?.status()).toBe(403);
});

test("Managers can settle a pairwise disagreement as a tie where the question allows ties", async ({ page, db, makeUser, makeProject, loginAs }) => {
  const manager = await makeUser({ name: "Manager" });
  const reviewers = [await makeUser({ name: "Ada" }), await makeUser({ name: "Ben" })];
  const project = await makeProject(manager, reviewers.map((user) => ({ user, role: "reviewer" as const })));
  await saveTemplate(db, manager.actor, project.id, { questions: [{ key: "better", kind: "pairwise", text: "Which is better?", allowTie: true }] });
  await updateProjectSettings(db, manager.actor, project.id, { overlap: 2 });
  const { ids } = await addItems(db, manager.actor, project.id, [{ input: "Greet me", outputs: [{ text: "Hello" }, { text: "Hi" }] }]);
  await submitAnnotation(db, reviewers[0]!.actor, { itemId: ids[0]!, values: { better: { winner: "tie", shown: [0, 1] } }, idempotencyKey: `e2e-tie-${ids[0]}-0` });
  await submitAnnotation(db, reviewers[1]!.actor, { itemId: ids[0]!, values: { better: { winner: 0, shown: [1, 0] } }, idempotencyKey: `e2e-tie-${ids[0]}-1` });

  await loginAs(page, manager);
  await page.goto(`/projects/${project.id}/adjudicate/${ids[0]}`);
  const better = page.getByRole("region", { name: /better/ });
  await better.getByRole("button", { name: `Use ${reviewers[0]!.name}'s answer for better` }).click();
  await expect(better.getByRole("status")).toHaveText("Final answer saved.");
  await expect(better).toContainText("Final answer: Tie · adjudicated by");

  await better.getByRole("button", { name: "Clear adjudication for better" }).click();
  await expect(better).toContainText("Final answer: unresolved");
  await better.getByLabel("Final answer for better").selectOption({ label: "Tie: neither is better" });
  await better.getByRole("button", { name: "Save final answer for better" }).click();
  await expect(better).toContainText("Final answer: Tie · adjudicated by");
});
