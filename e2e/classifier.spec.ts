import { sql } from "drizzle-orm";
import { currentItemId, expect, startReviewing, test } from "./support/review-fixtures";

const intents = ["billing", "shipping", "other"] as const;
const words = { billing: "invoice refund charge payment", shipping: "parcel delivery courier tracking", other: "weather song poem movie" };
const question = { key: "intent", kind: "choice" as const, text: "Intent", options: intents.map((value) => ({ value })) };

test("a manager trains the project's classifier on its gold labels and reads its evaluation; a reviewer sees its prediction pre-filled as a suggestion", async ({
  page,
  db,
  loginAs,
  reviewProject,
}) => {
  const open = { input: "Where is my parcel? The courier tracking says nothing.", outputs: [] };
  const later = { input: "My invoice shows a double charge, I want a refund.", outputs: [] };
  const gold = Array.from({ length: 30 }, (_, i) => {
    const intent = intents[i % 3]!;
    return { input: `${words[intent].split(" ").slice(i % 2).join(" ")} request ${i}`, outputs: [], gold: { intent } };
  });
  const { project, manager, reviewer, itemIds } = await reviewProject({ template: [question], items: [open, later, ...gold] });

  await loginAs(page, manager);
  await page.goto(`/projects/${project.id}`);
  await page.getByRole("link", { name: "Classifier" }).click();
  await expect(page.getByRole("heading", { name: "Classifier", level: 1 })).toBeVisible();
  await expect(page.getByRole("table", { name: "Models, newest first" })).toContainText("No model yet.");
  // The browser keeps a retrain interval under 10 from being sent (the server says so too: unit tests).
  await expect(page.getByLabel("Retrain every")).toHaveAttribute("min", "10");
  await page.getByRole("button", { name: "Save settings" }).click();
  await expect(page.getByText("Settings saved.")).toBeVisible();

  await page.getByRole("button", { name: "Train a new version" }).click();
  await expect(page.getByText("Training v1 on 30 labels.")).toBeVisible();
  // The page follows the training until the model is ready.
  await expect(page.getByRole("heading", { name: "Current model: v1" })).toBeVisible();
  await expect(page.getByText(/Trained on 30 labels \(30 gold\)/)).toBeVisible();
  await expect(page.getByTestId("model-figures")).toContainText("Accuracy");
  await expect(page.getByRole("table", { name: "Per class (held out)" }).getByRole("row")).toHaveCount(4);
  await expect(page.getByRole("table", { name: "Learning curve" })).toBeVisible();
  const row = page.getByRole("table", { name: "Models, newest first" }).getByRole("row", { name: /v1/ });
  await expect(row).toContainText("ready");
  await expect(row).toContainText("on request");

  await loginAs(page, reviewer);
  await startReviewing(page, project.id);
  expect(currentItemId(page)).toBe(itemIds[0]);
  const intent = page.getByRole("group", { name: "Intent" });
  await expect(intent.getByText(/^Suggested by classifier v1 \(\d+% confident\)$/)).toBeVisible();
  await expect(intent.getByRole("radio", { name: "shipping" })).toBeChecked();
  await page.getByRole("button", { name: "Submit" }).click();
  await expect.poll(() => currentItemId(page)).not.toBe(itemIds[0]);

  // Reviewers do not see the classifier page's link, and the page refuses them.
  await page.goto(`/projects/${project.id}/classifier`);
  await expect(page.getByText("Only managers, researchers and engineers can see quality and agreement figures.")).toBeVisible();

  // The manager routes: a policy that trusts every prediction would machine-label the one item
  // left unlabelled (the reviewer labelled the first; the gold items are labelled), but the reviewer
  // holds it now: it is left alone and the manager is told so.
  await loginAs(page, manager);
  await page.goto(`/projects/${project.id}/classifier`);
  const flow = page.getByTestId("routing-flow");
  await page.getByLabel("Machine label at or above").fill("0");
  await page.getByLabel("Ask the LLM at or above").fill("0");
  await page.getByLabel("Spot-check share").fill("0");
  await page.getByRole("button", { name: "Save policy" }).click();
  await expect(page.getByText("Routing policy saved.")).toBeVisible();
  await expect(flow.locator('[data-route="classifier"]')).toContainText("1 machine label · 0 spot-check");
  await page.getByRole("button", { name: "Apply the policy now" }).click();
  await expect(page.getByText("Machine-labelled 0 items by the classifier and 0 items by the LLM; 0 items stay for people. 1 item a reviewer holds now was left alone.")).toBeVisible();
  // Once the reviewer lets go of it (the lease ends), applying again labels it.
  await db.execute(sql`update assignments set expires_at = now() - interval '1 second' where item_id = ${itemIds[1]!}`);
  await page.getByRole("button", { name: "Apply the policy now" }).click();
  await expect(page.getByText("Machine-labelled 1 item by the classifier and 0 items by the LLM; 0 items stay for people.")).toBeVisible();
  await expect(flow).toContainText("Machine-labelled so far: 1 by the classifier, 0 by the LLM");
});
