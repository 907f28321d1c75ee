import { claimNextItem } from "~/modules/review/claim-next-item.server";
import { editAnnotation } from "~/modules/review/edit-annotation.server";
import { skipItem } from "~/modules/review/skip-item.server";
import { submitAnnotation } from "~/modules/review/submit-annotation.server";
import { expect, test } from "./support/review-fixtures";

test("My work reopens an answer; a stale edit shows the newer values instead of overwriting them", async ({ page, db, loginAs, reviewProject, annotationOf }) => {
  const { project, reviewer, itemIds } = await reviewProject({
    template: [
      { key: "quality", kind: "rating", text: "Quality", min: 1, max: 5, required: true },
      { key: "comment", kind: "text", text: "Comment" },
    ],
    items: [{ input: "Explain DNS", outputs: [{ text: "DNS maps names to addresses." }] }],
  });
  const itemId = itemIds[0]!;
  await claimNextItem(db, reviewer.actor, project.id);
  const first = await submitAnnotation(db, reviewer.actor, { itemId, values: { quality: 3 }, idempotencyKey: crypto.randomUUID() });

  await loginAs(page, reviewer);
  await page.goto(`/projects/${project.id}/work`);
  const row = page.getByRole("list", { name: "Your answers" }).getByRole("link", { name: new RegExp(`Item #${itemId}`) });
  await expect(row).toContainText("Submitted");
  await expect(row).toContainText("Quality: 3 of 5");
  await expect(row).not.toContainText("Edited");
  await expect(row).toContainText("Explain DNS");
  await row.click();
  await expect(page.getByText("You answered this item.")).toBeVisible();
  await expect(page.getByRole("radio", { name: "3" })).toBeChecked();

  await page.getByRole("radio", { name: "5" }).check();
  // Meanwhile, another tab changes the same answer.
  await editAnnotation(db, reviewer.actor, { annotationId: first.id, version: 1, values: { quality: 1, comment: "From the other tab" } });
  await page.getByRole("button", { name: "Save changes" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "Changed elsewhere." })).toBeVisible();
  await expect(page.getByRole("radio", { name: "1" })).toBeChecked();
  await expect(page.getByLabel("Comment")).toHaveValue("From the other tab");
  expect(await annotationOf(itemId, reviewer)).toMatchObject({ version: 2, values: { quality: 1, comment: "From the other tab" } });

  // Re-applying the change on top of the newer version works.
  await page.getByRole("radio", { name: "5" }).check();
  await page.getByRole("button", { name: "Save changes" }).click();
  await expect(page.getByText("Your changes are saved.")).toBeVisible();
  expect(await annotationOf(itemId, reviewer)).toMatchObject({ version: 3, values: { quality: 5, comment: "From the other tab" } });
  await page.getByRole("link", { name: "My work" }).click();
  const edited = page.getByRole("list", { name: "Your answers" }).getByRole("link", { name: new RegExp(`Item #${itemId}`) });
  await expect(edited).toContainText("Edited");
  await expect(edited).toContainText("Quality: 5 of 5 · Comment: “From the other tab”");
});

test("My work lists skipped items; one that still needs an answer can be reviewed again", async ({ page, db, loginAs, reviewProject, annotationOf }) => {
  const { project, reviewer, itemIds } = await reviewProject({
    template: [{ key: "quality", kind: "rating", text: "Quality", min: 1, max: 5, required: true }],
    items: [{ input: "Explain TCP", outputs: [{ text: "TCP is a reliable stream." }] }],
  });
  const itemId = itemIds[0]!;
  await claimNextItem(db, reviewer.actor, project.id);
  await skipItem(db, reviewer.actor, { itemId, reason: "Need to read up first" });

  await loginAs(page, reviewer);
  await page.goto(`/projects/${project.id}/work`);
  const skipped = page.getByRole("list", { name: "Skipped items" });
  await expect(skipped).toContainText("Explain TCP");
  await expect(skipped).toContainText("Need to read up first");
  await skipped.getByRole("button", { name: `Review item #${itemId} now` }).click();
  await expect(page).toHaveURL(new RegExp(`/projects/${project.id}/review/${itemId}$`));
  await page.getByRole("radio", { name: "4" }).check();
  await page.getByRole("button", { name: "Submit" }).click();
  await expect(page.getByRole("heading", { name: "The queue is done" })).toBeVisible();
  expect(await annotationOf(itemId, reviewer)).toMatchObject({ status: "submitted", values: { quality: 4 } });
  await page.goto(`/projects/${project.id}/work`);
  await expect(page.getByRole("list", { name: "Skipped items" })).toHaveCount(0);
});
