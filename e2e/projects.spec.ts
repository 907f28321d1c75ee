import type { Page } from "@playwright/test";
import { expect, test, unique } from "./fixtures";

const memberRow = (page: Page, email: string) => page.getByRole("list", { name: "Members" }).getByRole("listitem").filter({ hasText: email });

test.describe("Projects and their members", () => {
  test("a user creates a project and sees it listed with the Manager role", async ({ page, makeUser, loginAs }) => {
    const user = await makeUser();
    await loginAs(page, user);
    await page.goto("/projects");
    await expect(page.getByRole("heading", { name: "No projects yet" })).toBeVisible();

    const name = unique("Support answers");
    await page.getByRole("link", { name: "New project" }).click();
    await page.getByLabel("Name").fill(name);
    await page.getByLabel("Description").fill("Grading the support bot's replies.");
    await page.getByRole("button", { name: "Create project" }).click();

    await expect(page.getByRole("heading", { level: 1, name })).toBeVisible();
    await expect(page.getByText("Your role: Manager")).toBeVisible();
    await expect(memberRow(page, user.email)).toContainText(user.name);

    await page.getByRole("link", { name: "Projects", exact: true }).click();
    const card = page.getByRole("list", { name: "Your projects" }).getByRole("listitem").filter({ hasText: name });
    await expect(card.getByText("Your role: Manager")).toBeVisible();
    await expect(card).toContainText("1 member");
    await expect(card).toContainText("Grading the support bot's replies.");
  });

  test("a name is taken only among your own projects, and another person's project is never named", async ({ page, makeUser, makeProject, loginAs }) => {
    const user = await makeUser();
    const mine = await makeProject(user);
    const theirs = await makeProject(await makeUser());
    await loginAs(page, user);

    // Someone else's project name is free to use.
    await page.goto("/projects/new");
    await page.getByLabel("Name").fill(theirs.name.toUpperCase());
    await page.getByRole("button", { name: "Create project" }).click();
    await expect(page.getByRole("heading", { level: 1, name: theirs.name.toUpperCase() })).toBeVisible();

    await page.goto("/projects/new");
    await page.getByLabel("Name").fill(mine.name.toUpperCase());
    await page.getByRole("button", { name: "Create project" }).click();
    await expect(page.getByLabel("Name")).toHaveAttribute("aria-invalid", "true");
    await expect(page.getByRole("alert")).toHaveText(`You already have a project named "${mine.name.toUpperCase()}". Choose another name.`);
    await expect(page).toHaveURL(/\/projects\/new$/);
  });

  test("someone an admin has not allowed cannot create projects until an admin allows them", async ({ page, browser, makeUser, admin, loginAs }) => {
    const user = await makeUser({ canCreateProjects: false });
    await loginAs(page, user);
    await page.goto("/projects");
    await expect(page.getByRole("heading", { name: "No projects yet" })).toBeVisible();
    await expect(page.getByText("ask an admin to allow you to create projects")).toBeVisible();
    await expect(page.getByRole("link", { name: "New project" })).toHaveCount(0);
    const direct = await page.goto("/projects/new");
    expect(direct?.status()).toBe(403);
    await expect(page.getByRole("heading", { name: "Not allowed" })).toBeVisible();

    const context = await browser.newContext();
    const adminPage = await context.newPage();
    await loginAs(adminPage, admin);
    await adminPage.goto("/admin/users");
    const row = adminPage.getByRole("list", { name: "Users" }).getByRole("listitem").filter({ hasText: user.email });
    await row.getByRole("button", { name: `Allow project creation for ${user.email}` }).click();
    await expect(adminPage.getByRole("status")).toHaveText("They may now create projects.");
    await expect(row).toContainText("May create projects");
    await context.close();

    await page.goto("/projects");
    await page.getByRole("link", { name: "New project" }).click();
    const name = unique("Allowed");
    await page.getByLabel("Name").fill(name);
    await page.getByRole("button", { name: "Create project" }).click();
    await expect(page.getByRole("heading", { level: 1, name })).toBeVisible();
  });

  test("a manager adds a member with a role, changes the role and removes them", async ({ page, makeUser, makeProject, loginAs }) => {
    const manager = await makeUser();
    const colleague = await makeUser({ name: "Grace" });
    const project = await makeProject(manager);
    await loginAs(page, manager);
    await page.goto(`/projects/${project.id}`);

    await page.getByLabel("Email").fill(colleague.email);
    await page.getByLabel("Role", { exact: true }).selectOption({ label: "Researcher" });
    await page.getByRole("button", { name: "Add member" }).click();
    await expect(page.getByRole("status")).toHaveText(`Added ${colleague.name} as Researcher.`);
    const row = memberRow(page, colleague.email);
    await expect(row.getByLabel(`Role for ${colleague.name}`)).toHaveValue("researcher");
    await expect(page.getByLabel("Email")).toHaveValue("");

    await row.getByLabel(`Role for ${colleague.name}`).selectOption({ label: "Engineer" });
    await row.getByRole("button", { name: `Save role for ${colleague.name}` }).click();
    await expect(page.getByRole("status")).toHaveText("Role changed to Engineer.");
    await page.goto(`/projects/${project.id}`);
    await expect(memberRow(page, colleague.email).getByLabel(`Role for ${colleague.name}`)).toHaveValue("engineer");

    await memberRow(page, colleague.email).getByText(`Remove ${colleague.name}`, { exact: true }).click();
    await memberRow(page, colleague.email).getByRole("button", { name: `Yes, remove ${colleague.name}` }).click();
    await expect(page.getByRole("status")).toHaveText("Member removed.");
    await expect(memberRow(page, colleague.email)).toHaveCount(0);
    await expect(memberRow(page, manager.email)).toHaveCount(1);
  });

  test("adding someone without an account says so next to the email", async ({ page, makeUser, makeProject, loginAs }) => {
    const manager = await makeUser();
    const project = await makeProject(manager);
    await loginAs(page, manager);
    await page.goto(`/projects/${project.id}`);
    const email = `${unique("nobody").replace(" ", "-")}@example.com`;
    await page.getByLabel("Email").fill(email);
    await page.getByRole("button", { name: "Add member" }).click();
    await expect(page.getByLabel("Email")).toHaveAttribute("aria-invalid", "true");
    await expect(page.getByRole("alert")).toHaveText(/no active user/i);
  });

  test("the last manager cannot be demoted or removed", async ({ page, makeUser, makeProject, loginAs }) => {
    const manager = await makeUser();
    const reviewer = await makeUser();
    const project = await makeProject(manager, [{ user: reviewer, role: "reviewer" }]);
    await loginAs(page, manager);
    await page.goto(`/projects/${project.id}`);

    const row = memberRow(page, manager.email);
    await row.getByLabel(`Role for ${manager.name}`).selectOption({ label: "Reviewer" });
    await row.getByRole("button", { name: `Save role for ${manager.name}` }).click();
    await expect(row.getByRole("alert")).toHaveText("A project needs at least one manager: make someone else manager first.");

    await page.goto(`/projects/${project.id}`);
    await expect(page.getByText("Your role: Manager")).toBeVisible();
    await expect(memberRow(page, manager.email).getByLabel(`Role for ${manager.name}`)).toHaveValue("manager");
    await memberRow(page, manager.email).getByText(`Remove ${manager.name}`, { exact: true }).click();
    await memberRow(page, manager.email).getByRole("button", { name: `Yes, remove ${manager.name}` }).click();
    await expect(memberRow(page, manager.email).getByRole("alert")).toContainText("A project needs at least one manager");
    await expect(memberRow(page, manager.email)).toHaveCount(1);
  });

  test("a reviewer sees the project and its members but cannot manage them", async ({ page, makeUser, makeProject, loginAs }) => {
    const manager = await makeUser();
    const reviewer = await makeUser();
    const project = await makeProject(manager, [{ user: reviewer, role: "reviewer" }]);
    await loginAs(page, reviewer);
    await page.goto("/projects");
    await page.getByRole("link", { name: project.name }).click();

    await expect(page.getByRole("heading", { level: 1, name: project.name })).toBeVisible();
    await expect(page.getByText("Your role: Reviewer")).toBeVisible();
    // Only managers see who is who: the reviewer sees themself by name and the manager by pseudonym.
    const members = page.getByRole("list", { name: "Members" }).getByRole("listitem");
    await expect(members.filter({ hasText: `${reviewer.name}(you)` })).toContainText("Reviewer");
    await expect(members.filter({ hasText: /^reviewer-[0-9a-f]{10}/ })).toContainText("Manager");
    await expect(page.getByText(manager.email)).toHaveCount(0);
    await expect(page.getByText(manager.name)).toHaveCount(0);
    await expect(page.getByRole("heading", { name: "Members" })).toBeVisible();
    await expect(page.getByRole("button", { name: "Add member" })).toHaveCount(0);
    await expect(page.getByRole("combobox")).toHaveCount(0);
    await expect(page.getByText(`Remove ${manager.name}`, { exact: true })).toHaveCount(0);
    await expect(page.getByText(`Remove ${reviewer.name}`, { exact: true })).toHaveCount(0);
  });

  test("someone outside the project gets the not-found page for its address", async ({ page, makeUser, makeProject, loginAs }) => {
    const project = await makeProject(await makeUser());
    await loginAs(page, await makeUser());
    const response = await page.goto(`/projects/${project.id}`);
    expect(response?.status()).toBe(404);
    await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
    await expect(page.getByText(project.name)).toHaveCount(0);
  });
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("a manager still adds a member, changes the role and removes them with plain forms", async ({ page, makeUser, makeProject, loginAs }) => {
    const manager = await makeUser();
    const colleague = await makeUser({ name: "Ada" });
    const project = await makeProject(manager);
    await loginAs(page, manager);
    await page.goto(`/projects/${project.id}`);

    await page.getByLabel("Email").fill(colleague.email);
    await page.getByRole("button", { name: "Add member" }).click();
    await expect(page.getByRole("status")).toHaveText(`Added ${colleague.name} as Reviewer.`);

    await memberRow(page, colleague.email).getByLabel(`Role for ${colleague.name}`).selectOption({ label: "Manager" });
    await memberRow(page, colleague.email).getByRole("button", { name: `Save role for ${colleague.name}` }).click();
    await expect(page.getByRole("status")).toHaveText("Role changed to Manager.");
    await expect(memberRow(page, colleague.email).getByLabel(`Role for ${colleague.name}`)).toHaveValue("manager");

    await memberRow(page, colleague.email).getByText(`Remove ${colleague.name}`, { exact: true }).click();
    await memberRow(page, colleague.email).getByRole("button", { name: `Yes, remove ${colleague.name}` }).click();
    await expect(page.getByRole("status")).toHaveText("Member removed.");
    await expect(memberRow(page, colleague.email)).toHaveCount(0);
  });
});
