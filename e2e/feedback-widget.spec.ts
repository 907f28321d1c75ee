import { randomBytes } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { and, eq } from "drizzle-orm";
import { feedback, ingestKeys } from "~db/schema";
import type { Database } from "~/db.server";
import { sha256 } from "~/modules/auth/crypto.server";
import { addItems } from "~/modules/items/add-items.server";
import { escapeHtml } from "~/modules/feedback/widget-pages";
import { expect, test, unique, type TestUser } from "./fixtures";

/**
 * The feedback widget on a product's page on ANOTHER origin, with a strict Content-Security-Policy
 * that allows only Loupe for scripts and connections (or only frames from Loupe), talking to
 * POST /api/v1/feedback with a project's ingest key. The product's pages come from a tiny server
 * this test starts: http://localhost:<port> is the key's allowed origin; http://127.0.0.1:<port>,
 * the same server under another origin, is not.
 */

let product: http.Server;
let allowedOrigin: string;
let otherOrigin: string;
let loupe: string;

test.beforeAll(async ({ baseURL }) => {
  loupe = new URL(baseURL!).origin;
  product = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://product.invalid");
    const key = url.searchParams.get("key") ?? "";
    const traceId = url.searchParams.get("traceId") ?? "";
    const lang = url.searchParams.get("lang") ?? "";
    const answer = `<p>Open Settings → Security and choose “Reset password”.</p>`;
    if (url.pathname === "/script") {
      res.writeHead(200, {
        "content-type": "text/html; charset=utf-8",
        "content-security-policy": `default-src 'none'; script-src ${loupe}; connect-src ${loupe}; style-src 'self'`,
      });
      res.end(
        `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Product</title></head><body>${answer}` +
          `<script src="${loupe}/widget/loupe-feedback.js" data-key="${escapeHtml(key)}" data-trace-id="${escapeHtml(traceId)}"${lang ? ` data-lang="${escapeHtml(lang)}"` : ""} async></script>` +
          `</body></html>`,
      );
      return;
    }
    if (url.pathname === "/frame") {
      const src = new URL("/widget/frame", loupe);
      src.searchParams.set("key", key);
      src.searchParams.set("traceId", traceId);
      if (lang) src.searchParams.set("lang", lang);
      res.writeHead(200, { "content-type": "text/html; charset=utf-8", "content-security-policy": `default-src 'none'; frame-src ${loupe}; style-src 'self'` });
      res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Product</title></head><body>${answer}<iframe src="${escapeHtml(src.toString())}" title="Feedback" width="420" height="190"></iframe></body></html>`);
      return;
    }
    res.writeHead(404).end();
  });
  // why: no host, so both localhost (which may resolve to ::1) and 127.0.0.1 reach it.
  await new Promise<void>((resolve) => product.listen(0, resolve));
  const port = (product.address() as AddressInfo).port;
  allowedOrigin = `http://localhost:${port}`;
  otherOrigin = `http://127.0.0.1:${port}`;
});

test.afterAll(async () => {
  await new Promise((resolve) => product.close(resolve));
});

/** A project with an output known by its trace id, and an ingest key for the allowed origin (made as the ingest helper's verb makes one: only the SHA-256 is kept). */
async function setUp(db: Database, manager: TestUser, makeProject: (m: TestUser) => Promise<{ id: string }>) {
  const project = await makeProject(manager);
  const traceId = unique("trace").replace(" ", "-");
  const [itemId] = (await addItems(db, manager.actor, project.id, [{ input: "How do I reset my password?", outputs: [{ text: "Open Settings → Security.", model: "gpt-small" }], externalId: traceId }])).ids;
  const prefix = randomBytes(4).toString("hex");
  const key = `lfi_${prefix}_${randomBytes(24).toString("base64url")}`;
  await db.insert(ingestKeys).values({ projectId: project.id, name: "Widget test", prefix: `lfi_${prefix}`, keyHash: sha256(key), allowedOrigins: [allowedOrigin], createdBy: manager.id });
  return { projectId: project.id, traceId, itemId: itemId!, key };
}

function rowsOf(db: Database, projectId: string) {
  return db
    .select({ source: feedback.source, traceId: feedback.traceId, itemId: feedback.itemId, scoreKind: feedback.scoreKind, score: feedback.score, comment: feedback.comment, clientId: feedback.clientId })
    .from(feedback)
    .where(and(eq(feedback.projectId, projectId), eq(feedback.source, "end_user")));
}

function pageUrl(origin: string, kind: "script" | "frame", params: Record<string, string>) {
  return `${origin}/${kind}?${new URLSearchParams(params).toString()}`;
}

/** CSP violations the page reports (Chromium logs each one to the console). */
function cspViolations(page: import("@playwright/test").Page) {
  const seen: string[] = [];
  page.on("console", (message) => {
    if (/Content Security Policy/i.test(message.text()) && !/frame-ancestors/.test(message.text())) seen.push(message.text());
  });
  return seen;
}

test("on another origin with a strict CSP: 👎, a comment, Send, Thank you — and the feedback is stored", async ({ page, db, makeUser, makeProject }) => {
  const { projectId, traceId, itemId, key } = await setUp(db, await makeUser(), makeProject);
  const violations = cspViolations(page);
  await page.goto(pageUrl(allowedOrigin, "script", { key, traceId }));

  await expect(page.getByText("Was this helpful?")).toBeVisible();
  const down = page.getByRole("button", { name: "No, not helpful" });
  await expect(down).toHaveAttribute("aria-pressed", "false");
  await down.click();
  await expect(down).toHaveAttribute("aria-pressed", "true");
  await page.getByLabel("Why? Tell us more (optional)").fill("It told me to open a menu that does not exist.");
  await page.getByRole("button", { name: "Send" }).click();
  await expect(page.getByRole("status")).toHaveText("Thank you for your feedback!");

  const rows = await rowsOf(db, projectId);
  expect(rows).toEqual([
    { source: "end_user", traceId, itemId, scoreKind: "thumbs", score: 0, comment: "It told me to open a menu that does not exist.", clientId: expect.stringMatching(/^[0-9a-f-]{36}$/) },
  ]);
  expect(violations).toEqual([]);
});

test("keyboard only: Tab to 👍, Enter opens Why?, Escape closes it, Space reopens, Tab to Send, Enter sends", async ({ page, db, makeUser, makeProject }) => {
  const { projectId, traceId, key } = await setUp(db, await makeUser(), makeProject);
  await page.goto(pageUrl(allowedOrigin, "script", { key, traceId }));
  const up = page.getByRole("button", { name: "Yes, helpful" });
  await expect(up).toBeVisible();

  await page.keyboard.press("Tab");
  await expect(up).toBeFocused();
  await page.keyboard.press("Enter");
  const why = page.getByLabel("Why? Tell us more (optional)");
  await expect(why).toBeFocused();
  await expect(up).toHaveAttribute("aria-pressed", "true");
  await page.keyboard.press("Escape");
  await expect(why).toBeHidden();
  await expect(up).toBeFocused();
  await expect(up).toHaveAttribute("aria-pressed", "false");

  await page.keyboard.press("Space");
  await expect(why).toBeFocused();
  await page.keyboard.type("Clear and short.");
  await page.keyboard.press("Tab");
  await expect(page.getByRole("button", { name: "Send" })).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(page.getByRole("status")).toHaveText("Thank you for your feedback!");
  await expect(page.getByRole("status")).toBeFocused();

  expect((await rowsOf(db, projectId)).map((r) => [r.score, r.comment])).toEqual([[1, "Clear and short."]]);
});

test("a page on an origin the key does not allow gets a visible error and stores nothing", async ({ page, db, makeUser, makeProject }) => {
  const { projectId, traceId, key } = await setUp(db, await makeUser(), makeProject);
  await page.goto(pageUrl(otherOrigin, "script", { key, traceId }));
  await page.getByRole("button", { name: "No, not helpful" }).click();
  await page.getByLabel("Why? Tell us more (optional)").fill("Sent from a site the key does not know.");
  await page.getByRole("button", { name: "Send" }).click();
  await expect(page.getByRole("status")).toHaveText("Your feedback could not be sent: the connection failed. Please try again.");
  await expect(page.getByRole("button", { name: "Send" })).toBeEnabled();
  expect(await rowsOf(db, projectId)).toEqual([]);
});

test("the strings follow data-lang", async ({ page, db, makeUser, makeProject }) => {
  const { traceId, key } = await setUp(db, await makeUser(), makeProject);
  await page.goto(pageUrl(allowedOrigin, "script", { key, traceId, lang: "de" }));
  await expect(page.getByText("War das hilfreich?")).toBeVisible();
  await page.getByRole("button", { name: "Nein, nicht hilfreich" }).click();
  await expect(page.getByRole("button", { name: "Senden" })).toBeVisible();

  await page.goto(pageUrl(allowedOrigin, "script", { key, traceId, lang: "fr-CA" }));
  await expect(page.getByText("Cette réponse vous a-t-elle aidé ?")).toBeVisible();
  await page.goto(pageUrl(allowedOrigin, "script", { key, traceId, lang: "es" }));
  await expect(page.getByRole("button", { name: "Sí, útil" })).toBeVisible();
});

test("iframe mode on a page that allows only frames from Loupe: sends as the embedding origin, in the page's language", async ({ page, db, makeUser, makeProject }) => {
  const { projectId, traceId, itemId, key } = await setUp(db, await makeUser(), makeProject);
  const violations = cspViolations(page);
  await page.goto(pageUrl(allowedOrigin, "frame", { key, traceId, lang: "es" }));
  const frame = page.frameLocator('iframe[title="Feedback"]');
  await expect(frame.getByText("¿Te ha resultado útil?")).toBeVisible();
  await frame.getByRole("button", { name: "No, no es útil" }).click();
  await frame.getByLabel("¿Por qué? Cuéntanos más (opcional)").fill("Demasiado largo.");
  await frame.getByRole("button", { name: "Enviar" }).click();
  await expect(frame.getByRole("status")).toHaveText("¡Gracias por tu opinión!");
  expect(await rowsOf(db, projectId)).toEqual([{ source: "end_user", traceId, itemId, scoreKind: "thumbs", score: 0, comment: "Demasiado largo.", clientId: expect.any(String) }]);
  expect(violations).toEqual([]);
});

test("iframe mode: a page on an origin the key does not allow cannot frame the widget", async ({ page, db, makeUser, makeProject }) => {
  const { traceId, key } = await setUp(db, await makeUser(), makeProject);
  const refused = page.waitForEvent("console", (message) => /frame-ancestors/.test(message.text()));
  await page.goto(pageUrl(otherOrigin, "frame", { key, traceId }));
  expect((await refused).text()).toContain(allowedOrigin);
  await expect(page.frameLocator('iframe[title="Feedback"]').getByRole("button", { name: "Yes, helpful" })).toHaveCount(0);
});

test("the demo page shows the widget under an answer with the snippet to copy, and its feedback arrives", async ({ page, db, makeUser, makeProject }) => {
  const { projectId, key } = await setUp(db, await makeUser(), makeProject);
  await page.goto(`/widget/demo?key=${encodeURIComponent(key)}`);
  await expect(page.getByRole("heading", { name: "Feedback widget demo" })).toBeVisible();
  await expect(page.locator("pre code").first()).toContainText(`data-key="${key}"`);
  await page.getByRole("button", { name: "Yes, helpful" }).click();
  await page.getByRole("button", { name: "Send" }).click();
  await expect(page.getByRole("status")).toHaveText("Thank you for your feedback!");
  expect((await rowsOf(db, projectId)).map((r) => [r.traceId, r.score])).toEqual([["loupe-demo", 1]]);

  const missing = await page.goto("/widget/demo?key=lfi_00000000_notarealkeynotarealkey");
  expect(missing!.status()).toBe(404);
  await expect(page.getByText("Unknown or revoked ingest key.")).toBeVisible();
});
