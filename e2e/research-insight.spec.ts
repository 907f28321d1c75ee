import { eq } from "drizzle-orm";
import { codingSampleItems, codings, feedback, feedbackCoded, themeSuggestions, themes } from "~db/schema";
import { expect, test, type TestUser } from "./fixtures";

type Db = Parameters<Parameters<typeof test>[2]>[0]["db"];

async function research(db: Db, makeUser: (o?: { name?: string }) => Promise<TestUser>, makeProject: (m: TestUser, members: { user: TestUser; role: "researcher" }[]) => Promise<{ id: string }>) {
  const manager = await makeUser({ name: "Mia" });
  const ann = await makeUser({ name: "Ann" });
  const ben = await makeUser({ name: "Ben" });
  const project = await makeProject(manager, [
    { user: ann, role: "researcher" },
    { user: ben, role: "researcher" },
  ]);
  const [slow, wrong] = await db
    .insert(themes)
    .values([
      { projectId: project.id, name: "Slow", description: "Took too long.", position: 0 },
      { projectId: project.id, name: "Wrong answer", description: "Factually wrong.", position: 1 },
    ])
    .returning({ id: themes.id });
  const rows = Array.from({ length: 6 }, (_, i) => ({ projectId: project.id, comment: `It was slow, case ${i}`, model: i % 2 ? "beta" : "alpha", occurredAt: new Date(Date.UTC(2026, 10, 2 + i)) }));
  const ids = (await db.insert(feedback).values(rows).returning({ id: feedback.id })).map((r) => r.id);
  return { manager, ann, ben, project, slow: slow!.id, wrong: wrong!.id, ids };
}

async function code(db: Db, projectId: string, coderId: string, feedbackId: number, themeIds: string[]) {
  if (themeIds.length) await db.insert(codings).values(themeIds.map((themeId) => ({ projectId, coderId, feedbackId, themeId })));
  await db.insert(feedbackCoded).values({ projectId, coderId, feedbackId });
}

test("A researcher draws a sample for two coders and reads their agreement per theme, with its interpretation and disagreements", async ({ page, db, makeUser, makeProject, loginAs }) => {
  const f = await research(db, makeUser, makeProject);
  await loginAs(page, f.ann);
  await page.goto(`/projects/${f.project.id}/feedback/samples`);
  await page.getByLabel("Name").fill("Pilot week");
  await page.getByLabel("Number of comments").fill("6");
  await page.getByLabel("Seed").fill("5");
  await page.getByLabel(f.ann.name).check();
  await page.getByLabel(f.ben.name).check();
  await page.getByRole("button", { name: "Draw the sample" }).click();
  await expect(page.getByRole("heading", { name: "Agreement: Pilot week" })).toBeVisible();
  await expect(page.getByTestId("coders")).toContainText(`${f.ann.name}: 0 of 6 coded`);
  await expect(page.getByRole("link", { name: "Code this sample" })).toHaveAttribute("href", new RegExp(`/projects/${f.project.id}/feedback\\?sample=`));

  // The two coders code the sample (the inbox's work, written here directly): Ann Slow on the first three, Ben on 0, 1 and 3.
  const sampleId = page.url().split("/").pop()!;
  const drawn = (await db.select().from(codingSampleItems).where(eq(codingSampleItems.sampleId, sampleId)).orderBy(codingSampleItems.position)).map((r) => r.feedbackId);
  for (const [i, id] of drawn.entries()) {
    await code(db, f.project.id, f.ann.id, id, i <= 2 ? [f.slow] : []);
    await code(db, f.project.id, f.ben.id, id, i <= 1 || i === 3 ? [f.slow] : []);
  }
  await page.reload();
  const slowRow = page.locator('tr[data-theme="Slow"]');
  // κ = (4/6 − 1/2) / (1 − 1/2) = 1/3: "fair" on Landis & Koch's scale.
  await expect(slowRow.locator('[data-cell="kappa"]')).toContainText("0.333");
  await expect(slowRow.locator('[data-cell="kappa"]')).toContainText("fair");
  await expect(slowRow.locator('[data-cell="alpha"]')).toContainText("not reliable");
  await expect(page.locator('tr[data-theme="Wrong answer"] [data-cell="alpha"]')).toContainText("No coder used this theme");
  await slowRow.getByRole("link", { name: "2 comment(s)" }).click();
  await expect(page.getByRole("heading", { name: "Disagreements on “Slow”" })).toBeVisible();
  await expect(page.getByTestId("disagreements").getByRole("listitem")).toHaveCount(2);
});

