import { setUserDisabled } from "~/modules/users/set-user-disabled.server";
import { expect, signIn, test } from "./fixtures";

const GENERIC_FAILURE = "That email and password do not match an active account.";
const NEW_PASSWORD = "my brand new password";

test.describe("Signing in and out", () => {
  test("a user signs in with the right password and lands on their projects", async ({ page, makeUser }) => {
    const user = await makeUser();
    await page.goto("/login");
    await signIn(page, user.email, user.password);
    await expect(page).toHaveURL(/\/projects$/);
    await expect(page.getByRole("heading", { level: 1, name: "Projects" })).toBeVisible();
    await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
  });

  test("a wrong password, an unknown email and a disabled account all get the same message", async ({ page, makeUser, admin, db }) => {
    const user = await makeUser();
    const disabled = await makeUser();
    await setUserDisabled(db, admin.actor, { userId: disabled.id, disabled: true });

    const attempts = [
      { email: user.email, password: "not the password at all" },
      { email: `nobody-${user.id}@example.com`, password: user.password },
      { email: disabled.email, password: disabled.password },
    ];
    for (const attempt of attempts) {
      await page.goto("/login");
      await signIn(page, attempt.email, attempt.password);
      await expect(page.getByRole("alert")).toHaveText(GENERIC_FAILURE);
      await expect(page).toHaveURL(/\/login/);
    }
  });

  test("signing out revokes the session: the old cookie no longer signs anyone in", async ({ page, makeUser, loginAs }) => {
    const user = await makeUser();
    await loginAs(page, user);
    await page.goto("/projects");
    await expect(page.getByRole("heading", { level: 1, name: "Projects" })).toBeVisible();
    const [oldCookie] = (await page.context().cookies()).filter((c) => c.name === "loupe_session");
    expect(oldCookie).toBeDefined();

    await page.getByRole("button", { name: "Sign out" }).click();
    await expect(page).toHaveURL(/\/login$/);

    // Put the copied cookie back, as someone who had stolen it would.
    await page.context().addCookies([oldCookie!]);
    await page.goto("/projects");
    await expect(page).toHaveURL(/\/login\?redirectTo=%2Fprojects$/);
    await expect(page.getByRole("heading", { name: "Sign in to Loupe" })).toBeVisible();
  });

  test("an anonymous visit to a page goes to sign-in and back to that page afterwards", async ({ page, makeUser }) => {
    const user = await makeUser();
    // why: not /projects, which is where sign-in leads anyway; this proves redirectTo is honoured.
    await page.goto("/settings/api-keys");
    await expect(page).toHaveURL(/\/login\?redirectTo=%2Fsettings%2Fapi-keys$/);
    await signIn(page, user.email, user.password);
    await expect(page).toHaveURL(/\/settings\/api-keys$/);
    await expect(page.getByRole("heading", { level: 1, name: "API keys" })).toBeVisible();
  });

  test("a sign-in link that points elsewhere keeps the user on Loupe", async ({ page, makeUser, baseURL }) => {
    const user = await makeUser();
    const leaks: string[] = [];
    // why: the sandbox has no network; record any attempt to leave instead of waiting for it to fail.
    await page.route((url) => url.origin !== new URL(baseURL!).origin, (route) => {
      leaks.push(route.request().url());
      return route.abort();
    });
    for (const redirectTo of ["%2F%09%2Fexample.org%2Fphish", "%2F%5Cexample.org", "%2F.%2F%2Fexample.org"]) {
      await page.context().clearCookies();
      await page.goto(`/login?redirectTo=${redirectTo}`);
      await signIn(page, user.email, user.password);
      await expect(page.getByRole("heading", { level: 1, name: "Projects" })).toBeVisible();
      expect(new URL(page.url()).origin).toBe(new URL(baseURL!).origin);
      expect(new URL(page.url()).pathname).toBe("/projects");
    }
    expect(leaks).toEqual([]);
  });

  test("a user changes their password: other sessions end, this one stays, and the new password signs in", async ({ page, browser, makeUser, loginAs }) => {
    const user = await makeUser();
    const other = await browser.newContext();
    const otherPage = await other.newPage();
    await loginAs(otherPage, user);
    await loginAs(page, user);
    await page.goto("/projects");
    await page.getByRole("link", { name: "Password" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Password" })).toBeVisible();

    await page.getByLabel("Current password").fill("not the password at all");
    await page.getByLabel("New password", { exact: true }).fill(NEW_PASSWORD);
    await page.getByLabel("New password again").fill(NEW_PASSWORD);
    await page.getByRole("button", { name: "Change password" }).click();
    await expect(page.getByLabel("Current password")).toHaveAttribute("aria-invalid", "true");
    await expect(page.getByText("That is not your current password.")).toBeVisible();

    await page.getByLabel("Current password").fill(user.password);
    await page.getByLabel("New password", { exact: true }).fill(NEW_PASSWORD);
    await page.getByLabel("New password again").fill(NEW_PASSWORD);
    await page.getByRole("button", { name: "Change password" }).click();
    await expect(page.getByRole("status")).toHaveText("Your password is changed. You stay signed in here; every other session has ended.");

    await page.goto("/projects");
    await expect(page.getByRole("heading", { level: 1, name: "Projects" })).toBeVisible();
    await otherPage.goto("/projects");
    await expect(otherPage).toHaveURL(/\/login\?redirectTo=%2Fprojects$/);
    await signIn(otherPage, user.email, user.password);
    await expect(otherPage.getByRole("alert")).toHaveText(GENERIC_FAILURE);
    await signIn(otherPage, user.email, NEW_PASSWORD);
    await expect(otherPage).toHaveURL(/\/projects$/);
    await other.close();
  });

  test("the setup page sends people to sign-in once accounts exist, whatever the token", async ({ page, admin }) => {
    expect(admin.isAdmin).toBe(true); // an account exists from here on
    await page.goto("/setup?token=not-a-real-token");
    await expect(page).toHaveURL(/\/login$/);
    await expect(page.getByRole("heading", { name: "Sign in to Loupe" })).toBeVisible();
  });
});
