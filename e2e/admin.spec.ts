import { randomUUID } from "node:crypto";
import type { Page } from "@playwright/test";
import { expect, PASSWORD, signIn, test } from "./fixtures";

const userRow = (page: Page, email: string) => page.getByRole("list", { name: "Users" }).getByRole("listitem").filter({ hasText: email });

test.describe("Admins manage who can sign in", () => {
  test("an admin creates a user who can then sign in", async ({ page, browser, admin, loginAs }) => {
    await loginAs(page, admin);
    await page.goto("/projects");
    await page.getByRole("link", { name: "Users" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Users" })).toBeVisible();

    const email = `new-${randomUUID().slice(0, 8)}@example.com`;
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Name").fill("Katherine Johnson");
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Create user" }).click();
    await expect(page.getByRole("status")).toContainText(`Created Katherine Johnson (${email}).`);
    await expect(userRow(page, email)).toContainText("Active");
    await expect(userRow(page, email)).not.toContainText("Admin");

    const context = await browser.newContext();
    const theirPage = await context.newPage();
    await theirPage.goto("/login");
    await signIn(theirPage, email.toUpperCase(), PASSWORD);
    await expect(theirPage).toHaveURL(/\/projects$/);
    await expect(theirPage.getByRole("link", { name: "Users" })).toHaveCount(0);
    await context.close();
  });

  test("creating a user with a taken email or a short password is refused with the reason", async ({ page, admin, makeUser, loginAs }) => {
    const existing = await makeUser();
    await loginAs(page, admin);
    await page.goto("/admin/users");
    await page.getByLabel("Email").fill(existing.email);
    await page.getByLabel("Name").fill("Duplicate");
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Create user" }).click();
    await expect(page.getByLabel("Email")).toHaveAttribute("aria-invalid", "true");
    await expect(page.getByRole("alert")).toHaveText(`A user with the email ${existing.email} already exists.`);

    await page.getByLabel("Email").fill(`short-${randomUUID().slice(0, 8)}@example.com`);
    await page.getByLabel("Password").fill("short");
    // why: the browser's own minlength check would stop the form before the server sees it.
    await page.getByLabel("Password").evaluate((input) => input.removeAttribute("minlength"));
    await page.getByRole("button", { name: "Create user" }).click();
    await expect(page.getByRole("alert")).toHaveText("Use at least 10 characters.");
  });

  test("a disabled user can no longer sign in and their open session stops working", async ({ page, browser, admin, makeUser, loginAs }) => {
    const user = await makeUser();
    const context = await browser.newContext();
    const theirPage = await context.newPage();
    await loginAs(theirPage, user);
    await theirPage.goto("/projects");
    await expect(theirPage.getByRole("heading", { level: 1, name: "Projects" })).toBeVisible();

    await loginAs(page, admin);
    await page.goto("/admin/users");
    await expect(userRow(page, admin.email).getByRole("button")).toHaveCount(0); // no disabling yourself
    await userRow(page, user.email).getByRole("button", { name: `Disable ${user.email}` }).click();
    await expect(page.getByRole("status")).toHaveText("User disabled; their sessions have ended.");
    await expect(userRow(page, user.email)).toContainText("Disabled");

    await theirPage.reload();
    await expect(theirPage).toHaveURL(/\/login\?redirectTo=%2Fprojects$/);
    await signIn(theirPage, user.email, user.password);
    await expect(theirPage.getByRole("alert")).toHaveText("That email and password do not match an active account.");

    await userRow(page, user.email).getByRole("button", { name: `Enable ${user.email}` }).click();
    await expect(userRow(page, user.email)).toContainText("Active");
    await signIn(theirPage, user.email, user.password);
    await expect(theirPage).toHaveURL(/\/projects$/);
    await context.close();
  });

  test("an admin makes a reset link; the user sets a new password through it, and the link does not work twice", async ({ page, browser, admin, makeUser, loginAs }) => {
    const user = await makeUser();
    await loginAs(page, admin);
    await page.goto("/admin/users");
    await userRow(page, user.email).getByRole("button", { name: `Make reset link for ${user.email}` }).click();
    await expect(page.getByRole("heading", { name: `Password reset link for ${user.email}` })).toBeVisible();
    const link = await page.getByLabel("Reset link", { exact: true }).inputValue();
    expect(link).toMatch(/\/reset-password\/[A-Za-z0-9_-]{43}$/);

    const context = await browser.newContext();
    const theirPage = await context.newPage();
    await theirPage.goto(link);
    await expect(theirPage.getByRole("heading", { name: "Set a new password" })).toBeVisible();
    await expect(theirPage.getByText(user.email)).toBeVisible();
    await theirPage.getByLabel("New password", { exact: true }).fill("reset through the link");
    await theirPage.getByLabel("New password again").fill("reset through the link");
    await theirPage.getByRole("button", { name: "Set password" }).click();
    await expect(theirPage).toHaveURL(/\/login\?reset=done/);
    await expect(theirPage.getByRole("status")).toHaveText("Your new password is set. Sign in with it.");
    await expect(theirPage.getByLabel("Email")).toHaveValue(user.email);
    await theirPage.getByLabel("Password").fill("reset through the link");
    await theirPage.getByRole("button", { name: "Sign in" }).click();
    await expect(theirPage).toHaveURL(/\/projects$/);

    await context.clearCookies();
    await theirPage.goto(link);
    await expect(theirPage.getByRole("alert")).toHaveText("This password reset link has already been used. Ask an admin for a new one if you need to set your password again.");
    await expect(theirPage.getByLabel("New password", { exact: true })).toHaveCount(0);
    await theirPage.goto("/login");
    await signIn(theirPage, user.email, user.password);
    await expect(theirPage.getByRole("alert")).toHaveText("That email and password do not match an active account.");
    await context.close();
  });

  test("someone who is not an admin gets 403 on the user list", async ({ page, makeUser, loginAs }) => {
    await loginAs(page, await makeUser());
    await page.goto("/projects");
    await expect(page.getByRole("link", { name: "Users" })).toHaveCount(0);
    const response = await page.goto("/admin/users");
    expect(response?.status()).toBe(403);
    await expect(page.getByRole("heading", { name: "Not allowed" })).toBeVisible();
    await expect(page.getByRole("button", { name: "Create user" })).toHaveCount(0);
  });
});
