import { and, eq } from "drizzle-orm";
import { assignments } from "~db/schema";
import { currentItemId, expect, startReviewing, test } from "./support/review-fixtures";

test("A whole review by keyboard alone: answer, correct, submit, skip, with the shortcuts overlay", async ({ page, db, loginAs, reviewProject, annotationOf }) => {
  const { project, reviewer, itemIds } = await reviewProject({
    template: [
      { key: "quality", kind: "rating", text: "Quality", min: 1, max: 5, required: true },
      { key: "topic", kind: "choice", text: "Topic", options: [{ value: "billing" }, { value: "tech" }, { value: "other" }] },
      { key: "fix", kind: "correction", text: "Fix the answer" },
    ],
    items: [
      { input: "First question", outputs: [{ text: "First answr." }] },
      { input: "Second question", outputs: [{ text: "Second answer." }] },
    ],
  });
  await loginAs(page, reviewer);
  await page.goto(`/projects/${project.id}/review`);
  await page.getByRole("button", { name: "Start reviewing" }).focus();
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { name: `Item #${itemIds[0]}` })).toBeVisible();

  await page.keyboard.press("?");
  const help = page.getByRole("dialog", { name: "Keyboard shortcuts" });
  await expect(help).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(help).toBeHidden();

  await page.keyboard.press("4");
  await expect(page.getByRole("group", { name: /Quality/ }).getByRole("radio", { name: "4" })).toBeChecked();
  await expect(page.getByRole("group", { name: /Quality/ }).getByRole("radio", { name: "4" })).toBeFocused();
  await page.keyboard.press("Tab");
  await page.keyboard.press("2");
  await expect(page.getByRole("radio", { name: "tech" })).toBeChecked();
  await expect(page.getByRole("group", { name: /Quality/ }).getByRole("radio", { name: "4" })).toBeChecked();

  await page.keyboard.press("e");
  const editor = page.getByRole("textbox", { name: "Fix the answer" });
  await expect(editor).toBeFocused();
  await page.keyboard.press("ControlOrMeta+a");
  // Letters and digits typed here are text, not shortcuts.
  await page.keyboard.type("First answer, 1 step: save.");
  await expect(editor).toHaveValue("First answer, 1 step: save.");
  await expect(page.getByRole("radio", { name: "tech" })).toBeChecked();
  await expect(page.getByLabel("Reason (optional)")).toBeHidden();

  await page.keyboard.press("Control+Enter");
  await expect(page.getByRole("heading", { name: `Item #${itemIds[1]}` })).toBeVisible();
  expect(await annotationOf(itemIds[0]!, reviewer)).toMatchObject({
    status: "submitted",
    values: { quality: 4, topic: "tech", fix: { text: "First answer, 1 step: save." } },
  });

  await page.keyboard.press("s");
  await expect(page.getByLabel("Reason (optional)")).toBeFocused();
  await page.keyboard.type("Not my language");
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { name: "The queue is done" })).toBeVisible();
  const [skipped] = await db
    .select({ state: assignments.state, reason: assignments.skipReason })
    .from(assignments)
    .where(and(eq(assignments.itemId, itemIds[1]!), eq(assignments.userId, reviewer.id)));
  expect(skipped).toEqual({ state: "skipped", reason: "Not my language" });
  expect(await annotationOf(itemIds[1]!, reviewer)).toBeNull();
});

test("Submitting with a required question open shows the message next to it and sends nothing", async ({ page, loginAs, reviewProject, annotationOf }) => {
  const { project, reviewer } = await reviewProject({
    template: [
      { key: "quality", kind: "rating", text: "Quality", required: true },
      { key: "safe", kind: "thumbs", text: "Safe?", required: true },
    ],
    items: [{ input: "Q", outputs: [{ text: "A" }] }],
  });
  await loginAs(page, reviewer);
  await startReviewing(page, project.id);
  await page.keyboard.press("5");
  await page.keyboard.press("Control+Enter");
  const safe = page.getByRole("group", { name: /Safe\?/ });
  await expect(safe.getByText("This question needs an answer.")).toBeVisible();
  await expect(page.getByRole("group", { name: /Quality/ }).getByText("This question needs an answer.")).toHaveCount(0);
  expect((await annotationOf(currentItemId(page), reviewer))?.status ?? "none").not.toBe("submitted");
});

