import { expect, test, unique } from "./fixtures";

test.describe("Feedback ingest keys", () => {
  test("a manager creates an ingest key on the page, sees it once, and it takes feedback from its origin", async ({ page, makeUser, makeProject, loginAs, request }) => {
    const manager = await makeUser();
    const project = await makeProject(manager);
    await loginAs(page, manager);
    await page.goto(`/projects/${project.id}/feedback-settings`);
    await expect(page.getByRole("heading", { name: "Feedback ingest" })).toBeVisible();
    await expect(page.getByText("No ingest keys yet.")).toBeVisible();

    const name = unique("web app");
    const create = page.getByRole("form", { name: "Create an ingest key" });
    await create.getByLabel("Key name").fill(name);
    await create.getByLabel("Allowed origins").fill("https://shop.example.com\nnot an origin");
    await create.getByRole("button", { name: "Create key" }).click();
    await expect(create.getByText("Expected an origin such as https://app.example.com")).toBeVisible();
    await create.getByLabel("Allowed origins").fill("https://shop.example.com");
    await create.getByRole("button", { name: "Create key" }).click();

    await expect(page.getByText("it will not be shown again")).toBeVisible();
    const secret = await page.getByRole("textbox", { name: "New ingest key" }).inputValue();
    expect(secret).toMatch(/^lfi_[0-9a-f]{8}_[A-Za-z0-9_-]{43}$/);
    await expect(page.getByRole("button", { name: "Copy" })).toBeVisible();
    const prefix = secret.slice(0, "lfi_".length + 8);
    const row = page.getByRole("list", { name: "Ingest keys" }).getByRole("listitem").filter({ hasText: name });
    await expect(row).toContainText(`${prefix}…`);
    await expect(row).toContainText("Origins: https://shop.example.com");

    // Through the real server: the browser's preflight, then the POST itself.
    const preflight = await request.fetch("/api/v1/feedback", {
      method: "OPTIONS",
      headers: { origin: "https://shop.example.com", "access-control-request-method": "POST", "access-control-request-headers": "authorization, content-type" },
    });
    expect(preflight.status()).toBe(204);
    expect(preflight.headers()).toMatchObject({ "access-control-allow-origin": "https://shop.example.com", "access-control-allow-headers": "authorization, content-type" });
    const sent = await request.post("/api/v1/feedback", {
      headers: { authorization: `Bearer ${secret}`, origin: "https://shop.example.com" },
      data: { id: "e2e-1", thumbs: "up", comment: "Helpful" },
    });
    expect(sent.status()).toBe(201);
    expect(sent.headers()["access-control-allow-origin"]).toBe("https://shop.example.com");
    const elsewhere = await request.post("/api/v1/feedback", { headers: { authorization: `Bearer ${secret}`, origin: "https://evil.example.com" }, data: { thumbs: "up" } });
    expect(elsewhere.status()).toBe(403);

    await page.goto(`/projects/${project.id}/feedback-settings`);
    await expect(page.getByRole("textbox", { name: "New ingest key" })).toHaveCount(0);
    expect(await page.content()).not.toContain(secret.slice(prefix.length));
    await expect(row).toContainText(`${prefix}…`);
    await expect(row).not.toContainText("Last used never");
  });
});
