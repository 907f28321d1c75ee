import fs from "node:fs";
import { addItems } from "~/modules/items/add-items.server";
import { addMember } from "~/modules/projects/add-member.server";
import { updateProjectSettings } from "~/modules/projects/update-settings.server";
import { submitAnnotation } from "~/modules/review/submit-annotation.server";
import { saveTemplate } from "~/modules/templates/save-template.server";
import { refreshResolutions } from "~/modules/resolution/refresh-resolutions.server";
import { sqlOf } from "~/db.server";
import { expect, test } from "./fixtures";

test("Engineers build a dataset with a live count and preview, save a snapshot and download its export", async ({ page, db, makeUser, makeProject, loginAs }) => {
  // why: a whole story (setup through the verbs, builder, save, download) on a shared 2-core machine.
  test.slow();
  const manager = await makeUser({ name: "Manager" });
  const reviewer = await makeUser({ name: "Reviewer" });
  const engineer = await makeUser({ name: "Engineer" });
  const project = await makeProject(manager, [{ user: reviewer, role: "reviewer" }]);
  await addMember(db, manager.actor, project.id, { email: engineer.email, role: "engineer" });
  await saveTemplate(db, manager.actor, project.id, {
    questions: [
      { key: "quality", kind: "rating", text: "Quality", min: 1, max: 5 },
      { key: "intent", kind: "choice", text: "Intent", options: [{ value: "billing" }, { value: "shipping" }] },
    ],
  });
  await updateProjectSettings(db, manager.actor, project.id, { overlap: 1 });
  const answers = [
    { text: "Where is my parcel?", intent: "shipping", quality: 5 },
    { text: "Refund me, mail ada@example.com", intent: "billing", quality: 4 },
    { text: "=SUM(A1:A9) is my invoice total wrong?", intent: "billing", quality: 2 },
  ];
  const { ids } = await addItems(db, manager.actor, project.id, answers.map((a) => ({ input: a.text, outputs: [{ text: a.text }] })));
  for (const [i, a] of answers.entries()) {
    await submitAnnotation(db, reviewer.actor, { itemId: ids[i]!, values: { quality: a.quality, intent: a.intent }, idempotencyKey: `e2e-datasets-${ids[i]}` });
  }
  await refreshResolutions(db, project.id);

  await loginAs(page, engineer);
  await page.goto(`/projects/${project.id}`);
  await page.getByRole("link", { name: "Datasets" }).click();
  await page.getByRole("link", { name: "New dataset" }).first().click();
  await expect(page.getByRole("status", { name: "Live count" })).toContainText("3 items in the snapshot");
  await expect(page.getByText("Classification rows take each item's first output (all 3 matching items have one).")).toBeVisible();

  await page.getByLabel("Label question").selectOption("intent");
  await page.getByLabel("Label in").fill("billing");
  await page.getByLabel("Redact PII").check();
  // A single-choice template: the builder previews the classifier file first.
  await expect(page.getByLabel("Preview as")).toHaveValue("classification-csv");
  await expect(page.getByRole("status", { name: "Live count" })).toContainText("2 items in the snapshot");
  const preview = page.getByRole("table", { name: "Rows the export will contain" });
  await expect(preview.getByRole("row")).toHaveCount(3);
  await expect(preview).toContainText('"Refund me, mail [EMAIL]",billing,(at save)');
  await expect(preview).toContainText(`"'=SUM(A1:A9) is my invoice total wrong?",billing,(at save)`);

  await page.getByLabel("Dataset name").fill("Billing intents");
  await page.getByRole("button", { name: "Save snapshot" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Billing intents · v1" })).toBeVisible();
  await expect(page.getByRole("table", { name: "Rows per format" }).getByRole("row", { name: /Classification text,label,split/ })).toContainText("2");
  await expect(page.getByRole("region", { name: "Dataset card" })).toContainText("emails");

  // The page opens on the format the dataset was made for.
  await expect(page.getByLabel("Format", { exact: true })).toHaveValue("classification-csv");
  const downloading = page.waitForEvent("download");
  await page.getByRole("button", { name: "Download" }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toBe("billing-intents-v1-classification-csv.csv");
  const csv = fs.readFileSync((await download.path())!, "utf8");
  expect(csv.split("\r\n").slice(0, 1)).toEqual(["text,label,split"]);
  expect(csv).toContain("Refund me, mail [EMAIL]");
  expect(csv).not.toContain("ada@example.com");
  expect(csv).toMatch(/\r\n"'=SUM\(A1:A9\) is my invoice total wrong\?",billing,(train|validation|test)\r\n/);
  expect(csv.trim().split("\r\n")).toHaveLength(3);
});

test("A snapshot being built shows its progress, has nothing to download yet, and appears without a reload once built", async ({ page, db, makeUser, makeProject, loginAs }) => {
  test.slow();
  const manager = await makeUser({ name: "Manager" });
  const reviewer = await makeUser({ name: "Reviewer" });
  const project = await makeProject(manager, [{ user: reviewer, role: "reviewer" }]);
  await saveTemplate(db, manager.actor, project.id, { questions: [{ key: "intent", kind: "choice", text: "Intent", options: [{ value: "billing" }, { value: "shipping" }] }] });
  const texts = ["Where is my parcel?", "Refund me", "Invoice is wrong"];
  // A classification project: prompts, no outputs.
  const { ids } = await addItems(db, manager.actor, project.id, texts.map((text) => ({ input: text, outputs: [] })));
  for (const [i, id] of ids.entries()) await submitAnnotation(db, reviewer.actor, { itemId: id, values: { intent: i === 0 ? "shipping" : "billing" }, idempotencyKey: `e2e-build-${id}` });
  await refreshResolutions(db, project.id);

  await loginAs(page, manager);
  await page.goto(`/projects/${project.id}/datasets/new`);
  await expect(page.getByText("Classification rows take each item's prompt: none of the 3 matching items has an output.")).toBeVisible();
  // why: while this transaction holds dataset_lines, every build stops before its first line —
  // the page is caught mid-build for certain, however fast the machine.
  const blocker = await sqlOf(db).reserve();
  try {
    await blocker`begin`;
    await blocker`lock table dataset_lines in share mode`;
    await page.getByLabel("Dataset name").fill("Intents");
    await page.getByRole("button", { name: "Save snapshot" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Intents · v1" })).toBeVisible();
    await expect(page.getByRole("progressbar", { name: "Intents v1" })).toBeVisible();
    await expect(page.getByRole("button", { name: "Download" })).toHaveCount(0);
    await page.evaluate(() => Object.assign(window, { stillTheSamePage: true }));
  } finally {
    await blocker`rollback`;
    blocker.release();
  }
  await expect(page.getByRole("table", { name: "Rows per format" }).getByRole("row", { name: /Classification text,label,split/ })).toContainText("3");
  await expect(page.getByRole("progressbar")).toHaveCount(0);
  expect(await page.evaluate(() => (window as unknown as { stillTheSamePage?: boolean }).stillTheSamePage)).toBe(true);
  await page.getByRole("link", { name: /Datasets of/ }).click();
  await expect(page.getByRole("row", { name: /Intents/ })).toContainText("Ready");
});

test("Reviewers cannot reach a project's datasets", async ({ page, makeUser, makeProject, loginAs }) => {
  const manager = await makeUser({ name: "Manager" });
  const reviewer = await makeUser({ name: "Reviewer" });
  const project = await makeProject(manager, [{ user: reviewer, role: "reviewer" }]);
  await loginAs(page, reviewer);
  await page.goto(`/projects/${project.id}`);
  await expect(page.getByRole("link", { name: "Start reviewing" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Datasets" })).toHaveCount(0);
  const response = await page.goto(`/projects/${project.id}/datasets`);
  expect(response?.status()).toBe(403);
});