test("J and K move between questions so digits reach each one; L and M say by how much a pairwise pick is better", async ({ page, loginAs, reviewProject, annotationOf }) => {
  const { project, reviewer, itemIds } = await reviewProject({
    template: [
      { key: "accuracy", kind: "rating", text: "Accuracy", min: 1, max: 5, required: true },
      { key: "tone", kind: "rating", text: "Tone", min: 1, max: 5, required: true },
      { key: "better", kind: "pairwise", text: "Which is better?", strength: true, required: true },
    ],
    items: [{ input: "Explain DNS", outputs: [{ text: "DNS maps names to addresses." }, { text: "DNS is a phone book." }] }],
  });
  await loginAs(page, reviewer);
  await startReviewing(page, project.id);
  const accuracy = page.getByRole("group", { name: /Accuracy/ });
  const tone = page.getByRole("group", { name: /Tone/ });

  await page.keyboard.press("4");
  await expect(accuracy.getByRole("radio", { name: "4" })).toBeChecked();
  await page.keyboard.press("j");
  await expect(tone.getByRole("radio", { name: "1" })).toBeFocused();
  await page.keyboard.press("2");
  await expect(tone.getByRole("radio", { name: "2" })).toBeChecked();
  await expect(accuracy.getByRole("radio", { name: "4" })).toBeChecked();
  await page.keyboard.press("k");
  await expect(accuracy.getByRole("radio", { name: "4" })).toBeFocused();
  await page.keyboard.press("5");
  await expect(accuracy.getByRole("radio", { name: "5" })).toBeChecked();

  // No strength before a pick; then M and L set it.
  await page.keyboard.press("m");
  const strength = page.getByRole("radiogroup", { name: "By how much?" });
  await expect(strength.getByRole("radio", { name: "Much better" })).not.toBeChecked();
  await page.keyboard.press("b");
  await page.keyboard.press("m");
  await expect(strength.getByRole("radio", { name: "Much better" })).toBeChecked();
  await page.keyboard.press("l");
  await expect(strength.getByRole("radio", { name: "Slightly better" })).toBeChecked();

  await page.keyboard.press("Control+Enter");
  await expect(page.getByRole("heading", { name: "The queue is done" })).toBeVisible();
  const saved = await annotationOf(itemIds[0]!, reviewer);
  expect(saved).toMatchObject({ status: "submitted", values: { accuracy: 5, tone: 2, better: { strength: "slightly" } } });
  const better = (saved!.values as { better: { winner: number; shown: number[] } }).better;
  expect(better.winner).toBe(better.shown[1]);
});

test("keys pressed before the page's script has loaded are not lost", async ({ page, loginAs, reviewProject, annotationOf }) => {
  const { project, reviewer, itemIds } = await reviewProject({
    template: [{ key: "quality", kind: "rating", text: "Quality", min: 1, max: 5, required: true }],
    items: [{ input: "Explain DNS", outputs: [{ text: "DNS maps names to addresses." }] }],
  });
  await loginAs(page, reviewer);
  await startReviewing(page, project.id);
  const itemUrl = page.url();

  // why: the app's scripts are held back until the key was pressed, so the page is certainly not
  // hydrated when it is — however fast the machine.
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route(/\/assets\/.*\.js$/, async (route) => {
    await held;
    await route.continue();
  });
  await page.goto(itemUrl, { waitUntil: "domcontentloaded" });
  await expect(page.getByRole("heading", { name: `Item #${itemIds[0]}` })).toBeVisible();
  await page.keyboard.press("3");
  release();
  await expect(page.getByRole("group", { name: /Quality/ }).getByRole("radio", { name: "3" })).toBeChecked();
  await page.keyboard.press("Control+Enter");
  await expect(page.getByRole("heading", { name: "The queue is done" })).toBeVisible();
  expect(await annotationOf(itemIds[0]!, reviewer)).toMatchObject({ status: "submitted", values: { quality: 3 } });
});
