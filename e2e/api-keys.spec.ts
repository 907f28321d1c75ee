import { authenticateApiKey } from "~/modules/api-keys/authenticate-api-key.server";
import { expect, test, unique } from "./fixtures";

test.describe("API keys", () => {
  test("a user creates a key, sees it once and then only its prefix in the list", async ({ page, makeUser, loginAs, db }) => {
    const user = await makeUser();
    await loginAs(page, user);
    await page.goto("/projects");
    await page.getByRole("link", { name: "API keys" }).click();
    await expect(page.getByText("You have no API keys yet.")).toBeVisible();

    const name = unique("nightly import");
    await page.getByLabel("Key name").fill(name);
    await page.getByRole("button", { name: "Create key" }).click();
    await expect(page.getByText("it will not be shown again")).toBeVisible();
    const secret = await page.getByLabel("New API key").inputValue();
    expect(secret).toMatch(/^lp_[A-Za-z0-9_-]{8}_[A-Za-z0-9_-]{43}$/);
    await expect(page.getByLabel("Key name")).toHaveValue("");

    const prefix = secret.slice(0, "lp_".length + 8);
    const row = page.getByRole("list", { name: "Your API keys" }).getByRole("listitem").filter({ hasText: name });
    await expect(row).toContainText(`${prefix}…`);
    await expect(row).toContainText("Active");
    // why: before the key is first used; using it sets "last used", and a revalidation of the list
    // may land at any moment after that (the step order once made this depend on timing).
    await expect(row).toContainText("Last used never");

    // The key works: it authenticates as this user, and the list says it was used.
    expect((await authenticateApiKey(db, `Bearer ${secret}`)).userId).toBe(user.id);
    // why: a GET of the page, as a reload is once the form was sent by fetch; the key must be gone.
    await page.goto("/settings/api-keys");
    await expect(page.getByLabel("New API key")).toHaveCount(0);
    await expect(page.getByText(secret)).toHaveCount(0);
    expect(await page.content()).not.toContain(secret.slice(prefix.length));
    await expect(row).toContainText(`${prefix}…`);
    await expect(row).not.toContainText("Last used never");
  });

  test("revoking a key asks first, then marks it revoked and it stops working", async ({ page, makeUser, loginAs, db }) => {
    const user = await makeUser();
    await loginAs(page, user);
    await page.goto("/settings/api-keys");
    const name = unique("old script");
    await page.getByLabel("Key name").fill(name);
    await page.getByRole("button", { name: "Create key" }).click();
    const secret = await page.getByLabel("New API key").inputValue();

    const row = page.getByRole("list", { name: "Your API keys" }).getByRole("listitem").filter({ hasText: name });
    const confirm = row.getByRole("button", { name: `Yes, revoke ${name}` });
    await expect(confirm).toBeHidden();
    // The first step only opens the confirmation; its name includes the key's, for screen readers.
    const revoke = row.getByText(`Revoke ${name}`, { exact: true });
    await revoke.click();
    await confirm.click();

    await expect(page.getByRole("status")).toHaveText("Key revoked. Requests that use it are refused from now on.");
    await expect(row).toContainText("Revoked");
    await expect(revoke).toHaveCount(0);
    await expect(authenticateApiKey(db, `Bearer ${secret}`)).rejects.toThrow("Missing or invalid API key");
  });
});
