import { currentItemId, expect, startReviewing, test } from "./support/review-fixtures";

const item = { input: "Summarise the meeting notes.", outputs: [{ text: "The team agreed to ship on **Friday**.", model: "gpt-x" }] };

test.describe("Reviewers answer each kind of question and the answer is stored", () => {
  test("a rating is required and stored as a whole number", async ({ page, loginAs, reviewProject, annotationOf }) => {
    const { project, reviewer } = await reviewProject({
      template: [{ key: "quality", kind: "rating", text: "How good is it?", min: 1, max: 5, minLabel: "Bad", maxLabel: "Great", required: true }],
      items: [item],
    });
    await loginAs(page, reviewer);
    await startReviewing(page, project.id);
    const itemId = currentItemId(page);

    await page.getByRole("button", { name: "Submit" }).click();
    await expect(page.getByRole("group", { name: /How good is it/ }).getByText("This question needs an answer.")).toBeVisible();
    expect((await annotationOf(itemId, reviewer))?.status ?? null).not.toBe("submitted");

    await page.getByRole("group", { name: /How good is it/ }).getByRole("radio", { name: "4" }).check();
    await page.getByRole("button", { name: "Submit" }).click();
    await expect(page.getByRole("heading", { name: "The queue is done" })).toBeVisible();
    expect(await annotationOf(itemId, reviewer)).toMatchObject({ status: "submitted", values: { quality: 4 } });
  });

  test("thumbs are stored as up or down", async ({ page, loginAs, reviewProject, annotationOf }) => {
    const { project, reviewer, itemIds } = await reviewProject({ template: [{ key: "safe", kind: "thumbs", text: "Safe to show?" }], items: [item] });
    await loginAs(page, reviewer);
    await startReviewing(page, project.id);
    await page.getByRole("radio", { name: "Thumbs down" }).check();
    await page.getByRole("button", { name: "Submit" }).click();
    await expect(page.getByRole("heading", { name: "The queue is done" })).toBeVisible();
    expect(await annotationOf(itemIds[0]!, reviewer)).toMatchObject({ values: { safe: "down" } });
  });

  test("a single choice stores one value and a multiple choice a list", async ({ page, loginAs, reviewProject, annotationOf }) => {
    const { project, reviewer, itemIds } = await reviewProject({
      template: [
        { key: "topic", kind: "choice", text: "Topic", options: [{ value: "billing", label: "Billing" }, { value: "tech", label: "Technical" }] },
        { key: "tags", kind: "choice", text: "Tags", multiple: true, options: [{ value: "short" }, { value: "polite" }, { value: "vague" }] },
      ],
      items: [item],
    });
    await loginAs(page, reviewer);
    await startReviewing(page, project.id);
    await page.getByRole("radio", { name: "Technical" }).check();
    await page.getByRole("radio", { name: "Billing" }).check();
    const tags = page.getByRole("group", { name: "Tags" });
    await tags.getByRole("checkbox", { name: "vague" }).check();
    await tags.getByRole("checkbox", { name: "short" }).check();
    await tags.getByRole("checkbox", { name: "vague" }).uncheck();
    await tags.getByRole("checkbox", { name: "polite" }).check();
    await page.getByRole("button", { name: "Submit" }).click();
    await expect(page.getByRole("heading", { name: "The queue is done" })).toBeVisible();
    expect(await annotationOf(itemIds[0]!, reviewer)).toMatchObject({ values: { topic: "billing", tags: ["short", "polite"] } });
  });

  test("free text is stored as typed, and an empty comment is left out", async ({ page, loginAs, reviewProject, annotationOf }) => {
    const { project, reviewer, itemIds } = await reviewProject({
      template: [
        { key: "comment", kind: "text", text: "Comment" },
        { key: "other", kind: "text", text: "Anything else" },
      ],
      items: [item],
    });
    await loginAs(page, reviewer);
    await startReviewing(page, project.id);
    await page.getByLabel("Comment").fill("Misses the date.\nOtherwise fine.");
    await page.getByRole("button", { name: "Submit" }).click();
    await expect(page.getByRole("heading", { name: "The queue is done" })).toBeVisible();
    const stored = await annotationOf(itemIds[0]!, reviewer);
    expect(stored?.values).toEqual({ comment: "Misses the date.\nOtherwise fine." });
  });

  test("risk flags are stored as the chosen flags", async ({ page, loginAs, reviewProject, annotationOf }) => {
    const { project, reviewer, itemIds } = await reviewProject({ template: [{ key: "risks", kind: "flags", text: "Risks" }], items: [item] });
    await loginAs(page, reviewer);
    await startReviewing(page, project.id);
    await page.getByRole("checkbox", { name: "PII leak" }).check();
    await page.getByRole("checkbox", { name: "Hallucination" }).check();
    await page.getByRole("button", { name: "Submit" }).click();
    await expect(page.getByRole("heading", { name: "The queue is done" })).toBeVisible();
    expect(await annotationOf(itemIds[0]!, reviewer)).toMatchObject({ values: { risks: ["pii_leak", "hallucination"] } });
  });

  test("a suggestion is pre-filled and marked, and the mark says whether it was accepted or answered otherwise", async ({ page, loginAs, reviewProject, annotationOf }) => {
    const { project, reviewer, itemIds } = await reviewProject({
      template: [
        { key: "quality", kind: "rating", text: "Quality", min: 1, max: 5 },
        { key: "safe", kind: "thumbs", text: "Safe?" },
      ],
      items: [{ ...item, suggestions: [{ question: "quality", value: 2, confidence: 0.7, source: "judge-v1" }, { question: "safe", value: "up", source: "classifier" }] }],
    });
    await loginAs(page, reviewer);
    await startReviewing(page, project.id);
    const quality = page.getByRole("group", { name: "Quality" });
    await expect(quality.getByText("Suggested by judge-v1 (70% confident)")).toBeVisible();
    await expect(quality.getByRole("radio", { name: "2" })).toBeChecked();
    await quality.getByRole("radio", { name: "5" }).check();
    // Answered otherwise: the mark stays, saying what was suggested, with a way back to it.
    await expect(quality.getByText("It suggested: 2")).toBeVisible();
    await expect(quality.getByRole("button", { name: "Use suggestion for “Quality”" })).toBeVisible();
    const safe = page.getByRole("group", { name: "Safe?" });
    await safe.getByRole("button", { name: /Accept suggestion/ }).click();
    await expect(safe.getByText("Accepted suggestion by classifier")).toBeVisible();
    await expect(safe.getByRole("button", { name: /Accept suggestion/ })).toHaveCount(0);
    await page.getByRole("button", { name: "Submit" }).click();
    await expect(page.getByRole("heading", { name: "The queue is done" })).toBeVisible();
    expect(await annotationOf(itemIds[0]!, reviewer)).toMatchObject({ values: { quality: 5, safe: "up" } });
  });
});
