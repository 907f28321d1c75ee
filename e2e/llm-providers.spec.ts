import type { Page } from "@playwright/test";
import { createProvider } from "~/modules/llm/create-provider.server";
import { startLlmStub, type LlmStub } from "../scripts/llm-stub/server";
import { expect, test, unique } from "./fixtures";

// why: the provider is the one network we don't own; the test starts the stub on 127.0.0.1 and the
// server under test runs with LOUPE_LLM_ALLOW_PRIVATE=true (playwright.config.ts) to reach it.
const KEY = "sk-e2e-RECOGNISABLE-key-6a2f41";
let stub: LlmStub;
test.beforeAll(async () => {
  stub = await startLlmStub({ apiKey: KEY });
});
test.afterAll(() => stub.close());

/** The page's HTML as the server sent it and as the browser now holds it: neither may carry the key. */
async function expectNoKeyIn(page: Page, key: string) {
  expect(await page.content()).not.toContain(key);
  const response = await page.request.get(page.url());
  expect(await response.text()).not.toContain(key);
}

test.describe("Admins manage LLM providers", () => {
  test("an admin adds a provider for the stub, tests it, edits it without retyping the key, and the key never shows", async ({ page, admin, loginAs }) => {
    const name = unique("Stub provider");
    await loginAs(page, admin);
    await page.goto("/projects");
    await page.getByRole("link", { name: "LLM providers" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "LLM providers" })).toBeVisible();

    await page.getByRole("link", { name: "Add provider" }).click();
    await page.getByLabel("Name", { exact: true }).fill(name);
    await page.getByLabel("Base URL").fill(stub.url);
    await page.getByLabel("Stored key").check();
    await page.getByLabel("API key", { exact: true }).fill(KEY);
    await page.getByLabel("Models", { exact: true }).fill("loupe-stub-small, 0.15, 0.60\nloupe-stub-large, 2.5, 10");
    await page.getByRole("button", { name: "Add provider" }).click();

    await expect(page.getByRole("heading", { level: 1, name })).toBeVisible();
    await expect(page.getByRole("status").first()).toHaveText("Provider added. Test the connection to check the URL and the key.");
    await expect(page.getByLabel("API key", { exact: true })).toHaveValue("");
    await expect(page.getByText("A key is stored. Leave empty to keep it.")).toBeVisible();
    await expectNoKeyIn(page, KEY);

    await page.getByRole("button", { name: "Test connection" }).click();
    const result = page.getByRole("status").filter({ hasText: "Connected in" });
    await expect(result).toContainText(/Connected in \d+ ms\./);
    await expect(result).toContainText("Models: loupe-stub-small, loupe-stub-large, loupe-stub-embed");
    await expectNoKeyIn(page, KEY);

    // Renaming leaves the key field empty: the stored key stays, and the stub (which demands it) still answers.
    await page.getByLabel("Name", { exact: true }).fill(`${name} renamed`);
    await page.getByRole("button", { name: "Save provider" }).click();
    await expect(page.getByRole("status").filter({ hasText: "Saved." })).toBeVisible();
    await page.getByRole("button", { name: "Test connection" }).click();
    await expect(page.getByRole("status").filter({ hasText: "Connected in" })).toBeVisible();
    const last = stub.requests.at(-1)!;
    expect(last.headers.authorization).toBe(`Bearer ${KEY}`);

    // A wrong key: the provider's own error, with the key it echoed redacted.
    const wrong = `${KEY}-typo`;
    await page.getByLabel("API key", { exact: true }).fill(wrong);
    await page.getByRole("button", { name: "Save provider" }).click();
    await expect(page.getByRole("status").filter({ hasText: "Saved." })).toBeVisible();
    await page.getByRole("button", { name: "Test connection" }).click();
    await expect(page.getByRole("alert")).toContainText("401: Incorrect API key provided: [redacted].");
    await expectNoKeyIn(page, KEY);

    await page.getByRole("link", { name: "← All providers" }).click();
    const row = page.getByRole("list", { name: "LLM providers" }).getByRole("listitem").filter({ hasText: `${name} renamed` });
    await expect(row).toContainText("Key stored · 2 models: loupe-stub-small ($0.15 / $0.60 per 1M), loupe-stub-large ($2.50 / $10.00 per 1M)");
    await expectNoKeyIn(page, KEY);

    await row.getByRole("link", { name: `Edit ${name} renamed` }).click();
    await page.getByText(`Delete ${name} renamed`, { exact: true }).click();
    await page.getByRole("button", { name: `Yes, delete ${name} renamed` }).click();
    await expect(page).toHaveURL(/\/admin\/llm$/);
    await expect(page.getByText(`${name} renamed`)).toHaveCount(0);
  });

  test("a bad provider is refused with the reason next to each field; the server never sends the typed key back", async ({ page, admin, loginAs }) => {
    await loginAs(page, admin);
    await page.goto("/admin/llm/new");
    const answers: Promise<string>[] = [];
    page.on("response", (response) => answers.push(response.text().catch(() => "")));
    await page.getByLabel("Name", { exact: true }).fill(unique("Metadata"));
    await page.getByLabel("Base URL").fill("http://169.254.169.254/latest");
    await page.getByLabel("API key", { exact: true }).fill("sk-typed-never-echoed");
    await page.getByLabel("Models", { exact: true }).fill("good-model\nbad-model, cheap, 1");
    await page.getByRole("button", { name: "Add provider" }).click();

    await expect(page.getByLabel("Models", { exact: true })).toHaveAttribute("aria-invalid", "true");
    await expect(page.getByText('Line 2: the input price "cheap" is not a number.')).toBeVisible();
    await expect(page.getByLabel("Models", { exact: true })).toHaveValue("good-model\nbad-model, cheap, 1");

    await page.getByLabel("Models", { exact: true }).fill("good-model");
    await page.getByRole("button", { name: "Add provider" }).click();
    await expect(page.getByLabel("Base URL")).toHaveAttribute("aria-invalid", "true");
    await expect(page.getByText("Refused 169.254.169.254: 169.254.169.254 is a cloud metadata service.")).toBeVisible();
    await expect(page.getByLabel("Name", { exact: true })).not.toHaveValue("");
    for (const answer of await Promise.all(answers)) expect(answer).not.toContain("sk-typed-never-echoed");
    expect(answers.length).toBeGreaterThan(1);
  });

  test("someone who is not an admin gets 403 on the provider pages and sees no link to them", async ({ page, admin, makeUser, loginAs, db }) => {
    const provider = await createProvider(db, admin.actor, {
      name: unique("Hidden"),
      baseUrl: "https://llm.example.com/v1",
      apiKey: { source: "none" },
      models: [{ id: "loupe-stub-small", inputPricePerMillion: null, outputPricePerMillion: null }],
    });
    await loginAs(page, await makeUser());
    await page.goto("/projects");
    await expect(page.getByRole("link", { name: "LLM providers" })).toHaveCount(0);
    for (const path of ["/admin/llm", "/admin/llm/new", `/admin/llm/${provider.id}`]) {
      const response = await page.goto(path);
      expect(response?.status(), path).toBe(403);
      await expect(page.getByRole("heading", { level: 1, name: "Not allowed" })).toBeVisible();
      await expect(page.getByText(provider.name)).toHaveCount(0);
    }
  });
});
