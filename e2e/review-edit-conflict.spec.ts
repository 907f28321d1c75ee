import { claimNextItem } from "~/modules/review/claim-next-item.server";
import { editAnnotation } from "~/modules/review/edit-annotation.server";
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
  await expect(row).toContainText("Submitted · v1");
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
  await expect(page.getByRole("list", { name: "Your answers" }).getByRole("link", { name: new RegExp(`Item #${itemId}`) })).toContainText("Submitted · v3");
});
