import { readFile } from "node:fs/promises";
import { addItems } from "~/modules/items/add-items.server";
import { addMember } from "~/modules/projects/add-member.server";
import { updateProjectSettings } from "~/modules/projects/update-settings.server";
import { submitAnnotation } from "~/modules/review/submit-annotation.server";
import { saveTemplate } from "~/modules/templates/save-template.server";
import { expect, test } from "./fixtures";
import { expectEveryControlDrawn } from "./support/controls";

const HOSTILE = "<img src=x onerror=alert(1)>";

type Deps = Pick<Parameters<Parameters<typeof test>[2]>[0], "db" | "makeUser" | "makeProject">;

/** Two reviewers' thumbs and pairwise answers on items comparing alpha, beta and gamma; one item's lang is hostile markup. */
async function setUp({ db, makeUser, makeProject }: Deps) {
  const manager = await makeUser({ name: "Manager" });
  const reviewers = [await makeUser({ name: "Ada" }), await makeUser({ name: "Ben" })];
  const project = await makeProject(manager, reviewers.map((user) => ({ user, role: "reviewer" as const })));
  await saveTemplate(db, manager.actor, project.id, {
    questions: [
      { key: "ok", kind: "thumbs", text: "Acceptable?" },
      { key: "pick", kind: "pairwise", text: "Which is better?" },
    ],
  });
  await updateProjectSettings(db, manager.actor, project.id, { overlap: 2 });
  const { ids } = await addItems(db, manager.actor, project.id, [
    { input: "Q0", outputs: [{ text: "a", model: "alpha" }, { text: "b", model: "beta" }], metadata: { lang: "en" } },
    { input: "Q1", outputs: [{ text: "b", model: "beta" }, { text: "c", model: "gamma" }], metadata: { lang: HOSTILE } },
  ]);
  const answers = [
    [{ ok: "up", pick: { winner: 0, shown: [0, 1] } }, { ok: "up", pick: { winner: 1, shown: [1, 0] } }],
    [{ ok: "down", pick: { winner: 1, shown: [0, 1] } }, { ok: "up", pick: { winner: 0, shown: [1, 0] } }],
  ];
  for (const [i, pair] of answers.entries()) {
    for (const [r, values] of pair.entries()) await submitAnnotation(db, reviewers[r]!.actor, { itemId: ids[i]!, values, idempotencyKey: `e2e-insight-${ids[i]}-${r}` });
  }
  return { manager, reviewers, project };
}

test("A manager opens the dashboards, groups by a metadata field, reads the leaderboard and downloads a table as CSV", async ({ page, db, makeUser, makeProject, loginAs }) => {
  const { manager, project } = await setUp({ db, makeUser, makeProject });
  const dialogs: string[] = [];
  page.on("dialog", (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });

  await loginAs(page, manager);
  await page.goto(`/projects/${project.id}`);
  await page.getByRole("link", { name: "Dashboards", exact: true }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Dashboards" })).toBeVisible();
  await expect(page.getByRole("table", { name: "Items and answers by model" })).toContainText("alpha");
  await expectEveryControlDrawn(page);

  await page.getByLabel("Group by", { exact: true }).selectOption("metadata");
  await page.getByLabel("Metadata field to group by").fill("lang");
  await page.getByRole("button", { name: "Show" }).click();
  const groups = page.getByRole("table", { name: "Items and answers by lang" });
  await expect(groups.getByRole("rowheader", { name: HOSTILE })).toBeVisible();
  await expect(groups.getByRole("rowheader", { name: "en" })).toBeVisible();
  await expect(page).toHaveURL(/groupBy=metadata&groupField=lang/);

  const board = page.getByRole("table", { name: /Leaderboard: Bradley–Terry/ });
  await expect(board.getByRole("row")).toHaveCount(4);
  await expect(board).toContainText("gamma");
  await expect(page.getByRole("table", { name: /win \/ tie \/ loss/ })).toContainText("alpha");
  // Charts are drawn on the server: an SVG per figure by group and for the leaderboard; the hostile label is text in it.
  const leaderboardChart = page.locator('[data-chart="leaderboard:pick"] img');
  await expect(leaderboardChart).toBeVisible();
  // The SVG image decoded and drew (the page's CSP allows data: images, and the SVG is well formed).
  await expect.poll(() => leaderboardChart.evaluate((img: HTMLImageElement) => (img.complete ? img.naturalWidth : 0))).toBeGreaterThan(0);
  const src = (await page.locator('[data-chart="figure:thumbs:ok"] img').getAttribute("src")) ?? "";
  const svg = decodeURIComponent(src.replace(/^data:image\/svg\+xml;charset=utf-8,/, ""));
  expect(svg).toContain("&lt;img src=x onerror=alert(1)&gt;");
  expect(svg).not.toContain(HOSTILE);
  // No element came from the hostile label: the only images are the charts.
  await expect(page.locator("img:not([data-chart-image])")).toHaveCount(0);

  const downloading = page.waitForEvent("download");
  await page.getByRole("link", { name: /Download “Leaderboard/ }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toBe("insight-leaderboard.csv");
  const csv = await readFile((await download.path())!, "utf8");
  expect(csv.split("\r\n")[0]).toBe(`"Question","Rank","Model","Strength","95% low","95% high","Rank 95% interval"`);
  expect(csv).toContain(`"pick","1",`);
  expect(dialogs).toEqual([]);
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("an engineer asks for weekly series and segments through the plain GET form and gets tables and server-drawn charts; a reviewer is refused", async ({ page, db, makeUser, makeProject, loginAs }) => {
    const { manager, reviewers, project } = await setUp({ db, makeUser, makeProject });
    const engineer = await makeUser({ name: "Engineer" });
    await addMember(db, manager.actor, project.id, { email: engineer.email, role: "engineer" });

    await loginAs(page, engineer);
    await page.goto(`/projects/${project.id}/insight`);
    await page.getByLabel("Over time").selectOption("week");
    await page.getByLabel("Segment by metadata field").fill("lang");
    await page.getByLabel("Fewest answers to compare a segment").fill("2");
    await page.getByRole("button", { name: "Show" }).click();
    await expect(page).toHaveURL(/interval=week/);
    await expect(page.getByRole("table", { name: /Over time, per week/ })).toContainText("All");
    const segments = page.getByRole("table", { name: /Segments by lang/ });
    await expect(segments.getByRole("rowheader").first()).toBeVisible();
    await expect(segments).toContainText(HOSTILE);
    await expect(page.locator('[data-chart="timeline:thumbs:ok"] img')).toBeVisible();

    await page.context().clearCookies();
    await loginAs(page, reviewers[0]!);
    const refused = await page.goto(`/projects/${project.id}/insight`);
    expect(refused!.status()).toBe(403);
  });
});