test("The trends page shows a theme's share by model with its interval and links to the inbox", async ({ page, db, makeUser, makeProject, loginAs }) => {
  const f = await research(db, makeUser, makeProject);
  for (const [i, id] of f.ids.entries()) await code(db, f.project.id, f.ann.id, id, i < 5 ? [f.slow] : []);
  await loginAs(page, f.ben);
  await page.goto(`/projects/${f.project.id}/feedback/trends?groupBy=model&minCount=1`);
  const section = page.locator('[data-theme-trend="Slow"]');
  // alpha: 3 of 3 coded comments; beta: 2 of 3 (Wilson 95%: 20.8%–93.9%).
  await expect(section.locator('tr[data-group="alpha"]')).toContainText("100.0%");
  await expect(section.locator('tr[data-group="beta"]')).toContainText("66.7% (20.8%–93.9%)");
  await expect(section.locator('tr[data-group="beta"]').getByRole("link", { name: "2" })).toHaveAttribute("href", `/projects/${f.project.id}/feedback?theme=${f.slow}&model=beta`);
  await expect(section.locator("[data-chart-image]").first()).toBeVisible();
  await page.goto(`/projects/${f.project.id}/feedback/trends?groupBy=model`);
  await expect(page.locator('[data-theme-trend="Slow"] tr[data-group="beta"]')).toContainText("Too few coded comments to say (3; at least 30 needed).");
});

test("A pending LLM suggestion is seen with its quote and accepted with the keyboard", async ({ page, db, makeUser, makeProject, loginAs }) => {
  const f = await research(db, makeUser, makeProject);
  await db.insert(themeSuggestions).values([
    { projectId: f.project.id, feedbackId: f.ids[0]!, themeId: f.slow, source: "Stub / small", rationale: "Says slow.", quoteStart: 7, quoteEnd: 11 },
    { projectId: f.project.id, feedbackId: f.ids[1]!, themeId: f.wrong, source: "Stub / small", rationale: "Hmm.", quoteStart: 0, quoteEnd: 2 },
  ]);
  await loginAs(page, f.ann);
  await page.goto(`/projects/${f.project.id}/feedback/suggestions`);
  const first = page.locator('li[aria-current="true"]');
  await expect(first.locator("mark")).toHaveText("slow");
  await expect(first.getByTestId("suggested-theme")).toHaveText("Slow");
  await expect(page.locator('ol[data-keys-ready="true"]')).toBeVisible();
  await page.keyboard.press("j");
  await expect(page.locator('li[aria-current="true"]').getByTestId("suggested-theme")).toHaveText("Wrong answer");
  await page.keyboard.press("k");
  await expect(page.locator('li[aria-current="true"]').getByTestId("suggested-theme")).toHaveText("Slow");
  await page.keyboard.press("a");
  await expect(page.getByText("Accepted: the comment is coded with the theme.")).toBeVisible();
  await expect(page.getByRole("heading", { name: "Pending (1)" })).toBeVisible();
  await expect(page.locator('ol[data-keys-ready="true"]')).toBeVisible();
  const coded = await db.select().from(codings).where(eq(codings.feedbackId, f.ids[0]!));
  expect(coded.map((c) => [c.themeId, c.coderId, c.origin, c.quoteStart, c.quoteEnd])).toEqual([[f.slow, f.ann.id, "llm", 7, 11]]);
  await page.keyboard.press("r");
  await expect(page.getByText("Rejected.")).toBeVisible();
  await expect(page.getByText("No pending suggestion.")).toBeVisible();
});
