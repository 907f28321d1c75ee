import { expect, test } from "./fixtures";

test.use({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });

test("on a phone the header and the projects page fit the screen and work", async ({ page, makeUser, makeProject, loginAs }) => {
  const user = await makeUser();
  const project = await makeProject(user);
  await loginAs(page, user);
  await page.goto("/projects");

  const nav = page.getByRole("navigation", { name: "Main" });
  for (const name of ["Projects", "API keys"]) await expect(nav.getByRole("link", { name })).toBeInViewport();
  await expect(page.getByRole("button", { name: "Sign out" })).toBeInViewport();
  await expect(page.getByRole("link", { name: "New project" })).toBeVisible();
  const noSideScroll = () => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
  expect(await noSideScroll()).toBe(true);

  await page.getByRole("link", { name: project.name }).tap();
  await expect(page.getByRole("heading", { level: 1, name: project.name })).toBeVisible();
  await expect(page.getByRole("button", { name: "Add member" })).toBeVisible();
  expect(await noSideScroll()).toBe(true);

  await nav.getByRole("link", { name: "API keys" }).tap();
  await expect(page.getByRole("heading", { level: 1, name: "API keys" })).toBeVisible();
  expect(await noSideScroll()).toBe(true);
});
