import { eq } from "drizzle-orm";
import { annotations } from "~db/schema";
import { expect, startReviewing, test } from "./support/review-fixtures";

const template = [
  { key: "quality", kind: "rating" as const, text: "Quality", min: 1, max: 5, required: true },
  { key: "comment", kind: "text" as const, text: "Comment" },
];
const items = [{ input: "Q", outputs: [{ text: "An answer." }] }];
const saved = /^Saved$/;

test("A draft autosaves to the server and comes back after a reload", async ({ page, loginAs, reviewProject, annotationOf }) => {
  const { project, reviewer, itemIds } = await reviewProject({ template, items });
  await loginAs(page, reviewer);
  await startReviewing(page, project.id);
  await page.getByRole("radio", { name: "3" }).check();
  await page.getByLabel("Comment").fill("Half done");
  await expect(page.getByRole("status").filter({ hasText: saved })).toBeVisible();
  expect(await annotationOf(itemIds[0]!, reviewer)).toMatchObject({ status: "draft", values: { quality: 3, comment: "Half done" } });

  // A fresh browser (no local copy): the server's draft is what comes back.
  await page.evaluate(() => window.localStorage.clear());
  await page.reload();
  await expect(page.getByText("Your draft was restored.")).toBeVisible();
  await expect(page.getByRole("radio", { name: "3" })).toBeChecked();
  await expect(page.getByLabel("Comment")).toHaveValue("Half done");
});

test("Offline, the draft is kept on the device, restored after a reload, and saved once the server answers", async ({ page, db, loginAs, reviewProject, annotationOf }) => {
  const { project, reviewer, itemIds } = await reviewProject({ template, items });
  await loginAs(page, reviewer);
  await startReviewing(page, project.id);
  const itemUrl = page.url();
  // why: stands in for a lost connection on the autosave only, so the page itself can still reload.
  await page.route(/\.data/, (route) => (route.request().method() === "POST" ? route.abort("internetdisconnected") : route.continue()));
  await page.getByRole("radio", { name: "4" }).check();
  await page.getByLabel("Comment").fill("Written offline");
  await expect(page.getByRole("status").filter({ hasText: "Offline — kept on this device" })).toBeVisible();
  expect(await annotationOf(itemIds[0]!, reviewer)).toBeNull();

  await page.reload();
  await expect(page.getByText("Your unsaved answers were restored from this device.")).toBeVisible();
  await expect(page.getByRole("radio", { name: "4" })).toBeChecked();
  await expect(page.getByLabel("Comment")).toHaveValue("Written offline");

  await page.unrouteAll();
  await page.reload();
  await expect(page.getByRole("status").filter({ hasText: saved })).toBeVisible();
  expect(page.url()).toBe(itemUrl);
  const [row] = await db.select({ values: annotations.values }).from(annotations).where(eq(annotations.itemId, itemIds[0]!));
  expect(row?.values).toEqual({ quality: 4, comment: "Written offline" });
});

test("A submit the network loses is retried with the same key and recorded once", async ({ page, db, loginAs, reviewProject }) => {
  const { project, reviewer, itemIds } = await reviewProject({ template, items });
  await loginAs(page, reviewer);
  await startReviewing(page, project.id);
  await page.getByRole("radio", { name: "5" }).check();
  let dropped = 0;
  // why: the first submit reaches the server but its reply is lost on the way back, the worst case.
  await page.route(/\.data/, async (route) => {
    if (route.request().method() !== "POST" || !route.request().postData()?.includes("_intent=submit") || dropped > 0) return route.continue();
    dropped++;
    await route.fetch();
    await route.abort("connectionreset");
  });
  await page.getByRole("button", { name: "Submit" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "Your answer has not reached Loupe yet" })).toBeVisible();
  await expect(page.getByRole("heading", { name: "The queue is done" })).toBeVisible({ timeout: 10_000 });
  const rows = await db.select({ status: annotations.status, values: annotations.values }).from(annotations).where(eq(annotations.itemId, itemIds[0]!));
  expect(rows).toEqual([{ status: "submitted", values: { quality: 5 } }]);
});

