import { randomUUID } from "node:crypto";
import { addItems } from "~/modules/items/add-items.server";
import { claimNextItem } from "~/modules/review/claim-next-item.server";
import { submitAnnotation } from "~/modules/review/submit-annotation.server";
import { templatePresets } from "~/modules/templates/presets";
import type { TemplateInput } from "~/modules/templates/schemas";
import { saveTemplate } from "~/modules/templates/save-template.server";
import { expect, test, type TestUser } from "./fixtures";

test.describe("The project page shows how far the review has come", () => {
  test("managers see items done, in progress and left, and every reviewer's count; reviewers see their own", async ({
    page,
    db,
    makeUser,
    makeProject,
    loginAs,
  }) => {
    const manager = await makeUser();
    const ada = await makeUser({ name: "Ada" });
    const bob = await makeUser({ name: "Bob" });
    const project = await makeProject(manager, [
      { user: ada, role: "reviewer" },
      { user: bob, role: "reviewer" },
    ]);
    await saveTemplate(db, manager.actor, project.id, templatePresets.classify.template as TemplateInput);
    await addItems(
      db,
      manager.actor,
      project.id,
      ["one", "two", "three", "four"].map((text) => ({ input: `Prompt ${text}`, outputs: [{ text: `Answer ${text}` }] })),
    );
    const answer = async (reviewer: TestUser) => {
      const lease = await claimNextItem(db, reviewer.actor, project.id);
      await submitAnnotation(db, reviewer.actor, { itemId: lease!.itemId, values: { label: "neutral" }, idempotencyKey: randomUUID() });
    };
    await answer(ada);
    await answer(ada);
    await answer(bob);
    await claimNextItem(db, bob.actor, project.id); // held, not answered

    await loginAs(page, manager);
    await page.goto(`/projects/${project.id}`);
    const progress = page.getByRole("region", { name: "Progress" });
    await expect(progress.getByText("3 of 4 items done (75%).")).toBeVisible();
    await expect(progress.getByRole("progressbar", { name: "Items done" })).toHaveAttribute("aria-valuenow", "3");
    await expect(progress.getByRole("term")).toHaveText(["Done", "In progress", "Left"]);
    await expect(progress.getByRole("definition")).toHaveText(["3", "1", "0"]);
    const table = progress.getByRole("table", { name: "Annotations per reviewer" });
    await expect(table.getByRole("row", { name: new RegExp(ada.name) }).getByRole("cell")).toHaveText(["2", "2"]);
    await expect(table.getByRole("row", { name: new RegExp(bob.name) }).getByRole("cell")).toHaveText(["1", "1"]);

    await page.context().clearCookies();
    await loginAs(page, bob);
    await page.goto(`/projects/${project.id}`);
    await expect(progress.getByText("3 of 4 items done (75%).")).toBeVisible();
    const own = progress.getByRole("table", { name: "Your annotations" });
    await expect(own.getByRole("row")).toHaveCount(2);
    await expect(own.getByRole("row", { name: new RegExp(bob.name) }).getByRole("cell")).toHaveText(["1", "1"]);
    await expect(progress.getByText(ada.name)).toHaveCount(0);
  });

  test("an empty project and a finished queue each say so", async ({ page, db, makeUser, makeProject, loginAs }) => {
    const manager = await makeUser();
    const project = await makeProject(manager);
    await saveTemplate(db, manager.actor, project.id, templatePresets.classify.template as TemplateInput);
    await loginAs(page, manager);
    await page.goto(`/projects/${project.id}`);
    const progress = page.getByRole("region", { name: "Progress" });
    await expect(progress).toContainText("No items yet.");
    await expect(progress.getByRole("progressbar")).toHaveCount(0);

    await addItems(db, manager.actor, project.id, [{ input: "Only prompt", outputs: [{ text: "Only answer" }] }]);
    const lease = await claimNextItem(db, manager.actor, project.id);
    await submitAnnotation(db, manager.actor, { itemId: lease!.itemId, values: { label: "positive" }, idempotencyKey: randomUUID() });
    await page.reload();
    await expect(progress).toContainText("Every item is done (1 of 1): the queue is empty.");
  });

  test("a reviewer sees progress and Start reviewing, but no Settings or Template, and is refused those pages", async ({
    page,
    makeUser,
    makeProject,
    loginAs,
  }) => {
    const manager = await makeUser();
    const reviewer = await makeUser();
    const project = await makeProject(manager, [{ user: reviewer, role: "reviewer" }]);
    await loginAs(page, reviewer);
    await page.goto(`/projects/${project.id}`);

    await expect(page.getByRole("region", { name: "Progress" })).toBeVisible();
    await expect(page.getByRole("link", { name: "Start reviewing" })).toHaveAttribute("href", `/projects/${project.id}/review`);
    await expect(page.getByRole("link", { name: "My work" })).toHaveAttribute("href", `/projects/${project.id}/work`);
    await expect(page.getByRole("link", { name: "Settings", exact: true })).toHaveCount(0);
    await expect(page.getByRole("link", { name: "Template", exact: true })).toHaveCount(0);

    for (const path of ["settings", "template"]) {
      const response = await page.goto(`/projects/${project.id}/${path}`);
      expect(response?.status()).toBe(403);
    }
  });

  test("a manager's project page links to the template and the settings", async ({ page, makeUser, makeProject, loginAs }) => {
    const manager = await makeUser();
    const project = await makeProject(manager);
    await loginAs(page, manager);
    await page.goto(`/projects/${project.id}`);
    await expect(page.getByRole("link", { name: "Template", exact: true })).toHaveAttribute("href", `/projects/${project.id}/template`);
    await expect(page.getByRole("link", { name: "Settings", exact: true })).toHaveAttribute("href", `/projects/${project.id}/settings`);
    await expect(page.getByRole("link", { name: "Start reviewing" })).toBeVisible();
  });
});
