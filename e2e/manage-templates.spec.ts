import type { Page } from "@playwright/test";
import { asc, eq } from "drizzle-orm";
import { reviewTemplates } from "~db/schema";
import type { Database } from "~/db.server";
import { templatePresetIds, templatePresets } from "~/modules/templates/presets";
import type { TemplateInput } from "~/modules/templates/schemas";
import { saveTemplate } from "~/modules/templates/save-template.server";
import { expect, test, unique, type TestProject, type TestUser } from "./fixtures";

const questionCards = (page: Page) => page.getByRole("list", { name: "Questions" }).getByRole("group", { name: /^Question \d+$/ });
const card = (page: Page, n: number) => page.getByRole("group", { name: `Question ${n}`, exact: true });
const preview = (page: Page) => page.getByRole("region", { name: "Preview" });

async function storedVersions(db: Database, projectId: string) {
  return db
    .select({ version: reviewTemplates.version, questions: reviewTemplates.questions })
    .from(reviewTemplates)
    .where(eq(reviewTemplates.projectId, projectId))
    .orderBy(asc(reviewTemplates.version));
}

async function projectWithPreset(db: Database, makeProject: (m: TestUser) => Promise<TestProject>, manager: TestUser) {
  const project = await makeProject(manager);
  await saveTemplate(db, manager.actor, project.id, templatePresets["rate-and-correct"].template as TemplateInput);
  return project;
}

test.describe("Managers start from a ready-made template", () => {
  for (const id of templatePresetIds) {
    const preset = templatePresets[id];
    test(`a project made from "${preset.name}" opens with its questions in the editor`, async ({ page, db, makeUser, loginAs }) => {
      const manager = await makeUser();
      await loginAs(page, manager);
      await page.goto("/projects/new");
      const name = unique(preset.name);
      await page.getByLabel("Name").fill(name);
      await page.getByRole("radio", { name: preset.name }).check();
      await page.getByRole("button", { name: "Create project" }).click();
      await expect(page.getByRole("heading", { level: 1, name })).toBeVisible();

      await page.getByRole("link", { name: "Template", exact: true }).click();
      await expect(page.getByRole("heading", { level: 1, name: "Review template" })).toBeVisible();
      await expect(page.getByText("Version 1 is current.")).toBeVisible();
      const keys = preset.template.questions.map((q) => q.key);
      await expect(questionCards(page)).toHaveCount(keys.length);
      for (const [index, key] of keys.entries()) {
        await expect(card(page, index + 1).getByLabel("Key")).toHaveValue(key);
      }
      await expect(preview(page).getByText(preset.template.questions[0].text, { exact: true })).toBeVisible();

      const projectId = new URL(page.url()).pathname.split("/")[2]!;
      const stored = await storedVersions(db, projectId);
      expect(stored.map((v) => v.version)).toEqual([1]);
      expect((stored[0]!.questions as { key: string }[]).map((q) => q.key)).toEqual(keys);
    });
  }
});

