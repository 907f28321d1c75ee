import { eq, sql } from "drizzle-orm";
import { imports, items } from "~db/schema";
import { expect, test } from "./fixtures";

const HOSTILE = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>';
const rows = [
  { input: "What is the capital of France?", outputs: [{ text: "Paris.", model: "m1" }], externalId: "geo-1" },
  { input: "Broken row without outputs" },
  { input: HOSTILE, outputs: [{ text: `=cmd|' /C calc'!A0 ${HOSTILE}`, model: "m1" }], externalId: "hostile-1" },
];
const jsonl = rows.map((r) => JSON.stringify(r)).join("\n") + "\n";

test.describe("Engineers import files from the project page", () => {
  test("an engineer previews a JSONL file, imports it, and finds the summary and the rejected rows after a reload", async ({ page, makeUser, makeProject, loginAs, db }) => {
    const manager = await makeUser({ name: "Manager" });
    const engineer = await makeUser({ name: "Engineer" });
    const project = await makeProject(manager, [{ user: engineer, role: "engineer" }]);
    await loginAs(page, engineer);
    const dialogs: string[] = [];
    page.on("dialog", (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });

    await page.goto(`/projects/${project.id}`);
    await page.getByRole("link", { name: "Import items" }).click();
    await expect(page.getByRole("heading", { name: "Import items" })).toBeVisible();
    await page.getByLabel("File", { exact: true }).setInputFiles({ name: "answers.jsonl", mimeType: "application/x-ndjson", buffer: Buffer.from(jsonl) });

    const preview = page.getByRole("region", { name: "Preview" });
    await expect(preview.getByRole("status")).toHaveText("Read as JSONL. 2 of the first 3 rows would import.");
    await expect(preview.getByRole("row", { name: /^2 / })).toContainText('Rejected: "outputs" is missing');
    // Markup in a row is shown as the text it is, never run.
    await expect(preview.getByRole("row", { name: /^3 / })).toContainText(HOSTILE);
    await expect(preview.locator("img, script")).toHaveCount(0);

    await page.getByRole("button", { name: "Import" }).click();
    await expect(page).toHaveURL(new RegExp(`/projects/${project.id}#imports$`));
    const imported = page.getByRole("listitem", { name: "Import of answers.jsonl" });
    await expect(imported).toContainText("Done. 3 received: 2 inserted, 1 rejected.");
    await page.reload();
    await expect(imported).toContainText("Done. 3 received: 2 inserted, 1 rejected.");
    await expect(page.getByRole("region", { name: "Progress" })).toContainText("0 of 2 items done");

    const download = page.waitForEvent("download");
    await imported.getByRole("link", { name: /rejected rows/ }).click();
    const file = await (await download).path();
    const csv = (await import("node:fs")).readFileSync(file, "utf8");
    expect(csv).toBe('"line","field","message"\r\n"2","outputs","""outputs"" is missing"\r\n');

    const stored = await db.select({ input: items.input, outputs: items.outputs }).from(items).where(eq(items.projectId, project.id)).orderBy(items.id);
    expect(stored[1]).toEqual({ input: { type: "text", text: HOSTILE }, outputs: [{ text: `=cmd|' /C calc'!A0 ${HOSTILE}`, model: "m1" }] });
    expect(dialogs).toEqual([]);
    expect(await page.evaluate(() => (window as { __pwned?: number }).__pwned)).toBeUndefined();
  });

  test("a preset is suggested from the rows, and a second model's answers join the items they match", async ({ page, makeUser, makeProject, loginAs, db }) => {
    const manager = await makeUser();
    const project = await makeProject(manager);
    await loginAs(page, manager);
    const first = [
      { instruction: "Name a prime number.", output: "7", generator: "model-a" },
      { instruction: "Name a colour.", output: "Blue", generator: "model-a" },
    ];
    const second = [
      { instruction: "Name a prime number.", output: "Eleven", generator: "model-b" },
      { instruction: "Not asked before.", output: "?", generator: "model-b" },
    ];
    await page.goto(`/projects/${project.id}/import`);
    await page.getByLabel("File", { exact: true }).setInputFiles({ name: "model-a.json", mimeType: "application/json", buffer: Buffer.from(JSON.stringify(first, null, 2)) });
    await expect(page.getByLabel("Format")).toHaveValue("alpaca-eval");
    await expect(page.getByRole("region", { name: "Preview" }).getByRole("status")).toHaveText("Read as JSON; the rows look like alpaca-eval. 2 of the first 2 rows would import.");
    await page.getByRole("button", { name: "Import" }).click();
    await expect(page.getByRole("listitem", { name: "Import of model-a.json" })).toContainText("Done. 2 received: 2 inserted, 0 rejected.");

    await page.getByRole("link", { name: "Import items" }).click();
    await page.getByLabel("File", { exact: true }).setInputFiles({ name: "model-b.json", mimeType: "application/json", buffer: Buffer.from(JSON.stringify(second)) });
    await expect(page.getByLabel("Format")).toHaveValue("alpaca-eval");
    await page.getByLabel("More outputs for items already here").check();
    await page.getByRole("button", { name: "Import" }).click();
    await expect(page.getByRole("listitem", { name: "Import of model-b.json" })).toContainText("Done. 2 received: 1 matched (1 outputs added), 1 not matched, 0 rejected.");
    const stored = await db.select({ outputs: items.outputs }).from(items).where(eq(items.projectId, project.id)).orderBy(items.id);
    expect(stored.map((s) => s.outputs)).toEqual([
      [
        { text: "7", model: "model-a" },
        { text: "Eleven", model: "model-b" },
      ],
      [{ text: "Blue", model: "model-a" }],
    ]);
  });

  test("a large file runs as a background job: its progress bar survives a reload, then the summary shows and the Progress panel follows", async ({ page, makeUser, makeProject, loginAs, db }) => {
    test.setTimeout(120_000);
    const manager = await makeUser();
    const project = await makeProject(manager);
    await loginAs(page, manager);
    const count = 60_000;
    const big = Array.from({ length: count }, (_, i) => JSON.stringify({ input: `Background prompt ${i} ${"lorem ipsum ".repeat(6)}`, outputs: [{ text: `Answer ${i}` }] })).join("\n");
    expect(big.length).toBeGreaterThan(4 * 1024 * 1024);

    await page.goto(`/projects/${project.id}/import`);
    await page.getByLabel("File", { exact: true }).setInputFiles({ name: "big.jsonl", mimeType: "application/x-ndjson", buffer: Buffer.from(big) });
    await page.getByRole("button", { name: "Import" }).click();
    await expect(page).toHaveURL(new RegExp(`/projects/${project.id}#imports$`));

    // Hold the import between two batches (its writes take this lock), so the reload sees it mid-way.
    const progressed = async () => (await db.select({ n: imports.inserted }).from(imports).where(eq(imports.projectId, project.id)))[0]?.n ?? 0;
    await expect.poll(progressed, { timeout: 60_000 }).toBeGreaterThan(0);
    await db.transaction(async (tx) => {
      await tx.execute(sql`select pg_advisory_xact_lock(731104291, hashtext(${project.id}))`);
      await page.reload();
      const bar = page.getByRole("progressbar", { name: "Importing big.jsonl" });
      await expect(bar).toBeVisible();
      expect(Number(await bar.getAttribute("aria-valuenow"))).toBeGreaterThan(0);
      await expect(bar).toHaveAttribute("aria-valuetext", /^[\d.]+ [KM]B of [\d.]+ MB · [\d,]+ rows · [\d,]+ rows\/s/);
    });
    await expect(page.getByRole("listitem", { name: "Import of big.jsonl" })).toContainText(`Done. 60,000 received: 60,000 inserted, 0 rejected.`, { timeout: 90_000 });
    // The Progress panel, drawn when part of the file was in, follows the import to its end without a reload.
    await expect(page.getByRole("region", { name: "Progress" })).toContainText("0 of 60,000 items done (0%).");
    const [row] = await db.select().from(imports).where(eq(imports.projectId, project.id));
    expect(row).toMatchObject({ state: "succeeded", inserted: count, filePath: null });
  });

  test("rows holding a NUL character are rejected with their line and field and the good rows go in; a NUL in the file's name is dropped", async ({ page, makeUser, makeProject, loginAs, db, baseURL }) => {
    const manager = await makeUser();
    const project = await makeProject(manager);
    await loginAs(page, manager);
    const file = Buffer.from(
      [
        '{"input": "First", "outputs": [{"text": "Fine"}]}',
        '{"input": "Second", "outputs": [{"text": "A \\u0000 inside"}]}',
        '{"input": "Third", "outputs": [{"text": "Fine"}], "metadata": {"note": "\\u0000"}}',
        '{"input": "Fourth", "outputs": [{"text": "Fine"}]}',
      ].join("\n"),
    );
    await page.goto(`/projects/${project.id}/import`);
    await page.getByLabel("File", { exact: true }).setInputFiles({ name: "nul.jsonl", mimeType: "application/x-ndjson", buffer: file });
    await page.getByRole("button", { name: "Import" }).click();
    const imported = page.getByRole("listitem", { name: "Import of nul.jsonl" });
    await expect(imported).toContainText("Done. 4 received: 2 inserted, 2 rejected.");
    const download = page.waitForEvent("download");
    await imported.getByRole("link", { name: /rejected rows/ }).click();
    const csv = (await import("node:fs")).readFileSync(await (await download).path(), "utf8");
    expect(csv).toBe(
      '"line","field","message"\r\n' +
        '"2","outputs.0.text","""outputs.0.text"": text cannot contain the NUL character (\\u0000)"\r\n' +
        '"3","metadata.note","""metadata.note"": text cannot contain the NUL character (\\u0000)"\r\n',
    );
    const stored = await db.select({ input: items.input }).from(items).where(eq(items.projectId, project.id)).orderBy(items.id);
    expect(stored.map((s) => s.input)).toEqual([
      { type: "text", text: "First" },
      { type: "text", text: "Fourth" },
    ]);

    const token = await page.locator('input[name="_csrf"]').first().getAttribute("value");
    const response = await page.request.post(`/projects/${project.id}/imports`, {
      headers: { origin: new URL(baseURL!).origin, accept: "application/json", "x-csrf-token": token ?? "" },
      multipart: { file: { name: "bad\u0000name.jsonl", mimeType: "application/x-ndjson", buffer: file } },
    });
    expect(response.status()).toBe(200);
    const [named] = await db.select({ fileName: imports.fileName }).from(imports).where(eq(imports.id, ((await response.json()) as { importId: string }).importId));
    expect(named!.fileName).toBe("badname.jsonl");
  });

  test("reviewers cannot import: no link, and the upload route refuses them", async ({ page, makeUser, makeProject, loginAs, baseURL }) => {
    const manager = await makeUser();
    const reviewer = await makeUser();
    const project = await makeProject(manager, [{ user: reviewer, role: "reviewer" }]);
    await loginAs(page, reviewer);
    await page.goto(`/projects/${project.id}`);
    await expect(page.getByRole("link", { name: "Start reviewing" })).toBeVisible();
    await expect(page.getByRole("link", { name: "Import items" })).toHaveCount(0);
    const token = await page.locator('input[name="_csrf"]').first().getAttribute("value");
    const response = await page.request.post(`/projects/${project.id}/imports`, {
      headers: { origin: new URL(baseURL!).origin, accept: "application/json", "x-csrf-token": token ?? "" },
      multipart: { file: { name: "x.jsonl", mimeType: "application/x-ndjson", buffer: Buffer.from(jsonl) } },
    });
    expect(response.status()).toBe(403);
    expect(await response.json()).toEqual({ error: "Only managers and engineers can import items." });
  });
});
