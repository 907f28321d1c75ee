import { readFile } from "node:fs/promises";
import { and, eq } from "drizzle-orm";
import { codings, feedback, feedbackCoded } from "~db/schema";
import { createTheme } from "~/modules/research/themes.server";
import { expect, test } from "./fixtures";

test.describe.configure({ mode: "parallel" });

async function seed(db: Parameters<Parameters<typeof test>[2]>[0]["db"], projectId: string) {
  const rows = await db
    .insert(feedback)
    .values([
      {
        projectId,
        comment: "Older: the tone felt rude",
        userId: "dana@example.com",
        segment: "free",
        model: "m-1",
        scoreKind: "thumbs",
        score: 0,
        occurredAt: new Date("2026-11-01T10:00:00Z"),
      },
      {
        projectId,
        comment: "=cmd|' /C calc'!A0 answers are slow but accurate",
        userId: "erin@example.com",
        segment: "pro",
        model: "m-2",
        scoreKind: "stars",
        score: 2,
        occurredAt: new Date("2026-11-02T10:00:00Z"),
      },
    ])
    .returning({ id: feedback.id });
  return rows.map((r) => r.id) as [number, number];
}

test("a researcher codes a comment with the mouse (two themes, a memo, a selected quote), then the next one with the keyboard only", async ({
  page,
  db,
  makeUser,
  makeProject,
  loginAs,
}) => {
  const manager = await makeUser({ name: "Manager" });
  const researcher = await makeUser({ name: "Rhea" });
  const project = await makeProject(manager, [{ user: researcher, role: "researcher" }]);
  const [older, newer] = await seed(db, project.id);
  const speed = await createTheme(db, researcher.actor, project.id, {
    name: "Speed",
  });
  const accuracy = await createTheme(db, researcher.actor, project.id, {
    name: "Accuracy",
  });
  const tone = await createTheme(db, researcher.actor, project.id, {
    name: "Tone",
  });

  await loginAs(page, researcher);
  await page.goto(`/projects/${project.id}/feedback`);
  await expect(page.getByTestId("match-count")).toHaveText("2");
  await page.getByRole("link", { name: /answers are slow/ }).click();
  const panel = page.getByRole("article");
  await panel.getByRole("checkbox", { name: "Speed" }).click();
  await expect(panel.getByRole("checkbox", { name: "Speed" })).toBeChecked();
  await panel.getByRole("checkbox", { name: "Accuracy" }).click();
  await expect(panel.getByRole("checkbox", { name: "Accuracy" })).toBeChecked();

  // Select "slow" in the comment with the mouse and make it the quote of Speed.
  const text = page.getByTestId("comment-text");
  const box = await text.evaluate((el) => {
    const node = el.querySelector("span")!.firstChild!;
    const at = node.textContent!.indexOf("slow");
    const range = document.createRange();
    range.setStart(node, at);
    range.setEnd(node, at + 4);
    const r = range.getBoundingClientRect();
    return { left: r.left, right: r.right, y: r.top + r.height / 2 };
  });
  await page.mouse.move(box.left + 1, box.y);
  await page.mouse.down();
  await page.mouse.move(box.right - 1, box.y, { steps: 5 });
  await page.mouse.up();
  await expect(panel.getByText("Selected: “slow”")).toBeVisible();
  await panel.getByLabel("Quote for").selectOption({ label: "Speed" });
  await panel.getByRole("button", { name: "Set quote" }).click();
  await expect(text.locator("mark")).toHaveText("slow");

  await panel.getByLabel("Memo for theme").selectOption({ label: "Speed" });
  await panel.getByLabel(/^Memo for Speed/).fill("Latency complaint");
  await panel.getByRole("button", { name: "Save memo" }).click();
  await expect
    .poll(
      async () =>
        (
          await db
            .select()
            .from(codings)
            .where(and(eq(codings.feedbackId, newer), eq(codings.themeId, speed.id)))
        )[0]?.memo
    )
    .toBe("Latency complaint");
  const [coding] = await db
    .select()
    .from(codings)
    .where(and(eq(codings.feedbackId, newer), eq(codings.themeId, speed.id)));
  const comment = "=cmd|' /C calc'!A0 answers are slow but accurate";
  expect(comment.slice(coding!.quoteStart!, coding!.quoteEnd!)).toBe("slow");
  expect((await db.select().from(codings).where(eq(codings.feedbackId, newer))).map((c) => c.themeId).sort()).toEqual([speed.id, accuracy.id].sort());

  // Keyboard only from here: x marks it coded and opens the next; 3 toggles Tone; e writes a memo; Ctrl+Enter saves; x again.
  await page.getByRole("button", { name: "Save memo" }).focus();
  await page.keyboard.press("x");
  await expect(page).toHaveURL(new RegExp(`open=${older}`));
  await expect(page.getByRole("heading", { name: `Comment ${older}` })).toBeVisible();
  await page.keyboard.press("3");
  await expect(page.getByRole("checkbox", { name: "Tone" })).toBeChecked();
  await page.keyboard.press("e");
  await expect(page.getByLabel(/^Memo for Tone/)).toBeFocused();
  await page.keyboard.type("Rude wording");
  await page.keyboard.press("Control+Enter");
  await expect
    .poll(
      async () =>
        (
          await db
            .select()
            .from(codings)
            .where(and(eq(codings.feedbackId, older), eq(codings.themeId, tone.id)))
        )[0]?.memo
    )
    .toBe("Rude wording");
  await page.keyboard.press("Escape");
  await page.keyboard.press("x");
  await expect
    .poll(async () => (await db.select().from(feedbackCoded).where(eq(feedbackCoded.coderId, researcher.id))).map((r) => r.feedbackId).sort())
    .toEqual([older, newer].sort());

  // "/" goes to the search; a typo still finds, and the match is marked.
  await page.keyboard.press("/");
  await expect(page.getByLabel("Search")).toBeFocused();
  await page.keyboard.type("rudee");
  await page.keyboard.press("Enter");
  await expect(page.getByTestId("match-count")).toHaveText("1");
  await expect(page.locator("ol mark")).toHaveText("rude");
  await page.keyboard.press("?");
  await expect(page.getByRole("dialog", { name: "Keyboard" })).toBeVisible();
});

