import type { Page } from "@playwright/test";
import { expect, startReviewing, test } from "./support/review-fixtures";

/** Selects `text` inside the span-marking view of an output, as a mouse drag would. */
async function select(page: Page, outputName: string, text: string) {
  await page.getByLabel(`${outputName}, text to mark`).evaluate((pre, wanted) => {
    const walker = document.createTreeWalker(pre, NodeFilter.SHOW_TEXT);
    const full = pre.textContent ?? "";
    const at = full.indexOf(wanted);
    if (at < 0) throw new Error(`"${wanted}" is not in the output`);
    let seen = 0;
    const range = document.createRange();
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const length = node.textContent!.length;
      if (seen + length > at && range.startContainer === document) range.setStart(node, at - seen);
      if (seen + length >= at + wanted.length) {
        range.setEnd(node, at + wanted.length - seen);
        break;
      }
      seen += length;
    }
    const selection = window.getSelection()!;
    selection.removeAllRanges();
    selection.addRange(range);
  }, text);
}

test("Reviewers mark overlapping spans by selecting text; they are listed, removable, and survive a reload", async ({ page, loginAs, reviewProject, annotationOf }) => {
  const output = "Paris is the capital of Germany. Its mayor is John Smith, phone 555-0100.";
  const { project, reviewer, itemIds } = await reviewProject({
    template: [{ key: "problems", kind: "spans", text: "Mark the problems", labels: ["hallucination", "pii"] }],
    items: [{ input: "Tell me about Paris.", outputs: [{ text: output }] }],
  });
  await loginAs(page, reviewer);
  await startReviewing(page, project.id);

  await select(page, "The output", "capital of Germany");
  await expect(page.getByText("Selected: “capital of Germany”")).toBeVisible();
  await page.getByRole("button", { name: "Mark selection as Hallucination" }).click();

  await page.getByRole("radio", { name: "Pii" }).check();
  await select(page, "The output", "John Smith, phone 555-0100");
  await page.getByRole("button", { name: "Mark selection as Pii" }).click();
  // Overlapping the span above, marked with the typed-text fallback.
  await page.getByText("Mark by typing the text instead").click();
  await page.getByLabel("Exact text to mark").fill("Smith");
  await page.getByRole("button", { name: "Mark text" }).click();

  const list = page.getByRole("list", { name: "Marked spans" });
  await expect(list.getByRole("listitem")).toHaveCount(3);
  await list.getByRole("button", { name: /Remove Pii span “Smith”/ }).click();
  await expect(list.getByRole("listitem")).toHaveCount(2);
  await page.getByLabel("Exact text to mark").fill("mayor is John");
  await page.getByRole("button", { name: "Mark text" }).click();
  await expect(page.getByLabel("The output, text to mark").locator("mark[data-labels~='pii']")).not.toHaveCount(0);

  await expect(page.getByRole("status").filter({ hasText: /^Saved$/ })).toBeVisible();
  await page.reload();
  await expect(page.getByText("Your draft was restored.")).toBeVisible();
  await expect(list.getByRole("listitem")).toHaveCount(3);
  await expect(list).toContainText("“capital of Germany”");

  await page.getByRole("button", { name: "Submit" }).click();
  await expect(page.getByRole("heading", { name: "The queue is done" })).toBeVisible();
  const span = (quote: string, label: string) => ({ output: 0, start: output.indexOf(quote), end: output.indexOf(quote) + quote.length, label, quote });
  expect((await annotationOf(itemIds[0]!, reviewer))?.values).toEqual({
    problems: [span("capital of Germany", "hallucination"), span("John Smith, phone 555-0100", "pii"), span("mayor is John", "pii")],
  });
});
