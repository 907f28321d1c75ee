import { promptVersions, suggestions } from "~db/schema";
import type { Database } from "~/db.server";
import { addItems } from "~/modules/items/add-items.server";
import { updateProjectSettings } from "~/modules/projects/update-settings.server";
import { submitAnnotation } from "~/modules/review/submit-annotation.server";
import { saveTemplate } from "~/modules/templates/save-template.server";
import { test as base } from "./fixtures";
import { currentItemId, expect, startReviewing, test } from "./support/review-fixtures";

const item = { input: "My parcel is late and I want a refund.", outputs: [{ text: "Sorry! Your refund is on its way.", model: "support-bot" }] };
const questions = [
  { key: "intent", kind: "choice" as const, text: "Intent", options: [{ value: "billing" }, { value: "shipping" }, { value: "other" }] },
  { key: "quality", kind: "rating" as const, text: "Quality", min: 1, max: 5 },
];

/** The judge's prompt version; each save of a prompt is a version like this one. */
async function judgePrompt(db: Database, projectId: string) {
  const [prompt] = await db
    .insert(promptVersions)
    .values({ projectId, name: "Intent judge", version: 1, purpose: "judge", user: "Label {{output}}", questions: ["intent", "quality"] })
    .returning({ id: promptVersions.id });
  return prompt!.id;
}

/** What a judge run leaves: suggestions with the model, its prompt version and its reasons. */
async function judgeItem(db: Database, promptVersionId: string, itemId: number, answers: Record<string, unknown>) {
  await db.insert(suggestions).values(
    Object.entries(answers).map(([questionKey, value]) => ({
      itemId,
      questionKey,
      value,
      source: "gpt-judge",
      origin: "llm" as const,
      model: "gpt-judge",
      promptVersionId,
      rationale: `<b>Because</b> the customer talks about ${questionKey === "intent" ? "money" : "tone"}.`,
    })),
  );
}

test.describe("Reviewers confirm or override an LLM judge's suggestions", () => {
  test("a suggestion is pre-filled and marked, its reasons shown on request; Y accepts it, another is overridden", async ({ page, db, loginAs, reviewProject, annotationOf }) => {
    const { project, reviewer, itemIds } = await reviewProject({ template: questions, items: [item] });
    await judgeItem(db as Database, await judgePrompt(db as Database, project.id), itemIds[0]!, { intent: "billing", quality: 2 });
    await loginAs(page, reviewer);
    await startReviewing(page, project.id);

    const intent = page.getByRole("group", { name: "Intent" });
    const quality = page.getByRole("group", { name: "Quality" });
    await expect(intent.getByText("Suggested by gpt-judge", { exact: true })).toBeVisible();
    await expect(intent.getByRole("radio", { name: "billing" })).toBeChecked();
    await expect(quality.getByRole("radio", { name: "2" })).toBeChecked();
    // The judge's reasons are untrusted text: shown on request, as text.
    const why = intent.getByText("<b>Because</b> the customer talks about money.");
    await expect(why).toBeHidden();
    await intent.getByText("Why did gpt-judge suggest this?").click();
    await expect(why).toBeVisible();

    await quality.getByRole("radio", { name: "5" }).check();
    await expect(quality.getByText("It suggested: 2")).toBeVisible();
    await page.keyboard.press("y");
    await expect(intent.getByText("Accepted suggestion by gpt-judge")).toBeVisible();
    // Accepting all keeps the answer the reviewer gave instead.
    await expect(quality.getByRole("radio", { name: "5" })).toBeChecked();
    await expect(page.getByRole("button", { name: /Accept all suggestions/ })).toHaveCount(0);

    await page.getByRole("button", { name: "Submit" }).click();
    await expect(page.getByRole("heading", { name: "The queue is done" })).toBeVisible();
    expect(await annotationOf(itemIds[0]!, reviewer)).toMatchObject({ status: "submitted", values: { intent: "billing", quality: 5 } });
  });

  test("with “hide suggestions until answered” on, the reviewer answers a blank form and sees the suggestion after submitting", async ({ page, db, loginAs, reviewProject, annotationOf }) => {
    const { project, manager, reviewer, itemIds } = await reviewProject({ template: questions, items: [item] });
    await judgeItem(db as Database, await judgePrompt(db as Database, project.id), itemIds[0]!, { intent: "billing" });

    await loginAs(page, manager);
    await page.goto(`/projects/${project.id}/settings`);
    await page.getByLabel("Hide suggestions until the reviewer has answered").check();
    await page.getByRole("button", { name: "Save settings" }).click();
    await expect(page.getByRole("status")).toHaveText("Settings saved.");
    await page.context().clearCookies();

    await loginAs(page, reviewer);
    await startReviewing(page, project.id);
    const itemId = currentItemId(page);
    const intent = page.getByRole("group", { name: "Intent" });
    await expect(intent.getByRole("radio", { name: "shipping" })).toBeVisible();
    await expect(page.getByText(/Suggested by/)).toHaveCount(0);
    await expect(intent.getByRole("radio", { name: "billing" })).not.toBeChecked();
    await page.keyboard.press("y");
    await expect(intent.getByRole("radio", { name: "billing" })).not.toBeChecked();

    await intent.getByRole("radio", { name: "shipping" }).check();
    await page.getByRole("button", { name: "Submit" }).click();
    await expect(page.getByRole("heading", { name: "The queue is done" })).toBeVisible();
    expect(await annotationOf(itemId, reviewer)).toMatchObject({ status: "submitted", values: { intent: "shipping" } });

    await page.goto(`/projects/${project.id}/review/${itemId}`);
    await expect(page.getByText("You answered this item. You can change your answer below.")).toBeVisible();
    await expect(intent.getByText("Suggested by gpt-judge", { exact: true })).toBeVisible();
    await expect(intent.getByText("It suggested: billing")).toBeVisible();
    await expect(intent.getByRole("radio", { name: "shipping" })).toBeChecked();
  });
});

