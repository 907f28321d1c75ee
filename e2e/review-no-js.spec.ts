import { pairwiseOrder } from "~/modules/templates/answers";
import { expect, test } from "./support/review-fixtures";

test.use({ javaScriptEnabled: false });

test("Without JavaScript the review form is a plain form post that stores every kind of answer", async ({ page, loginAs, reviewProject, annotationOf }) => {
  const { project, reviewer, itemIds } = await reviewProject({
    template: [
      { key: "quality", kind: "rating", text: "Quality", min: 1, max: 5, required: true },
      { key: "tags", kind: "choice", text: "Tags", multiple: true, options: [{ value: "short" }, { value: "long" }, { value: "rude" }] },
      { key: "risks", kind: "flags", text: "Risks" },
      { key: "better", kind: "pairwise", text: "Which is better?", strength: true },
      { key: "fix", kind: "correction", text: "Fix the first answer" },
      { key: "reason", kind: "text", text: "Why?" },
    ],
    items: [{ input: "Q", outputs: [{ text: "Zero" }, { text: "One" }] }],
  });
  await loginAs(page, reviewer);
  await page.goto(`/projects/${project.id}/review`);
  await page.getByRole("button", { name: "Start reviewing" }).click();
  await expect(page.getByRole("heading", { name: `Item #${itemIds[0]}` })).toBeVisible();

  // The server checks required questions too, and shows the message next to the question.
  await page.getByRole("button", { name: "Submit" }).click();
  await expect(page.getByRole("group", { name: /Quality/ }).getByText("This question needs an answer.")).toBeVisible();

  await page.getByRole("radio", { name: "2" }).check();
  await page.getByRole("checkbox", { name: "short" }).check();
  await page.getByRole("checkbox", { name: "rude" }).check();
  await page.getByRole("checkbox", { name: "Refusal" }).check();
  await page.getByRole("radio", { name: "Response A is better" }).check();
  await page.getByRole("radio", { name: "Slightly better" }).check();
  await page.getByRole("textbox", { name: "Fix the first answer" }).fill("Zero, fixed\nsecond line");
  await page.getByLabel("Why?").fill("Because.");
  await page.getByRole("button", { name: "Submit" }).click();
  await expect(page.getByRole("heading", { name: "The queue is done" })).toBeVisible();

  const order = pairwiseOrder(reviewer.id, itemIds[0]!, 2);
  expect((await annotationOf(itemIds[0]!, reviewer))?.values).toEqual({
    quality: 2,
    tags: ["short", "rude"],
    risks: ["refusal"],
    better: { winner: order[0], strength: "slightly", shown: order },
    fix: { text: "Zero, fixed\nsecond line" },
    reason: "Because.",
  });
});
