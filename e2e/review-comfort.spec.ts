import { randomUUID } from "node:crypto";
import { submitAnnotation } from "~/modules/review/submit-annotation.server";
import { updateProjectSettings } from "~/modules/projects/update-settings.server";
import { addMember } from "~/modules/projects/add-member.server";
import { expect, startReviewing, test } from "./support/review-fixtures";

const prose = (words: number) => Array.from({ length: words }, (_, i) => `word${i % 97}`).join(" ");

test("outputs and prompts keep a reading width of about 75 characters on a wide screen", async ({ page, loginAs, reviewProject }) => {
  await page.setViewportSize({ width: 1920, height: 1000 });
  const { project, reviewer } = await reviewProject({ template: "rate-and-correct", items: [{ input: prose(300), outputs: [{ text: prose(400) }] }] });
  await loginAs(page, reviewer);
  await startReviewing(page, project.id);
  for (const region of [page.getByRole("region", { name: "Output" }), page.getByRole("region", { name: "Prompt" })]) {
    // Characters per line: the text block's width over the width of one "0" in its own font.
    const perLine = await region.locator("p, pre, div.whitespace-pre-wrap").first().evaluate((el) => {
      const probe = document.createElement("span");
      probe.textContent = "0".repeat(100);
      probe.style.whiteSpace = "pre";
      el.appendChild(probe);
      const ch = probe.getBoundingClientRect().width / 100;
      probe.remove();
      return el.getBoundingClientRect().width / ch;
    });
    expect(perLine).toBeGreaterThan(60);
    expect(perLine).toBeLessThanOrEqual(80);
  }
});

test("the wide editor: the whole page, line numbers, the original or the changes beside it, and what is typed there is what is submitted", async ({
  page,
  loginAs,
  reviewProject,
  annotationOf,
}) => {
  const original = "def add(a, b):\n    return a - b\n\nprint(add(1, 2))";
  const { project, reviewer, itemIds } = await reviewProject({ template: "rate-and-correct", items: [{ input: "Write add()", outputs: [{ text: original }] }] });
  await loginAs(page, reviewer);
  await startReviewing(page, project.id);

  await page.getByRole("button", { name: "Wide editor" }).click();
  const dialog = page.getByRole("dialog", { name: /Correct the answer if needed/ });
  await expect(dialog).toBeVisible();
  const box = (await dialog.boundingBox())!;
  expect(box.width).toBeGreaterThanOrEqual(page.viewportSize()!.width - 1);
  const editor = dialog.getByRole("textbox", { name: "Correct the answer if needed" });
  await expect(editor).toBeFocused();
  await expect(editor).toHaveValue(original);
  // One number per line of the text, the empty third line included.
  await expect(dialog.locator("span.tabular-nums")).toHaveText(["1", "2", "3", "4"]);
  await expect(dialog.getByRole("region", { name: "The original output" })).toContainText("return a - b");

  await editor.fill(original.replace("a - b", "a + b") + "\n# fixed");
  await expect(dialog.locator("span.tabular-nums")).toHaveText(["1", "2", "3", "4", "5"]);
  await dialog.getByRole("button", { name: "Changes" }).click();
  const changes = dialog.getByRole("region", { name: "Changes to the output" });
  await expect(changes.getByRole("insertion").first()).toContainText("+");
  await expect(changes.getByRole("deletion").first()).toContainText("-");

  // Esc closes the dialog and nothing else: the item is still being reviewed, the text kept.
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
  const inline = page.getByRole("textbox", { name: "Correct the answer if needed" });
  await expect(inline).toHaveValue(`${original.replace("a - b", "a + b")}\n# fixed`);

  await page.getByRole("button", { name: "Wide editor" }).click();
  await expect(dialog.getByRole("textbox")).toHaveValue(`${original.replace("a - b", "a + b")}\n# fixed`);
  await dialog.getByRole("button", { name: "Done" }).click();
  await page.getByRole("group", { name: /How good is this answer/ }).getByRole("radio", { name: /^3/ }).check();
  await page.getByRole("button", { name: "Submit" }).click();
  await expect(page.getByRole("heading", { name: "The queue is done" })).toBeVisible();
  expect((await annotationOf(itemIds[0]!, reviewer))?.values).toEqual({ quality: 3, correction: { text: `${original.replace("a - b", "a + b")}\n# fixed` } });
});

