import { addItems } from "~/modules/items/add-items.server";
import { pairwiseOrder } from "~/modules/templates/answers";
import { currentItemId, expect, startReviewing, test } from "./support/review-fixtures";

test("Pairwise answers name the output chosen, not the side it was shown on", async ({ page, db, loginAs, reviewProject, annotationOf }) => {
  const outputs = (n: number) => [{ text: `First answer ${n}`, model: "model-one" }, { text: `Second answer ${n}`, model: "model-two" }];
  const { project, manager, reviewer, itemIds } = await reviewProject({ template: "pairwise-preference", items: [{ input: "Question 0", outputs: outputs(0) }] });
  // why: the left/right order is random per reviewer and item; add items until both orders occur.
  const orders = new Map([[itemIds[0]!, pairwiseOrder(reviewer.id, itemIds[0]!, 2)]]);
  for (let n = 1; new Set([...orders.values()].map((o) => o.join())).size < 2; n++) {
    const { ids } = await addItems(db, manager.actor, project.id, [{ input: `Question ${n}`, outputs: outputs(n), priority: -n }]);
    orders.set(ids[0]!, pairwiseOrder(reviewer.id, ids[0]!, 2));
  }

  await loginAs(page, reviewer);
  await startReviewing(page, project.id);
  for (let answered = 0; answered < orders.size; answered++) {
    const itemId = currentItemId(page);
    const order = orders.get(itemId)!;
    const n = [...orders.keys()].indexOf(itemId);
    const texts = [`First answer ${n}`, `Second answer ${n}`];
    // The screen shows the outputs in the recorded order, named by position, never by model.
    await expect(page.getByRole("region", { name: "Response A" })).toContainText(texts[order[0]!]!);
    await expect(page.getByRole("region", { name: "Response B" })).toContainText(texts[order[1]!]!);
    await expect(page.getByText("model-one")).toHaveCount(0);

    // Prefer the response on the right, by keyboard, much better.
    await page.keyboard.press("b");
    await expect(page.getByRole("radio", { name: "Response B is better" })).toBeChecked();
    await page.getByRole("radio", { name: "Much better" }).check();
    await page.keyboard.press("Control+Enter");
    await expect(page).not.toHaveURL(new RegExp(`/review/${itemId}$`));
    const stored = await annotationOf(itemId, reviewer);
    expect(stored?.values).toEqual({ preference: { winner: order[1], strength: "much", shown: order } });
  }
  await expect(page.getByRole("heading", { name: "The queue is done" })).toBeVisible();
});

test("A tie is stored as a tie, and a pairwise question on a single-output item says there is nothing to compare", async ({ page, loginAs, reviewProject, annotationOf }) => {
  const { project, reviewer, itemIds } = await reviewProject({
    template: [{ key: "better", kind: "pairwise", text: "Which is better?" }],
    items: [{ input: "Q", outputs: [{ text: "One" }, { text: "Two" }] }],
  });
  await loginAs(page, reviewer);
  await startReviewing(page, project.id);
  await page.keyboard.press("t");
  await expect(page.getByRole("radio", { name: "Tie" })).toBeChecked();
  await page.getByRole("button", { name: "Submit" }).click();
  await expect(page.getByRole("heading", { name: "The queue is done" })).toBeVisible();
  const shown = pairwiseOrder(reviewer.id, itemIds[0]!, 2);
  expect(await annotationOf(itemIds[0]!, reviewer)).toMatchObject({ values: { better: { winner: "tie", shown } } });
});