test("An autosave belongs to the item it was written on: it names that item, and another item's address refuses it", async ({ page, baseURL, loginAs, reviewProject, annotationOf }) => {
  const { project, reviewer, itemIds } = await reviewProject({ template, items: [...items, { input: "Q2", outputs: [{ text: "Another answer." }] }] });
  await loginAs(page, reviewer);
  await startReviewing(page, project.id);
  const [first, second] = itemIds as [number, number];
  const drafts: { url: string; body: string }[] = [];
  page.on("request", (request) => {
    if (request.method() === "POST" && request.postData()?.includes("_intent=draft")) drafts.push({ url: request.url(), body: request.postData()! });
  });
  await page.getByRole("radio", { name: "2" }).check();
  await expect(page.getByRole("status").filter({ hasText: saved })).toBeVisible();
  expect(drafts).toHaveLength(1);
  expect(drafts[0]!.url).toContain(`/projects/${project.id}/review/${first}`);
  expect(new URLSearchParams(drafts[0]!.body).get("_item")).toBe(String(first));

  // The same draft arriving at the next item's address (a draft timer firing while the next item
  // loads used to post there) is refused, and the next item gets no answer from it.
  const csrf = await page.locator('input[name="_csrf"]').first().getAttribute("value");
  const refused = await page.request.post(`/projects/${project.id}/review/${second}`, {
    headers: { origin: baseURL! },
    form: { _intent: "draft", _item: String(first), _values: JSON.stringify({ quality: 2 }), _csrf: csrf! },
  });
  expect(refused.status()).toBe(409);
  expect(await refused.text()).toContain(`This draft was written for item ${first}, not item ${second}`);
  expect(await annotationOf(second, reviewer)).toBeNull();
  expect(await annotationOf(first, reviewer)).toMatchObject({ status: "draft", values: { quality: 2 } });
});

test("An autosave that finishes while the submit is loading the next item leaves the next item on screen, with nothing of the last one", async ({ page, loginAs, reviewProject, annotationOf }) => {
  const { project, reviewer, itemIds } = await reviewProject({ template, items: [...items, { input: "Q2", outputs: [{ text: "Another answer." }] }] });
  await loginAs(page, reviewer);
  await startReviewing(page, project.id);
  const [first, second] = itemIds as [number, number];
  const gate = () => {
    let open!: () => void;
    const opened = new Promise<void>((resolve) => (open = resolve));
    return { open, opened };
  };
  const draft = gate();
  const nextItem = gate();
  let draftHeld = false;
  let nextHeld = false;
  await page.route(/\.data/, async (route) => {
    const request = route.request();
    if (request.method() === "POST" && request.postData()?.includes("_intent=draft") && !draftHeld) {
      draftHeld = true;
      await draft.opened;
      return route.continue();
    }
    if (request.method() === "GET" && request.url().includes(`/review/${second}.data`) && !nextHeld) {
      nextHeld = true;
      await nextItem.opened;
      return route.continue();
    }
    return route.continue();
  });
  await page.getByRole("radio", { name: "3" }).check();
  await expect.poll(() => draftHeld).toBe(true);
  await page.getByRole("button", { name: "Submit" }).click();
  // The submit is in; the next item's data is on its way while the autosave's reply comes back.
  await expect.poll(() => nextHeld).toBe(true);
  const draftReply = page.waitForResponse((response) => response.request().postData()?.includes("_intent=draft") ?? false);
  draft.open();
  await draftReply;
  nextItem.open();
  await expect(page.getByRole("heading", { name: `Item #${second}` })).toBeVisible();
  await expect(page.getByRole("region", { name: "Prompt" })).toContainText("Q2");
  await expect(page.getByRole("radio", { name: "3" })).not.toBeChecked();
  expect(await annotationOf(first, reviewer)).toMatchObject({ status: "submitted", values: { quality: 3 } });
  expect(await annotationOf(second, reviewer)).toBeNull();
});