test("a long unbroken output opens in the wide editor with its single line numbered once", async ({ page, loginAs, reviewProject }) => {
  const blob = "x".repeat(200_000);
  const { project, reviewer } = await reviewProject({ template: "rate-and-correct", items: [{ input: "Encode it", outputs: [{ text: blob }] }] });
  await loginAs(page, reviewer);
  await startReviewing(page, project.id);
  await page.getByRole("button", { name: "Wide editor" }).click();
  const dialog = page.getByRole("dialog", { name: /Correct the answer if needed/ });
  await expect(dialog.locator("span.tabular-nums")).toHaveText(["1"]);
  // Soft-wrapped and broken anywhere: no horizontal scrolling in the editor's frame.
  const frame = dialog.locator("textarea").locator("xpath=../..");
  expect(await frame.evaluate((el) => el.scrollWidth <= el.clientWidth + 1)).toBe(true);
});

test("the review screen says where the reviewer is (n of N) and how far the project has come", async ({ page, loginAs, reviewProject }) => {
  const { project, reviewer } = await reviewProject({
    template: [{ key: "ok", kind: "thumbs", text: "Acceptable?" }],
    items: [1, 2, 3].map((n) => ({ input: `Q${n}`, outputs: [{ text: `A${n}` }] })),
  });
  await loginAs(page, reviewer);
  await startReviewing(page, project.id);
  await expect(page.getByTestId("reviewer-progress")).toHaveText("Item 1 of up to 3 for you");
  await expect(page.getByRole("progressbar", { name: "Project items done" })).toHaveAttribute("aria-valuetext", "0 of 3 items done");
  await page.getByRole("radio", { name: /Thumbs up/ }).check();
  await page.getByRole("button", { name: "Submit" }).click();
  await expect(page.getByTestId("reviewer-progress")).toHaveText("Item 2 of up to 3 for you");
  await expect(page.getByRole("progressbar", { name: "Project items done" })).toHaveAttribute("aria-valuetext", "1 of 3 items done");
  await expect(page.getByText("1 of 3 done (33%)")).toBeVisible();
});

test("a manager adjudicating walks from one disagreement to the next, inside the list's filter, and is told when none is left", async ({
  page,
  db,
  loginAs,
  makeUser,
  reviewProject,
}) => {
  const { project, manager, reviewer, itemIds } = await reviewProject({
    template: [
      { key: "intent", kind: "choice", text: "Intent", options: [{ value: "billing" }, { value: "refund" }] },
      { key: "quality", kind: "rating", text: "Quality", min: 1, max: 5 },
    ],
    items: [1, 2, 3].map((n) => ({ input: `Q${n}`, outputs: [{ text: `A${n}` }] })),
    settings: { overlap: 2 },
  });
  const second = await makeUser({ name: "Second" });
  await addMember(db, manager.actor, project.id, { email: second.email, role: "reviewer" });
  await updateProjectSettings(db, manager.actor, project.id, { overlap: 2 });
  const votes: [Record<string, unknown>, Record<string, unknown>][] = [
    [{ intent: "billing", quality: 3 }, { intent: "refund", quality: 3 }],
    [{ intent: "billing", quality: 3 }, { intent: "billing", quality: 3 }],
    [{ intent: "billing", quality: 1 }, { intent: "refund", quality: 5 }],
  ];
  for (const [i, [a, b]] of votes.entries()) {
    await submitAnnotation(db, reviewer.actor, { itemId: itemIds[i]!, values: a, idempotencyKey: randomUUID() });
    await submitAnnotation(db, second.actor, { itemId: itemIds[i]!, values: b, idempotencyKey: randomUUID() });
  }
  await loginAs(page, manager);
  await page.goto(`/projects/${project.id}/adjudicate?question=intent`);
  await page.getByRole("link", { name: `Item ${itemIds[0]}`, exact: true }).click();
  await expect(page.getByRole("heading", { level: 1, name: `Adjudicate item ${itemIds[0]}` })).toBeVisible();
  await page.getByRole("link", { name: "Next disagreement →" }).click();
  await expect(page.getByRole("heading", { level: 1, name: `Adjudicate item ${itemIds[2]}` })).toBeVisible();
  expect(new URL(page.url()).searchParams.get("question")).toBe("intent");
  // The last one wraps to the first.
  await page.getByRole("link", { name: "Next disagreement →" }).click();
  await expect(page.getByRole("heading", { level: 1, name: `Adjudicate item ${itemIds[0]}` })).toBeVisible();
});