base("Managers see how far to trust the judge: its figures beside the reviewers', the verdict and the confusion matrix", async ({ page, db, makeUser, makeProject, loginAs }) => {
  const manager = await makeUser({ name: "Manager" });
  const reviewers = [await makeUser({ name: "Ada" }), await makeUser({ name: "Ben" })];
  const project = await makeProject(manager, reviewers.map((user) => ({ user, role: "reviewer" as const })));
  await saveTemplate(db, manager.actor, project.id, { questions: [questions[0]!] });
  await updateProjectSettings(db, manager.actor, project.id, { overlap: 2 });
  // Both reviewers agree on items 1–4 and 6; item 5 is a tie (no consensus).
  const people = ["shipping", "other", "other", "billing", ["billing", "shipping"], "other"] as const;
  const judged = ["shipping", "other", "billing", "billing", "shipping", "other"];
  const prompt = await judgePrompt(db as Database, project.id);
  for (const [i, answer] of people.entries()) {
    const { ids } = await addItems(db, manager.actor, project.id, [{ input: `Question ${i + 1}`, outputs: [{ text: `Answer ${i + 1}` }] }]);
    for (const [r, reviewer] of reviewers.entries()) {
      const intent = Array.isArray(answer) ? answer[r] : answer;
      await submitAnnotation(db, reviewer.actor, { itemId: ids[0]!, values: { intent }, idempotencyKey: `e2e-calib-${ids[0]}-${r}` });
    }
    await judgeItem(db as Database, prompt, ids[0]!, { intent: judged[i] });
  }

  await loginAs(page, manager);
  await page.goto(`/projects/${project.id}/quality`);
  await expect(page.getByRole("heading", { name: "Judge calibration" })).toBeVisible();
  const table = page.getByRole("table", { name: "Judges and reviewers against the consensus: Intent" });
  // Consensus [shipping, other, other, billing, other] against the judge's [shipping, other, billing,
  // billing, other]: 4 of 5 agree (Wilson 37.6% to 96.4%), sklearn's κ 0.6875 with statsmodels' interval from 0.156.
  const judgeRow = table.getByRole("row", { name: /gpt-judge · Intent judge v1/ });
  await expect(judgeRow.getByRole("cell")).toHaveText([
    "5",
    "80.0% (37.6% to 96.4%)",
    "0.69 (0.16 to 1.00)",
    "too few items to say5 item(s) compared; at least 20 are needed.",
  ]);
  await expect(table.getByRole("row", { name: /Ada/ }).getByRole("cell")).toHaveText(["5", "100.0% (56.6% to 100.0%)", "1.00", ""]);
  await expect(table.getByRole("row", { name: /Ben/ }).getByRole("cell")).toHaveText(["5", "100.0% (56.6% to 100.0%)", "1.00", ""]);

  const matrix = page.getByRole("table", { name: "Confusion matrix: gpt-judge · Intent judge v1 (rows: consensus, columns: judge)" });
  await expect(matrix.getByRole("columnheader")).toHaveText(["Judge: billing", "Judge: shipping", "Judge: other"]);
  await expect(matrix.getByRole("row", { name: /Consensus: billing/ }).getByRole("cell")).toHaveText(["1", "0", "0"]);
  await expect(matrix.getByRole("row", { name: /Consensus: shipping/ }).getByRole("cell")).toHaveText(["0", "1", "0"]);
  await expect(matrix.getByRole("row", { name: /Consensus: other/ }).getByRole("cell")).toHaveText(["1", "0", "2"]);
});