test.describe("Managers edit a template in a form with a live preview", () => {
  test("adding a choice question, reordering and removing one saves version 2", async ({ page, db, makeUser, makeProject, loginAs }) => {
    const manager = await makeUser();
    const project = await projectWithPreset(db, makeProject, manager);
    await loginAs(page, manager);
    await page.goto(`/projects/${project.id}/template`);
    await expect(questionCards(page)).toHaveCount(3);

    await page.getByLabel("Kind of new question").selectOption({ label: "Choice" });
    await page.getByRole("button", { name: "Add question" }).click();
    const added = card(page, 4);
    await expect(added.getByLabel("Question text")).toBeFocused();
    await added.getByLabel("Key").fill("tone");
    await added.getByLabel("Question text").fill("Which tone fits?");
    await added.getByLabel("Reviewers may pick several").check();
    await added.getByLabel("Options").fill("formal\ncasual | Casual and friendly\n");
    await expect(preview(page).getByRole("group", { name: "Which tone fits?" })).toBeVisible();
    await expect(preview(page).getByRole("checkbox", { name: /Casual and friendly/ })).toBeVisible();

    await added.getByRole("button", { name: "Move up question 4" }).click();
    await expect(card(page, 3).getByLabel("Key")).toHaveValue("tone");
    await expect(card(page, 4).getByLabel("Key")).toHaveValue("comment");
    await card(page, 1).getByRole("button", { name: "Remove question 1" }).click();
    await expect(questionCards(page)).toHaveCount(3);
    await expect(preview(page).getByText("How good is this answer?")).toHaveCount(0);

    await page.getByRole("button", { name: "Save template" }).click();
    await expect(page.getByRole("status").filter({ hasText: "Version 2 saved." })).toBeVisible();
    await expect(page.getByText("Version 2 is current.")).toBeVisible();
    await expect(page.getByRole("list", { name: "Template versions" }).getByRole("listitem")).toHaveText([/Version 2.*current/, /Version 1/]);
    await expect(preview(page).getByRole("group", { name: "Which tone fits?" })).toBeVisible();

    const stored = await storedVersions(db, project.id);
    expect(stored.map((v) => v.version)).toEqual([1, 2]);
    const questions = stored[1]!.questions as { key: string; kind: string; multiple?: boolean; options?: unknown }[];
    expect(questions.map((q) => q.key)).toEqual(["correction", "tone", "comment"]);
    expect(questions[1]).toMatchObject({
      kind: "choice",
      text: "Which tone fits?",
      multiple: true,
      options: [{ value: "formal" }, { value: "casual", label: "Casual and friendly" }],
    });
  });

  test("an invalid template is refused with each message next to its field, and nothing is saved", async ({ page, db, makeUser, makeProject, loginAs }) => {
    const manager = await makeUser();
    const project = await projectWithPreset(db, makeProject, manager);
    await loginAs(page, manager);
    await page.goto(`/projects/${project.id}/template`);

    await card(page, 3).getByLabel("Key").fill("quality");
    await card(page, 1).getByLabel("Highest score").fill("1");
    await page.getByRole("button", { name: "Save template" }).click();

    await expect(page.getByText("The template was not saved: fix what is marked below.")).toBeVisible();
    await expect(card(page, 3).getByLabel("Key")).toHaveAttribute("aria-invalid", "true");
    await expect(card(page, 3).getByLabel("Key")).toHaveAccessibleDescription(/The key "quality" is used twice\./);
    await expect(card(page, 1).getByLabel("Highest score")).toHaveAccessibleDescription("The top of the scale must be above the bottom.");
    await expect(card(page, 1).getByLabel("Key")).not.toHaveAttribute("aria-invalid");
    await expect(card(page, 2).getByLabel("Key")).not.toHaveAttribute("aria-invalid");

    for (let n = 3; n >= 1; n--) await card(page, n).getByRole("button", { name: `Remove question ${n}` }).click();
    await expect(questionCards(page)).toHaveCount(0);
    await page.getByRole("button", { name: "Save template" }).click();
    await expect(page.getByRole("list", { name: "Template problems" })).toHaveText("A template needs at least one question.");

    expect((await storedVersions(db, project.id)).map((v) => v.version)).toEqual([1]);
    await page.reload();
    await expect(questionCards(page)).toHaveCount(3);
  });

  test("reviewers cannot open the template editor", async ({ page, db, makeUser, makeProject, loginAs }) => {
    const manager = await makeUser();
    const reviewer = await makeUser();
    const project = await makeProject(manager, [{ user: reviewer, role: "reviewer" }]);
    await loginAs(page, reviewer);
    const response = await page.goto(`/projects/${project.id}/template`);
    expect(response?.status()).toBe(403);
    await expect(page.getByLabel("Template as JSON")).toHaveCount(0);
    expect(await storedVersions(db, project.id)).toEqual([]);
  });
});

test.describe("Without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("a manager edits the template as JSON and saves it; bad JSON is refused in place", async ({ page, db, makeUser, makeProject, loginAs }) => {
    const manager = await makeUser();
    const project = await projectWithPreset(db, makeProject, manager);
    await loginAs(page, manager);
    await page.goto(`/projects/${project.id}/template`);

    await page.getByText("Edit as JSON").click();
    await page.getByLabel("Template as JSON").fill('{"questions": [');
    await page.getByRole("button", { name: "Save template" }).click();
    await expect(page.getByLabel("Template as JSON")).toHaveAccessibleDescription(/This is not valid JSON/);
    await expect(page.getByLabel("Template as JSON")).toHaveValue('{"questions": [');

    const template = { questions: [{ key: "safe", kind: "thumbs", text: "Safe to ship?", required: true }] };
    await page.getByLabel("Template as JSON").fill(JSON.stringify(template));
    await page.getByRole("button", { name: "Save template" }).click();
    await expect(page.getByText("Version 2 saved.")).toBeVisible();
    await expect(card(page, 1).getByLabel("Key")).toHaveValue("safe");
    const stored = await storedVersions(db, project.id);
    expect(stored.map((v) => v.version)).toEqual([1, 2]);
    expect(stored[1]!.questions).toEqual([{ key: "safe", kind: "thumbs", text: "Safe to ship?", required: true }]);
  });
});