test("a researcher merges two themes on the codebook page and sees the counts", async ({ page, db, makeUser, makeProject, loginAs }) => {
  const researcher = await makeUser({ name: "Rhea" });
  const project = await makeProject(await makeUser({ name: "M" }), [{ user: researcher, role: "researcher" }]);
  const [older, newer] = await seed(db, project.id);
  const bugs = await createTheme(db, researcher.actor, project.id, {
    name: "Bugs",
  });
  const errors = await createTheme(db, researcher.actor, project.id, {
    name: "Errors",
  });
  await db.insert(codings).values([
    {
      feedbackId: older,
      themeId: bugs.id,
      coderId: researcher.id,
      projectId: project.id,
      memo: "a",
    },
    {
      feedbackId: newer,
      themeId: bugs.id,
      coderId: researcher.id,
      projectId: project.id,
      memo: "b",
    },
    {
      feedbackId: newer,
      themeId: errors.id,
      coderId: researcher.id,
      projectId: project.id,
      memo: "c",
    },
  ]);
  await loginAs(page, researcher);
  await page.goto(`/projects/${project.id}/feedback/themes`);
  await expect(page.getByTestId("theme-Bugs").getByTestId("comments")).toHaveText("2");
  await expect(page.getByTestId("theme-Errors").getByTestId("comments")).toHaveText("1");
  await page.getByTestId("theme-Bugs").locator("summary", { hasText: "Merge" }).click();
  await page.getByLabel("Merge “Bugs” into").selectOption({ label: "Errors" });
  await page.getByTestId("theme-Bugs").getByRole("button", { name: "Merge" }).click();
  await expect(page.getByText("Merged: 2 codings moved.")).toBeVisible();
  await expect(page.getByTestId("theme-Bugs")).toHaveCount(0);
  await expect(page.getByTestId("theme-Errors").getByTestId("comments")).toHaveText("2");
  await expect(page.getByTestId("theme-Errors").getByTestId("codings")).toHaveText("2");
  // a second theme of the same name in another case is refused with a clear message
  await page.getByRole("textbox", { name: "Name" }).last().fill("errors");
  await page.getByRole("button", { name: "Add theme" }).click();
  await expect(page.getByText('A theme named "errors" already exists in this project')).toBeVisible();
});

test("a researcher builds a quote set from the inbox and downloads it as CSV and Markdown", async ({ page, db, makeUser, makeProject, loginAs }) => {
  const researcher = await makeUser({ name: "Rhea" });
  const project = await makeProject(await makeUser({ name: "M" }), [{ user: researcher, role: "researcher" }]);
  const [older, newer] = await seed(db, project.id);
  await loginAs(page, researcher);
  await page.goto(`/projects/${project.id}/feedback/quotes`);
  await page.getByLabel("Name").fill("Board <b>deck</b>");
  await page.getByRole("button", { name: "Create quote set" }).click();
  await expect(page.getByRole("heading", { name: "Board <b>deck</b>" })).toBeVisible();

  await page.goto(`/projects/${project.id}/feedback?open=${newer}`);
  await page.keyboard.press("q");
  await page.getByRole("link", { name: /tone felt rude/ }).click();
  await expect(page.getByRole("heading", { name: `Comment ${older}` })).toBeVisible();
  await page.getByRole("button", { name: "Add to Board <b>deck</b>" }).click();

  await page.goto(`/projects/${project.id}/feedback/quotes`);
  await page.getByRole("link", { name: "Board <b>deck</b>" }).click();
  await expect(page.getByTestId("quote")).toHaveCount(2);
  await page.getByTestId("quote").first().getByLabel("Note").fill("+1 from sales");
  await page.getByTestId("quote").first().getByRole("button", { name: "Save note" }).click();
  await expect(page.getByTestId("quote").first().getByLabel("Note")).toHaveValue("+1 from sales");

  const [csvDownload] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Download CSV" }).click()]);
  expect(csvDownload.suggestedFilename()).toBe("board-b-deck-b.csv");
  const csv = await readFile((await csvDownload.path())!, "utf8");
  const lines = csv.split("\r\n");
  expect(lines[0]).toBe('"position","quote","note","attribution","score","segment","model","date"');
  expect(lines[1]).toMatch(/^"1","'=cmd\|' \/C calc'!A0 answers are slow but accurate","'\+1 from sales","User [0-9a-f]{6}","2\/5","pro","m-2","2026-11-02"$/);
  expect(lines[2]).toMatch(/^"2","Older: the tone felt rude","","User [0-9a-f]{6}","thumbs down","free","m-1","2026-11-01"$/);
  expect(csv).not.toMatch(/dana|erin/);

  const [mdDownload] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Download Markdown" }).click()]);
  const md = await readFile((await mdDownload.path())!, "utf8");
  expect(md.split("\n").slice(0, 3)).toEqual(["# Board \\<b\\>deck\\<\\/b\\>", "", "> \\=cmd\\|\\' \\/C calc\\'\\!A0 answers are slow but accurate"]);
  expect(md).toMatch(/> — User [0-9a-f]{6}\\, 2\\\/5\\, segment pro\\, model m\\-2\\, 2026\\-11\\-02\n\nNote: \\\+1 from sales/);
  expect(md).not.toMatch(/<b>|dana|erin/);
});
