import { expect, startReviewing, test } from "./support/review-fixtures";

test("a 200,000-character output folds to its first 20,000 characters, broken anywhere, and unfolds on request", async ({ page, loginAs, reviewProject }) => {
  const head = "x".repeat(20_000);
  const tail = "y".repeat(180_000);
  const { project, reviewer } = await reviewProject({
    template: [{ key: "ok", kind: "thumbs", text: "OK?" }],
    items: [{ input: "A long token", outputs: [{ text: head + tail }] }],
  });
  await loginAs(page, reviewer);
  await startReviewing(page, project.id);
  const output = page.getByRole("region", { name: "Output" });
  const text = output.locator("pre");
  await expect(text).toHaveText(head);
  await expect(text).toHaveClass(/break-all/);
  await output.getByRole("button", { name: "Show all 200,000 characters" }).click();
  await expect(text).toHaveText(head + tail);
  await output.getByRole("button", { name: /Show the first 20,000 characters only/ }).click();
  await expect(text).toHaveText(head);
  // The page stays usable: the answer still goes in by keyboard.
  await page.keyboard.press("1");
  await expect(page.getByRole("radio", { name: /up/i }).first()).toBeChecked();
});
