import { claimNextItem } from "~/modules/review/claim-next-item.server";
import { submitAnnotation } from "~/modules/review/submit-annotation.server";
import { addMember } from "~/modules/projects/add-member.server";
import { expect, startReviewing, test } from "./support/review-fixtures";

test("Review is blind: a reviewer never sees another's answer, a manager does; other projects' items are 404", async ({ browser, page, db, makeUser, loginAs, reviewProject }) => {
  // why: two sessions and eight page loads; on a loaded 2-core machine that can pass 30 s.
  test.slow();
  const { project, manager, reviewer: first, itemIds } = await reviewProject({
    template: [{ key: "verdict", kind: "text", text: "Verdict" }],
    items: [
      { input: "Shared item", outputs: [{ text: "Answer" }] },
      { input: "Another item", outputs: [{ text: "Answer 2" }] },
    ],
    settings: { overlap: 2 },
  });
  const second = await makeUser({ name: "Second" });
  await addMember(db, manager.actor, project.id, { email: second.email, role: "reviewer" });
  await claimNextItem(db, first.actor, project.id);
  await submitAnnotation(db, first.actor, { itemId: itemIds[0]!, values: { verdict: "SECRET VERDICT" }, idempotencyKey: crypto.randomUUID() });

  await loginAs(page, second);
  await startReviewing(page, project.id);
  await expect(page.getByRole("heading", { name: `Item #${itemIds[0]}` })).toBeVisible();
  await expect(page.getByText("Shared item")).toBeVisible();
  await expect(page.getByText("SECRET VERDICT")).toHaveCount(0);
  await expect(page.getByRole("region", { name: "Other reviewers’ answers" })).toHaveCount(0);

  // An item the reviewer does not hold, and an item of a project they are not in: both 404.
  const response = await page.goto(`/projects/${project.id}/review/${itemIds[1]}`);
  expect(response?.status()).toBe(404);
  const elsewhere = await reviewProjectElsewhere();
  expect((await page.goto(`/projects/${elsewhere.projectId}/review/${elsewhere.itemId}`))?.status()).toBe(404);
  expect((await page.goto(`/projects/${project.id}/review/${elsewhere.itemId}`))?.status()).toBe(404);
  expect((await page.goto(`/projects/${elsewhere.projectId}/review`))?.status()).toBe(404);
  await expect(page.getByText("Page not found")).toBeVisible();

  const managerPage = await (await browser.newContext()).newPage();
  await loginAs(managerPage, manager);
  await managerPage.goto(`/projects/${project.id}/review/${itemIds[0]}`);
  const others = managerPage.getByRole("region", { name: "Other reviewers’ answers" });
  await expect(others).toContainText(first.name);
  await expect(others).toContainText("SECRET VERDICT");
  await managerPage.context().close();

  async function reviewProjectElsewhere() {
    const outsider = await reviewProject({ template: [{ key: "x", kind: "text", text: "X" }], items: [{ input: "Private", outputs: [{ text: "P" }] }] });
    return { projectId: outsider.project.id, itemId: outsider.itemIds[0]! };
  }
});

test("An engineer sees other reviewers' answers by pseudonym until the manager shows names to members", async ({ browser, page, db, makeUser, loginAs, reviewProject }) => {
  const { project, manager, reviewer, itemIds } = await reviewProject({
    template: [{ key: "verdict", kind: "text", text: "Verdict" }],
    items: [{ input: "Shared item", outputs: [{ text: "Answer" }] }],
  });
  const engineer = await makeUser({ name: "Engineer" });
  await addMember(db, manager.actor, project.id, { email: engineer.email, role: "engineer" });
  await claimNextItem(db, reviewer.actor, project.id);
  await submitAnnotation(db, reviewer.actor, { itemId: itemIds[0]!, values: { verdict: "Looks right" }, idempotencyKey: crypto.randomUUID() });

  await loginAs(page, engineer);
  await page.goto(`/projects/${project.id}/review/${itemIds[0]}`);
  const others = page.getByRole("region", { name: "Other reviewers’ answers" });
  await expect(others).toContainText("Looks right");
  await expect(others).toContainText(/reviewer-[0-9a-f]{10}/);
  await expect(others).not.toContainText(reviewer.name);
  await page.goto(`/projects/${project.id}`);
  await expect(page.getByRole("list", { name: "Members" })).not.toContainText(reviewer.email);

  const managerPage = await (await browser.newContext()).newPage();
  await loginAs(managerPage, manager);
  await managerPage.goto(`/projects/${project.id}/settings`);
  await managerPage.getByLabel("Show reviewer names to members").check();
  await managerPage.getByRole("button", { name: "Save settings" }).click();
  await expect(managerPage.getByRole("status")).toHaveText("Settings saved.");
  await managerPage.context().close();

  await page.goto(`/projects/${project.id}/review/${itemIds[0]}`);
  await expect(others).toContainText(reviewer.name);
  await page.goto(`/projects/${project.id}`);
  const members = page.getByRole("list", { name: "Members" });
  await expect(members).toContainText(reviewer.name);
  await expect(members).not.toContainText(reviewer.email);
});
