import { addItems } from "~/modules/items/add-items.server";
import { saveTemplate } from "~/modules/templates/save-template.server";
import { expect, test } from "./fixtures";

const HOSTILE = "<img src=x onerror=alert(1)>";

test("a manager writes a judge prompt with a live preview of a real item, is told about an unknown variable, and saves two versions; a reviewer only reads the list", async ({
  page,
  db,
  makeUser,
  makeProject,
  loginAs,
}) => {
  const manager = await makeUser({ name: "Manager" });
  const reviewer = await makeUser({ name: "Rita" });
  const project = await makeProject(manager, [{ user: reviewer, role: "reviewer" }]);
  await saveTemplate(db, manager.actor, project.id, { questions: [{ key: "quality", kind: "rating", text: "How good?", min: 1, max: 5 }] });
  await addItems(db, manager.actor, project.id, [{ input: `Explain ${HOSTILE} tides`, outputs: [{ text: "The moon pulls the sea." }] }]);
  page.on("dialog", () => {
    throw new Error("a dialog opened");
  });

  await loginAs(page, manager);
  await page.goto(`/projects/${project.id}/prompts`);
  await expect(page.getByRole("table", { name: "The newest version of each prompt" })).toContainText("No prompts yet.");
  await page.getByLabel("Name", { exact: true }).fill("Grader");
  await page.getByLabel("Purpose").selectOption("judge");
  const user = page.getByLabel("User message");
  await user.fill("Rate the answer to {{input}}: {{output}} {{outptu}}");
  // The preview follows the typing: a variable the item cannot fill is said, not sent empty.
  await expect(page.getByText("Preview (item")).toBeVisible();
  await user.fill("Rate the answer to {{input}}: {{output}}");
  const preview = page.locator("pre").first();
  await expect(preview).toHaveText(`Rate the answer to Explain ${HOSTILE} tides: The moon pulls the sea.`);
  await expect(page.locator("main img")).toHaveCount(0);

  // An unknown variable is refused beside its field and nothing is saved.
  await user.fill("{{inptu}}");
  await page.getByLabel("How good? (quality)").check();
  await page.getByRole("button", { name: "Save version" }).click();
  await expect(page.getByText(/Unknown variable \{\{inptu\}\}/)).toBeVisible();
  await expect(page.getByRole("table", { name: "The newest version of each prompt" })).toContainText("No prompts yet.");

  await user.fill("Rate the answer to {{input}}: {{output}}");
  await page.getByRole("button", { name: "Save version" }).click();
  await expect(page.getByText("Saved Grader version 1.")).toBeVisible();
  await page.getByLabel("Name", { exact: true }).fill("Grader");
  await page.getByLabel("Purpose").selectOption("judge");
  await page.getByLabel("How good? (quality)").check();
  await page.getByLabel("Temperature").fill("0");
  await page.getByRole("button", { name: "Save version" }).click();
  await expect(page.getByText("Saved Grader version 2.")).toBeVisible();
  const row = page.getByRole("table", { name: "The newest version of each prompt" }).getByRole("row", { name: /Grader v2/ });
  await expect(row).toContainText("judge");
  await expect(row).toContainText("quality");

  await loginAs(page, reviewer);
  await page.goto(`/projects/${project.id}/prompts`);
  await expect(page.getByRole("row", { name: /Grader v2/ })).toBeVisible();
  await expect(page.getByRole("button", { name: "Save version" })).toHaveCount(0);
});
