import { randomUUID } from "node:crypto";
import type { Page } from "@playwright/test";
import { signIn } from "./fixtures";
import { expect, test } from "./support/review-fixtures";

const NEW_PASSWORD = "my own invited password";

/** Fills the invite form on a project page or the admin users page and returns the link it shows once. */
async function makeInvite(page: Page, email: string) {
  await page.getByLabel("Who to invite").fill(email);
  await page.getByRole("button", { name: "Make invite link" }).click();
  await expect(page.getByRole("heading", { name: `Invite link for ${email}` })).toBeVisible();
  const link = await page.getByRole("textbox", { name: "Invite link" }).inputValue();
  expect(link).toMatch(/\/invite\/[A-Za-z0-9_-]{43}$/);
  return link;
}

const inviteRow = (page: Page, email: string) => page.getByRole("list", { name: "Invites" }).getByRole("listitem").filter({ hasText: email });

test.describe("Inviting people by link", () => {
  test("a manager invites a reviewer by email; the reviewer sets their name and password, lands in the project and reviews; the link then says it was used", async ({
    page,
    browser,
    loginAs,
    reviewProject,
  }) => {
    const { project, manager } = await reviewProject({
      template: [{ key: "verdict", kind: "text", text: "Verdict" }],
      items: [{ input: "A prompt for the invited reviewer", outputs: [{ text: "An answer to review" }] }],
    });
    const email = `invited-${randomUUID().slice(0, 8)}@example.com`;
    await loginAs(page, manager);
    await page.goto(`/projects/${project.id}`);
    await expect(page.getByLabel("Invite as")).toHaveValue("reviewer");
    const link = await makeInvite(page, email);
    await expect(page.getByText("Give it to them over a channel you trust.")).toBeVisible();
    await expect(inviteRow(page, email)).toContainText("Pending · Reviewer");

    const context = await browser.newContext();
    const theirs = await context.newPage();
    const response = await theirs.goto(link);
    // why: the global header (same-origin) comes too; a browser applies the last policy it knows, so the page's must come last.
    expect(response?.headers()["referrer-policy"]?.split(/[\n,]\s*/).pop()).toBe("no-referrer");
    await expect(theirs.getByRole("heading", { name: "You are invited" })).toBeVisible();
    await expect(theirs.getByText(`${manager.name} invited ${email} to the project “${project.name}” as reviewer.`)).toBeVisible();
    await theirs.getByLabel("Your name").fill("Invited Reviewer");
    await theirs.getByLabel("Password", { exact: true }).fill(NEW_PASSWORD);
    await theirs.getByLabel("Password again").fill("not the same password");
    await theirs.getByRole("button", { name: "Join" }).click();
    await expect(theirs.getByText("The two passwords differ; type the same one twice.")).toBeVisible();
    await theirs.getByLabel("Password", { exact: true }).fill(NEW_PASSWORD);
    await theirs.getByLabel("Password again").fill(NEW_PASSWORD);
    await theirs.getByRole("button", { name: "Join" }).click();

    await expect(theirs).toHaveURL(new RegExp(`/projects/${project.id}$`));
    await expect(theirs.getByRole("heading", { level: 1, name: project.name })).toBeVisible();
    await theirs.getByRole("link", { name: "Start reviewing" }).click();
    await theirs.getByRole("button", { name: "Start reviewing" }).click();
    await expect(theirs.getByText("A prompt for the invited reviewer")).toBeVisible();

    await theirs.goto(link);
    await expect(theirs.getByRole("alert")).toHaveText("This invite link has already been used. Sign in with the account it set up, or ask for a new invite.");
    await context.close();

    await page.reload();
    await expect(inviteRow(page, email)).toContainText("Used · Reviewer");
    await expect(inviteRow(page, email).getByRole("button")).toHaveCount(0);
    await expect(page.getByRole("list", { name: "Members" })).toContainText(email);
  });

  test("an admin invites someone to the instance and revokes another invite, whose link then says so", async ({ page, browser, admin, loginAs }) => {
    await loginAs(page, admin);
    await page.goto("/admin/users");
    const email = `instance-${randomUUID().slice(0, 8)}@example.com`;
    const link = await makeInvite(page, email);

    const context = await browser.newContext();
    const theirs = await context.newPage();
    await theirs.goto(link);
    await expect(theirs.getByText(`${admin.name} invited ${email} to this Loupe.`)).toBeVisible();
    await theirs.getByLabel("Your name").fill("Instance Newcomer");
    await theirs.getByLabel("Password", { exact: true }).fill(NEW_PASSWORD);
    await theirs.getByLabel("Password again").fill(NEW_PASSWORD);
    await theirs.getByRole("button", { name: "Join" }).click();
    await expect(theirs).toHaveURL(/\/projects$/);
    await expect(theirs.getByRole("heading", { level: 1, name: "Projects" })).toBeVisible();

    const other = `revoked-${randomUUID().slice(0, 8)}@example.com`;
    await page.goto("/admin/users");
    const revokedLink = await makeInvite(page, other);
    await inviteRow(page, other).getByText(`Revoke ${other}`, { exact: true }).click();
    await inviteRow(page, other).getByRole("button", { name: `Yes, revoke the invite for ${other}` }).click();
    await expect(page.getByRole("status")).toHaveText(`Invite for ${other} revoked; its link no longer works.`);
    await expect(inviteRow(page, other)).toContainText("Revoked");

    const stranger = await browser.newContext();
    const strangerPage = await stranger.newPage();
    await strangerPage.goto(revokedLink);
    await expect(strangerPage.getByRole("alert")).toHaveText("This invite link was revoked. Ask whoever invited you for a new one if you still need access.");
    await expect(strangerPage.getByLabel("Your name")).toHaveCount(0);
    await stranger.close();
    await context.close();
  });

  test("someone who already has an account signs in from the invite and joins the project, without a second account", async ({ page, browser, makeUser, makeProject, loginAs }) => {
    const manager = await makeUser({ name: "Manager" });
    const project = await makeProject(manager);
    const existing = await makeUser({ name: "Existing" });
    await loginAs(page, manager);
    await page.goto(`/projects/${project.id}`);
    await page.getByLabel("Invite as").selectOption("engineer");
    const link = await makeInvite(page, existing.email);

    const context = await browser.newContext();
    const theirs = await context.newPage();
    await theirs.goto(link);
    await expect(theirs.getByText(`${existing.email} already has an account. Sign in as ${existing.email}, then open this link again to join.`)).toBeVisible();
    await expect(theirs.getByLabel("Your name")).toHaveCount(0);
    await theirs.getByRole("link", { name: `Sign in as ${existing.email}` }).click();
    await signIn(theirs, existing.email, existing.password);
    await expect(theirs).toHaveURL(link);
    await theirs.getByRole("button", { name: "Join the project" }).click();
    await expect(theirs).toHaveURL(new RegExp(`/projects/${project.id}$`));
    await expect(theirs.getByText("Your role: Engineer")).toBeVisible();
    await context.close();

    await page.reload();
    await expect(page.getByRole("list", { name: "Members" })).toContainText(existing.email);
    await expect(inviteRow(page, existing.email)).toContainText("Used · Engineer");
  });
});
