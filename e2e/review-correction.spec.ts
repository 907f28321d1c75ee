import { expect, startReviewing, test } from "./support/review-fixtures";

test("Reviewers correct an output, see the word diff, reset it, and the correction is stored", async ({ page, loginAs, reviewProject, annotationOf }) => {
  const original = "The Eiffel Tower is in Berlin and opened in 1889.";
  const { project, reviewer, itemIds } = await reviewProject({ template: "rate-and-correct", items: [{ input: "Where is the Eiffel Tower?", outputs: [{ text: original }] }] });
  await loginAs(page, reviewer);
  await startReviewing(page, project.id);

  const editor = page.getByRole("textbox", { name: "Correct the answer if needed" });
  await expect(editor).toHaveValue(original);
  const changes = page.getByRole("region", { name: /Changes to the output/ });
  await expect(changes).toContainText("No changes yet.");

  await editor.fill("The Eiffel Tower is in Paris and opened in 1889.");
  await expect(changes.getByRole("deletion")).toHaveText(/Berlin/);
  await expect(changes.getByRole("insertion")).toHaveText(/Paris/);
  await changes.page().getByRole("button", { name: "Side by side" }).click();
  await expect(changes.getByText("Original", { exact: true })).toBeVisible();
  await expect(changes.getByText("Corrected", { exact: true })).toBeVisible();

  await page.getByRole("button", { name: "Reset to original" }).click();
  await expect(editor).toHaveValue(original);
  await expect(changes).toContainText("No changes yet.");

  await editor.fill("The Eiffel Tower is in Paris.");
  await page.getByRole("group", { name: /How good is this answer/ }).getByRole("radio", { name: /^2/ }).check();
  await page.getByRole("button", { name: "Submit" }).click();
  await expect(page.getByRole("heading", { name: "The queue is done" })).toBeVisible();
  expect((await annotationOf(itemIds[0]!, reviewer))?.values).toEqual({ quality: 2, correction: { text: "The Eiffel Tower is in Paris." } });
});

test("An untouched correction is not stored as one", async ({ page, loginAs, reviewProject, annotationOf }) => {
  const { project, reviewer, itemIds } = await reviewProject({ template: "rate-and-correct", items: [{ input: "Q", outputs: [{ text: "Fine as it is." }] }] });
  await loginAs(page, reviewer);
  await startReviewing(page, project.id);
  await page.getByRole("group", { name: /How good is this answer/ }).getByRole("radio", { name: /^5/ }).check();
  await page.getByRole("button", { name: "Submit" }).click();
  await expect(page.getByRole("heading", { name: "The queue is done" })).toBeVisible();
  expect((await annotationOf(itemIds[0]!, reviewer))?.values).toEqual({ quality: 5 });
});

test("on an item with two outputs, rating and correction say which response they are about", async ({ page, loginAs, reviewProject }) => {
  const { project, reviewer } = await reviewProject({
    template: [
      { key: "quality", kind: "rating", text: "How good is this answer?", min: 1, max: 5 },
      { key: "correction", kind: "correction", text: "Correct the answer if needed" },
      { key: "comment", kind: "text", text: "Anything else?" },
    ],
    items: [{ input: "Capital of France?", outputs: [{ text: "Paris is the capital." }, { text: "Lyon, probably." }] }],
  });
  await loginAs(page, reviewer);
  await startReviewing(page, project.id);
  // The first output as imported is the one the answers are about: find where this reviewer sees it.
  const panel = page.getByRole("region", { name: /^Response [AB]$/ }).filter({ hasText: "Paris is the capital." });
  const name = (await panel.getByRole("heading").textContent())!.trim();
  const rating = page.getByRole("group", { name: /How good is this answer\?/ });
  await expect(rating).toContainText(`about ${name}`);
  await expect(page.locator('[data-question-key="correction"]')).toContainText(`about ${name}`);
  await expect(page.locator('[data-question-key="comment"]')).not.toContainText("about Response");
  await expect(page.locator("textarea[data-correction]")).toHaveValue("Paris is the capital.");
});
