import { classifierModels } from "~db/schema";
import { saveClassifierSettings } from "~/modules/classifier/settings.server";
import { classificationReport } from "~/modules/stats/classification";
import { expect, test } from "./support/review-fixtures";

const intents = ["billing", "shipping", "other"] as const;
const question = { key: "intent", kind: "choice" as const, text: "Intent", options: intents.map((value) => ({ value })) };

test("a manager reads the distillation report from the classifier page, sets the reviewers' hourly rate and freezes the labels as a dataset; a reviewer is refused", async ({
  page,
  db,
  loginAs,
  reviewProject,
}) => {
  const gold = Array.from({ length: 12 }, (_, i) => ({ input: `request ${i} about ${intents[i % 3]}`, outputs: [], gold: { intent: intents[i % 3]! } }));
  const { project, manager, reviewer } = await reviewProject({ template: [question], items: gold });
  await saveClassifierSettings(db, manager.actor, project.id, { questionKey: "intent" });
  // A ready model with a known evaluation (12 of 20 held-out labels right), as training would leave it.
  const confusion = { labels: [...intents], counts: [[4, 1, 1], [1, 4, 2], [2, 1, 4]], n: 20 };
  await db.insert(classifierModels).values({
    projectId: project.id,
    questionKey: "intent",
    version: 1,
    state: "ready",
    labelCount: 100,
    predicted: 10,
    predictMs: 20,
    evaluation: {
      labelCount: 100,
      trainCount: 80,
      testCount: 20,
      method: "holdout",
      confusion,
      report: classificationReport(confusion),
      learningCurve: [8, 20, 40, 80].map((labels, i) => ({ share: [0.1, 0.25, 0.5, 1][i]!, labels, accuracy: 0.9 - 2 / Math.sqrt(labels), macroF1: 0 })),
      reliability: [],
      expectedCalibrationError: 0,
    },
  });

  await loginAs(page, manager);
  await page.goto(`/projects/${project.id}/classifier`);
  await page.getByRole("link", { name: "Can it replace the LLM judge?" }).click();
  await expect(page.getByRole("heading", { name: "Distillation readiness", level: 1 })).toBeVisible();
  // No judge has answered anything: nothing to distil from, and the page says why.
  await expect(page.getByTestId("verdict")).toHaveText("Cannot say yet");
  await expect(page.getByText("No LLM judge has answered items people resolved")).toBeVisible();
  const classifierRow = page.getByRole("table").first().getByRole("row", { name: /classifier v1/ });
  await expect(classifierRow).toContainText("60.0% (38.7%–78.1%)");
  await expect(classifierRow).toContainText("$0.00");
  await expect(classifierRow).toContainText("2.00 ms");

  await page.getByLabel("Reviewer hourly rate (USD)").fill("42.5");
  await page.getByRole("button", { name: "Save rate" }).click();
  await expect(page.getByText("Hourly rate saved.")).toBeVisible();
  await expect(page.getByLabel("Reviewer hourly rate (USD)")).toHaveValue("42.5");

  await page.getByRole("button", { name: "Freeze the labels as a dataset" }).click();
  await expect(page).toHaveURL(new RegExp(`/projects/${project.id}/datasets/[0-9a-f-]{36}$`));
  await expect(page.getByRole("heading", { level: 1, name: /Labels of intent/ })).toBeVisible();

  await loginAs(page, reviewer);
  await page.goto(`/projects/${project.id}/distillation`);
  await expect(page.getByText("Only managers and engineers can train and configure the classifier.")).toBeVisible();
});
