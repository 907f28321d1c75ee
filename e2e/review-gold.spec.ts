import { sql } from "drizzle-orm";
import type { Page } from "@playwright/test";
import type { Database } from "~/db.server";
import { addItems } from "~/modules/items/add-items.server";
import { currentItemId, expect, startReviewing, test } from "./support/review-fixtures";

const questions = [{ key: "ok", kind: "thumbs" as const, text: "Is this answer fine?" }];
const EXPLANATION = "The reply promises a refund the policy does not allow.";
const answer = async (page: Page, thumbs: "Thumbs up" | "Thumbs down") => {
  await page.getByRole("radio", { name: thumbs }).check();
  await page.getByRole("button", { name: "Submit" }).click();
};

test.describe("Gold items and onboarding", () => {
  test("a new reviewer trains on gold items with the right answer shown after each, is let in by the manager, then meets gold items unmarked; the manager sees their accuracy", async ({
    page,
    db,
    loginAs,
    reviewProject,
  }) => {
    const { project, manager, reviewer, itemIds: regular } = await reviewProject({
      template: questions,
      items: [
        { input: "Regular one", outputs: [{ text: "Your parcel ships today." }] },
        { input: "Regular two", outputs: [{ text: "We are open on Sundays." }] },
      ],
    });
    const gold = (await addItems(db, manager.actor, project.id, [1, 2, 3, 4].map((n) => ({ input: `Training ${n}`, outputs: [{ text: `Refund offer ${n}` }], gold: { ok: "down" } })))).ids;
    await (db as Database).execute(sql`update items set gold_explanation = ${EXPLANATION} where id in ${gold}`);

    await loginAs(page, manager);
    await page.goto(`/projects/${project.id}/settings`);
    await page.getByLabel("Onboarding items").fill("3");
    await page.getByLabel("Pass mark (%)").fill("67");
    await page.getByRole("button", { name: "Save settings" }).click();
    await expect(page.getByRole("status")).toHaveText("Settings saved.");
    await page.context().clearCookies();

    // The round: three gold items, each followed by the right answer and why.
    await loginAs(page, reviewer);
    await page.goto(`/projects/${project.id}/review`);
    await expect(page.getByText("This project starts with a training round of 3 items")).toBeVisible();
    await startReviewing(page, project.id);
    expect(currentItemId(page)).toBe(gold[0]);
    // Before the answer, nothing on the page tells the right answer or its explanation.
    expect(await page.content()).not.toContain(EXPLANATION);
    await expect(page.getByRole("heading", { name: /Training item/ })).toHaveCount(0);
    await answer(page, "Thumbs down");
    const feedback = page.getByRole("region", { name: /Training item/ });
    await expect(feedback.getByRole("heading", { name: "Training item: Right" })).toBeVisible();
    await expect(feedback.getByText("Right answer: down")).toBeVisible();
    await expect(feedback.getByText("Your answer: down")).toBeVisible();
    await expect(feedback.getByText(EXPLANATION)).toBeVisible();
    await page.getByRole("button", { name: "Next item" }).click();

    await expect.poll(() => currentItemId(page)).toBe(gold[1]);
    await answer(page, "Thumbs up");
    await expect(feedback.getByRole("heading", { name: "Training item: Not quite" })).toBeVisible();
    await expect(feedback.getByText("Your answer: up")).toBeVisible();
    await expect(feedback.getByText("Did not match")).toBeVisible();
    await page.getByRole("button", { name: "Next item" }).click();

    await expect.poll(() => currentItemId(page)).toBe(gold[2]);
    await answer(page, "Thumbs down");
    await expect(feedback.getByRole("heading", { name: "Training item: Right" })).toBeVisible();
    await page.getByRole("button", { name: "Next item" }).click();

    // 2 of 3 is 66.7%, under the 67% pass mark: the real queue stays closed.
    await expect(page.getByRole("alert")).toHaveText("You scored 2 of 3 (66.7%); this project needs 67%. Your manager can let you in or give you another round.");
    await expect(page.getByRole("button", { name: "Start reviewing" })).toHaveCount(0);
    await page.context().clearCookies();

    // The manager sees the score with its interval, lets the reviewer in and mixes gold in at 100%.
    await loginAs(page, manager);
    await page.goto(`/projects/${project.id}/quality`);
    await page.getByRole("link", { name: "Reviewers" }).click();
    const table = page.getByRole("table", { name: `${reviewer.name}: accuracy on gold and agreement with the consensus, per question` });
    await expect(table.getByRole("row", { name: /Is this answer fine\?/ })).toContainText("66.7% (95% CI 20.8%–93.9%), 2 of 3");
    await expect(page.getByText("onboarding: failed: 2 of 3 right")).toBeVisible();
    await page.getByRole("button", { name: `Let ${reviewer.name} in` }).click();
    await expect(page.getByText("The reviewer is let in: their queue is open.")).toBeVisible();
    await expect(page.getByText("onboarding: let in by a manager (2 of 3 right)")).toBeVisible();
    await page.goto(`/projects/${project.id}/settings`);
    await page.getByLabel("Gold rate (%)").fill("100");
    await page.getByRole("button", { name: "Save settings" }).click();
    await expect(page.getByRole("status")).toHaveText("Settings saved.");
    await page.context().clearCookies();

    // The queue now hands out the last gold item first (rate 100%), unmarked, then the regular ones.
    await loginAs(page, reviewer);
    await startReviewing(page, project.id);
    expect(currentItemId(page)).toBe(gold[3]);
    expect(await page.content()).not.toContain(EXPLANATION);
    await answer(page, "Thumbs up");
    await expect.poll(() => currentItemId(page)).toBe(regular[0]);
    await expect(page.getByRole("heading", { name: /Training item/ })).toHaveCount(0);
    await answer(page, "Thumbs up");
    await expect.poll(() => currentItemId(page)).toBe(regular[1]);
    await answer(page, "Thumbs up");
    await expect(page.getByRole("heading", { name: "The queue is done" })).toBeVisible();

    // My work shows the reviewer their own figures: 2 of 4 gold answers right.
    await page.goto(`/projects/${project.id}/work`);
    await expect(page.getByRole("table", { name: `${reviewer.name} (you): accuracy on gold and agreement with the consensus, per question` }).getByRole("row", { name: /Is this answer fine\?/ })).toContainText("50.0% (95% CI 15.0%–85.0%), 2 of 4");
  });
});
