import { startReviewing, expect, test } from "./support/review-fixtures";

const item = { input: "Where is my parcel?", outputs: [{ text: "It left our depot this morning.", model: "support-bot-v2" }], metadata: { region: "EU", customer_tier: "gold" } };
const questions = [{ key: "ok", kind: "thumbs" as const, text: "Is this answer fine?" }];

test.describe("Blind review", () => {
  test("reviewers see no model name or metadata until the manager names the fields they may see", async ({ page, loginAs, reviewProject }) => {
    const { project, manager, reviewer } = await reviewProject({ template: questions, items: [item] });

    await loginAs(page, reviewer);
    await startReviewing(page, project.id);
    const details = page.getByRole("complementary", { name: "Details" });
    await expect(details).toBeVisible();
    await expect(page.getByText("It left our depot this morning.")).toBeVisible();
    await expect(page.getByText("support-bot-v2")).toHaveCount(0);
    await expect(details.getByText("region")).toHaveCount(0);
    await page.context().clearCookies();

    await loginAs(page, manager);
    await page.goto(`/projects/${project.id}/settings`);
    await page.getByLabel("Fields reviewers may see").fill("model, region");
    await page.getByRole("button", { name: "Save settings" }).click();
    await expect(page.getByRole("status")).toHaveText("Settings saved.");
    await page.reload();
    await expect(page.getByLabel("Fields reviewers may see")).toHaveValue("model, region");
    await page.context().clearCookies();

    await loginAs(page, reviewer);
    await startReviewing(page, project.id);
    await expect(details.getByText("support-bot-v2")).toBeVisible();
    await expect(details.getByText("EU")).toBeVisible();
    await expect(details.getByText("customer_tier")).toHaveCount(0);
  });
});
