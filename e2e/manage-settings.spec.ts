import { eq } from "drizzle-orm";
import { projects } from "~db/schema";
import { expect, test } from "./fixtures";

test.describe("Managers shape a project in its settings", () => {
  test("overlap, lease, item order and guidelines are saved and shown again", async ({ page, db, makeUser, makeProject, loginAs }) => {
    const manager = await makeUser();
    const project = await makeProject(manager);
    await loginAs(page, manager);
    await page.goto(`/projects/${project.id}`);
    await page.getByRole("link", { name: "Settings", exact: true }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Project settings" })).toBeVisible();

    await page.getByLabel("Annotations per item").fill("3");
    await page.getByLabel("Lease minutes").fill("45");
    await page.getByLabel("Item order").selectOption({ label: "Random" });
    await page.getByLabel("Guidelines (markdown)").fill("## Be strict\n\n- Check **every** number.");
    const preview = page.getByRole("region", { name: "Preview" });
    await expect(preview.getByRole("heading", { name: "Be strict" })).toBeVisible();
    await expect(preview.getByRole("listitem")).toHaveText("Check every number.");
    await page.getByRole("button", { name: "Save settings" }).click();
    await expect(page.getByRole("status")).toHaveText("Settings saved.");

    const [stored] = await db
      .select({ overlap: projects.overlap, leaseMinutes: projects.leaseMinutes, itemOrder: projects.itemOrder, guidelines: projects.guidelines })
      .from(projects)
      .where(eq(projects.id, project.id));
    expect(stored).toEqual({ overlap: 3, leaseMinutes: 45, itemOrder: "random", guidelines: "## Be strict\n\n- Check **every** number." });

    await page.reload();
    await expect(page.getByLabel("Annotations per item")).toHaveValue("3");
    await expect(page.getByLabel("Lease minutes")).toHaveValue("45");
    await expect(page.getByLabel("Item order")).toHaveValue("random");
    await expect(preview.getByRole("heading", { name: "Be strict" })).toBeVisible();
  });

  test("the queue can hand out what the classifier is least sure of first", async ({ page, db, makeUser, makeProject, loginAs }) => {
    const manager = await makeUser();
    const project = await makeProject(manager);
    await loginAs(page, manager);
    await page.goto(`/projects/${project.id}/settings`);
    await expect(page.getByText("Items it has not predicted come after, in priority order.")).toBeVisible();
    await page.getByLabel("Item order").selectOption({ label: "Most uncertain first" });
    await page.getByRole("button", { name: "Save settings" }).click();
    await expect(page.getByRole("status")).toHaveText("Settings saved.");

    const [stored] = await db.select({ itemOrder: projects.itemOrder }).from(projects).where(eq(projects.id, project.id));
    expect(stored).toEqual({ itemOrder: "uncertain" });
    await page.reload();
    await expect(page.getByLabel("Item order")).toHaveValue("uncertain");
  });

  test("guidelines preview shows HTML as text and runs nothing", async ({ page, makeUser, makeProject, loginAs }) => {
    const manager = await makeUser();
    const project = await makeProject(manager);
    await loginAs(page, manager);
    const dialogs: string[] = [];
    page.on("dialog", (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    await page.goto(`/projects/${project.id}/settings`);

    const hostile = '<script>window.__pwned = 1</script>\n\n<img src=x onerror="alert(1)">\n\n[click](javascript:alert(2))';
    await page.getByLabel("Guidelines (markdown)").fill(hostile);
    const preview = page.getByRole("region", { name: "Preview" });
    await expect(preview.getByText("<script>window.__pwned = 1</script>")).toBeVisible();
    await expect(preview.getByText('<img src=x onerror="alert(1)">')).toBeVisible();
    await expect(preview.locator("script, img")).toHaveCount(0);
    await expect(preview.getByRole("link")).toHaveCount(0);

    await page.getByRole("button", { name: "Save settings" }).click();
    await expect(page.getByRole("status")).toHaveText("Settings saved.");
    await page.reload();
    await expect(preview.getByText("<script>window.__pwned = 1</script>")).toBeVisible();
    expect(await page.evaluate(() => (window as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(dialogs).toEqual([]);
  });

  test("a value out of range is refused next to its field and nothing changes", async ({ page, db, makeUser, makeProject, loginAs }) => {
    const manager = await makeUser();
    const project = await makeProject(manager);
    await loginAs(page, manager);
    await page.goto(`/projects/${project.id}/settings`);

    await page.getByLabel("Guidelines (markdown)").fill("x".repeat(100_001));
    await page.getByLabel("Lease minutes").fill("90");
    await page.getByRole("button", { name: "Save settings" }).click();

    await expect(page.getByText("The settings were not saved: see the fields marked below.")).toBeVisible();
    await expect(page.getByLabel("Guidelines (markdown)")).toHaveAccessibleDescription("Keep guidelines under 100,000 characters.");
    await expect(page.getByLabel("Lease minutes")).toHaveValue("90");
    const [stored] = await db.select({ leaseMinutes: projects.leaseMinutes, guidelines: projects.guidelines }).from(projects).where(eq(projects.id, project.id));
    expect(stored).toEqual({ leaseMinutes: 30, guidelines: "" });
  });

  test("reviewers are refused the settings page", async ({ page, makeUser, makeProject, loginAs }) => {
    const manager = await makeUser();
    const reviewer = await makeUser();
    const project = await makeProject(manager, [{ user: reviewer, role: "reviewer" }]);
    await loginAs(page, reviewer);
    const response = await page.goto(`/projects/${project.id}/settings`);
    expect(response?.status()).toBe(403);
    await expect(page.getByLabel("Annotations per item")).toHaveCount(0);
  });
});
