import { and, eq, inArray, sql } from "drizzle-orm";
import { auditLog, items } from "~db/schema";
import { refreshResolutions } from "~/modules/resolution/refresh-resolutions.server";
import { submitAnnotation } from "~/modules/review/submit-annotation.server";
import { saveTemplate } from "~/modules/templates/save-template.server";
import { expect, test } from "./fixtures";

const topics = ["volcano", "glacier", "desert", "forest", "river", "canyon"];
const jsonl = topics.map((t, n) => JSON.stringify({ externalId: `dm-${n}`, input: `Tell me about a ${t}`, outputs: [{ text: `A ${t} is a landform.`, model: n % 2 ? "gpt-odd" : "gpt-even" }], metadata: { segment: n < 3 ? "pro" : "free" } })).join("\n");

test("Managers import items, search, pick columns, raise priority, mark gold, delete after confirming, and read an item's answers and history", async ({ page, db, makeUser, makeProject, loginAs }) => {
  // why: a whole story (import, table, four bulk actions, the item page) on a shared 2-core machine.
  test.slow();
  const manager = await makeUser({ name: "Manager" });
  const reviewer = await makeUser({ name: "Rita" });
  const project = await makeProject(manager, [{ user: reviewer, role: "reviewer" }]);
  await saveTemplate(db, manager.actor, project.id, {
    questions: [
      { key: "quality", kind: "rating", text: "Quality", min: 1, max: 5 },
      { key: "topic", kind: "choice", text: "Topic", options: [{ value: "earth" }, { value: "water" }] },
    ],
  });
  await loginAs(page, manager);

  await page.goto(`/projects/${project.id}/import`);
  await page.getByLabel("File", { exact: true }).setInputFiles({ name: "places.jsonl", mimeType: "application/x-ndjson", buffer: Buffer.from(jsonl) });
  await page.getByRole("button", { name: "Import" }).click();
  await expect(page.getByRole("listitem", { name: "Import of places.jsonl" })).toContainText("6 inserted");

  const rows = await db.select({ id: items.id, externalId: items.externalId }).from(items).where(eq(items.projectId, project.id)).orderBy(items.id);
  const idOf = (ext: string) => rows.find((r) => r.externalId === ext)!.id;
  await submitAnnotation(db, reviewer.actor, { itemId: idOf("dm-0"), values: { quality: 4, topic: "earth" }, idempotencyKey: "e2e-dm-0" });
  await refreshResolutions(db, project.id);

  await page.goto(`/projects/${project.id}`);
  await page.getByRole("link", { name: "Items", exact: true }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Items" })).toBeVisible();
  await expect(page.getByText("6 items match")).toBeVisible();

  // Search over outputs and input, and a metadata column picked from the keys seen.
  await page.getByLabel("Search input and outputs").fill("glacier");
  await page.getByRole("checkbox", { name: "metadata: segment" }).check();
  await page.getByRole("checkbox", { name: "Priority" }).check();
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(page.getByText("1 item matches")).toBeVisible();
  await expect(page).toHaveURL(/cols=meta%3Asegment/);
  const table = page.getByRole("table");
  await expect(table.getByRole("row")).toHaveCount(2);
  await expect(table.getByRole("row").nth(1)).toContainText("Tell me about a glacier");
  await expect(table.getByRole("row").nth(1)).toContainText("pro");
  await expect(table.getByRole("columnheader", { name: "segment" })).toBeVisible();

  // Clear the search: select two rows with a shift-click range, and raise their priority.
  await page.getByLabel("Search input and outputs").fill("");
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(page.getByText("6 items match")).toBeVisible();
  await page.getByRole("checkbox", { name: `Select item ${idOf("dm-1")}` }).click();
  await page.getByRole("checkbox", { name: `Select item ${idOf("dm-3")}` }).click({ modifiers: ["Shift"] });
  await expect(page.getByText("3 selected")).toBeVisible();
  await page.getByLabel("New priority").fill("70");
  await page.getByRole("button", { name: "Set priority" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Priority set on 3 items." })).toBeVisible();
  const raised = await db.select({ externalId: items.externalId, priority: items.priority }).from(items).where(eq(items.projectId, project.id)).orderBy(items.id);
  expect(raised.map((r) => r.priority)).toEqual([0, 70, 70, 70, 0, 0]);

  // Mark one as gold with an answer and an explanation.
  await expect(page.getByText("0 selected")).toBeVisible();
  await page.getByRole("checkbox", { name: `Select item ${idOf("dm-4")}` }).check();
  await page.getByText("Mark as gold…").click();
  await page.getByLabel("Quality").selectOption("5");
  await page.getByRole("radio", { name: "water" }).check();
  await page.getByLabel("Explanation (shown to reviewers after they answer)").fill("Rivers are water.");
  await page.getByRole("button", { name: "Save gold answer for 1 item" }).click();
  await expect(page.getByRole("status").filter({ hasText: "1 item marked as gold." })).toBeVisible();
  const [gold] = await db.select({ status: items.status, gold: items.gold, goldExplanation: items.goldExplanation }).from(items).where(eq(items.id, idOf("dm-4")));
  expect(gold).toEqual({ status: "gold", gold: { quality: 5, topic: "water" }, goldExplanation: "Rivers are water." });

  // Send one back for two more answers: it wants the overlap plus two beyond what it has.
  await page.getByRole("checkbox", { name: `Select item ${idOf("dm-1")}` }).check();
  await page.getByLabel("More answers").fill("2");
  await page.getByRole("button", { name: "Send back to the queue" }).click();
  await expect(page.getByRole("status").filter({ hasText: "1 item sent back to the queue for more answers." })).toBeVisible();
  const [sent] = await db.select({ status: items.status, extra: items.extraAnswers, answers: items.submittedCount }).from(items).where(eq(items.id, idOf("dm-1")));
  expect(sent).toMatchObject({ status: "open" });
  // The project keeps the default overlap of 1: the item now wants 1 + extra ≥ its answers + 2.
  expect(sent!.extra + 1).toBeGreaterThanOrEqual(sent!.answers + 2);

  // Delete two after a confirmation that names the count.
  await page.getByRole("checkbox", { name: "Select all on this page" }).check();
  await expect(page.getByText("6 selected")).toBeVisible();
  await page.getByRole("checkbox", { name: "Select all on this page" }).uncheck();
  await page.getByRole("checkbox", { name: `Select item ${idOf("dm-5")}` }).check();
  await page.getByRole("checkbox", { name: `Select item ${idOf("dm-2")}` }).check();
  await page.getByText("Delete…").click();
  await expect(page.getByText("Delete 2 items with their answers, suggestions and consensus? This cannot be undone.")).toBeVisible();
  await page.getByRole("button", { name: "Yes, delete 2 items" }).click();
  await expect(page.getByRole("status").filter({ hasText: "2 items deleted." })).toBeVisible();
  await expect(page.getByText("4 items match")).toBeVisible();
  const left = await db.select({ id: items.id }).from(items).where(inArray(items.id, [idOf("dm-5"), idOf("dm-2")]));
  expect(left).toEqual([]);
  const deletes = await db.select({ data: auditLog.data }).from(auditLog).where(and(eq(auditLog.action, "items.bulk_delete"), eq(auditLog.targetId, project.id)));
  expect(deletes.map((d) => d.data.count)).toEqual([2]);

  // The item page: input, outputs with their model, the answer by its reviewer, and the history.
  await page.getByRole("link", { name: `Item ${idOf("dm-0")}` }).click();
  await expect(page.getByRole("heading", { level: 1, name: `Item ${idOf("dm-0")} · dm-0` })).toBeVisible();
  await expect(page.getByText("Tell me about a volcano")).toBeVisible();
  await expect(page.getByText("Output 1 · gpt-even")).toBeVisible();
  const answers = page.locator("section", { has: page.getByRole("heading", { name: "Answers" }) });
  await expect(answers.getByRole("row", { name: new RegExp(reviewer.name) })).toContainText("Quality: 4");
  const history = page.locator("section", { has: page.getByRole("heading", { name: "History" }) });
  await expect(history.getByRole("listitem").filter({ hasText: "imported" })).toContainText("source: upload");
  await expect(history.getByRole("listitem").filter({ hasText: "submitted" })).toContainText(`by ${reviewer.name}`);
  await page.getByRole("link", { name: "Next item →" }).click();
  await expect(page.getByRole("heading", { level: 1, name: `Item ${idOf("dm-1")} · dm-1` })).toBeVisible();
  const changed = page.locator("section", { has: page.getByRole("heading", { name: "History" }) }).getByRole("listitem").filter({ hasText: "priority changed" });
  await expect(changed).toContainText(`by ${manager.name}`);
  await expect(changed).toContainText("priority: 70");
  expect((await db.execute<{ n: number }>(sql`select count(*)::int as n from items where project_id = ${project.id}`))[0]!.n).toBe(4);
});
