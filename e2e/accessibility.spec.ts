import { feedback } from "~db/schema";
import { createDataset } from "~/modules/datasets/create-dataset.server";
import { createInvite } from "~/modules/invites/create-invite.server";
import { addItems } from "~/modules/items/add-items.server";
import { addMember } from "~/modules/projects/add-member.server";
import { updateProjectSettings } from "~/modules/projects/update-settings.server";
import { savePromptVersion } from "~/modules/prompts/save-prompt-version.server";
import { createTheme } from "~/modules/research/themes.server";
import { submitAnnotation } from "~/modules/review/submit-annotation.server";
import { saveTemplate } from "~/modules/templates/save-template.server";
import { expect, test } from "./fixtures";
import { expectNoAxeViolations } from "./support/axe";

// why: each test walks many pages of one seeded project; they are independent of each other.
test.describe.configure({ mode: "parallel" });

type Deps = Pick<Parameters<Parameters<typeof test>[2]>[0], "db" | "makeUser" | "makeProject">;

/**
 * A project with something on every page: a template of every everyday kind, items with two
 * outputs, two reviewers who disagree (so adjudication, quality and insight have figures), a
 * dataset, prompts, feedback with a theme, and a researcher.
 */
async function seed({ db, makeUser, makeProject }: Deps) {
  const manager = await makeUser({ name: "Manager" });
  const reviewers = [await makeUser({ name: "Ada" }), await makeUser({ name: "Ben" })];
  const fresh = await makeUser({ name: "Cleo" });
  const project = await makeProject(manager, [...reviewers, fresh].map((user) => ({ user, role: "reviewer" as const })));
  await saveTemplate(db, manager.actor, project.id, {
    questions: [
      { key: "ok", kind: "thumbs", text: "Acceptable?" },
      { key: "quality", kind: "rating", text: "How good is it?", min: 1, max: 5 },
      { key: "intent", kind: "choice", text: "Intent", options: [{ value: "billing" }, { value: "refund" }, { value: "other" }] },
      { key: "pick", kind: "pairwise", text: "Which is better?" },
      { key: "fixed", kind: "correction", text: "Correct the first response" },
    ],
  });
  await updateProjectSettings(db, manager.actor, project.id, { overlap: 2 });
  const { ids } = await addItems(
    db,
    manager.actor,
    project.id,
    Array.from({ length: 6 }, (_, i) => ({
      input: `Question ${i}: how do I get a refund?`,
      outputs: [
        { text: `Answer A${i}. Open **Billing** and choose *Refund*.`, model: "alpha" },
        { text: `Answer B${i}. Write to support.`, model: "beta" },
      ],
      metadata: { lang: i % 2 ? "en" : "de" },
    })),
  );
  for (const [i, itemId] of ids.slice(0, 2).entries()) {
    for (const [r, reviewer] of reviewers.entries()) {
      const values = { ok: r === 0 ? "up" : "down", quality: 3 + r, intent: r === 0 ? "refund" : "billing", pick: { winner: r, shown: [0, 1] } };
      await submitAnnotation(db, reviewer.actor, { itemId, values, idempotencyKey: `a11y-${itemId}-${r}-${i}` });
    }
  }
  const researcher = await makeUser({ name: "Researcher" });
  await addMember(db, manager.actor, project.id, { email: researcher.email, role: "researcher" });
  const dataset = await createDataset(db, manager.actor, project.id, { name: "Everything", filter: { status: "any" }, options: {} });
  await savePromptVersion(db, manager.actor, project.id, { name: "Grade", purpose: "judge", user: "Question: {{input}}\nAnswer: {{output}}", questions: ["quality"] });
  await db.insert(feedback).values([
    { projectId: project.id, comment: "The refund answer was wrong", segment: "free", model: "alpha", scoreKind: "thumbs", score: 0, occurredAt: new Date("2026-11-01T10:00:00Z") },
    { projectId: project.id, comment: "Quick and clear", segment: "pro", model: "beta", scoreKind: "thumbs", score: 1, occurredAt: new Date("2026-11-02T10:00:00Z") },
  ]);
  await createTheme(db, manager.actor, project.id, { name: "Wrong answers" });
  return { manager, reviewers, fresh, researcher, project, itemIds: ids, datasetId: dataset.id };
}

test("every page a manager uses passes axe-core (WCAG 2.1 AA)", async ({ page, db, makeUser, makeProject, loginAs }) => {
  const { manager, project, itemIds, datasetId } = await seed({ db, makeUser, makeProject });
  await loginAs(page, manager);
  const p = `/projects/${project.id}`;
  const pages: [string, string][] = [
    ["/projects", "Projects"],
    ["/projects/new", "New project"],
    [p, "the project page"],
    [`${p}/settings`, "Settings"],
    [`${p}/template`, "Template"],
    [`${p}/import`, "Import"],
    [`${p}/items`, "Data manager"],
    [`${p}/items/${itemIds[0]}`, "An item in the data manager"],
    [`${p}/webhooks`, "Webhooks"],
    [`${p}/adjudicate`, "Adjudication list"],
    [`${p}/adjudicate/${itemIds[0]}`, "Adjudicate an item"],
    [`${p}/quality`, "Quality"],
    [`${p}/reviewers`, "Reviewers"],
    [`${p}/insight`, "Dashboards"],
    [`${p}/datasets`, "Datasets"],
    [`${p}/datasets/new`, "New dataset"],
    [`${p}/datasets/${datasetId}`, "A dataset"],
    [`${p}/prompts`, "Prompts"],
    [`${p}/classifier`, "Classifier"],
    [`${p}/distillation`, "Distillation"],
    [`${p}/feedback`, "Feedback inbox"],
    [`${p}/feedback/themes`, "Codebook"],
    [`${p}/feedback/quotes`, "Quote sets"],
    [`${p}/feedback/samples`, "Coding samples"],
    [`${p}/feedback/trends`, "Theme trends"],
    [`${p}/feedback/suggestions`, "Theme suggestions"],
    [`${p}/feedback-settings`, "Feedback settings"],
    ["/settings/password", "Password"],
    ["/settings/api-keys", "API keys"],
  ];
  for (const [url, where] of pages) {
    const response = await page.goto(url);
    expect(response?.status(), `${where} (${url})`).toBe(200);
    await expectNoAxeViolations(page, where);
  }
});

test("every page a reviewer uses passes axe-core, in the middle of reviewing too", async ({ page, db, makeUser, makeProject, loginAs }) => {
  const { reviewers, fresh, project } = await seed({ db, makeUser, makeProject });
  await loginAs(page, fresh);
  await page.goto(`/projects/${project.id}`);
  await expectNoAxeViolations(page, "the project page (reviewer)");
  await page.goto(`/projects/${project.id}/review`);
  await expectNoAxeViolations(page, "the review start page");
  await page.getByRole("button", { name: "Start reviewing" }).click();
  await expect(page.getByRole("heading", { level: 1, name: /^Item #\d+$/ })).toBeVisible();
  await expectNoAxeViolations(page, "the review screen");
  await page.getByRole("button", { name: "Shortcuts" }).click();
  await expect(page.getByRole("dialog")).toBeVisible();
  await expectNoAxeViolations(page, "the shortcuts dialog");
  await page.keyboard.press("Escape");
  await page.getByRole("button", { name: "Wide editor" }).click();
  await expect(page.getByRole("dialog", { name: /Correct the first response/ })).toBeVisible();
  await expectNoAxeViolations(page, "the wide correction editor");
  await page.keyboard.press("Escape");
  await page.goto(`/projects/${project.id}/work`);
  await expectNoAxeViolations(page, "My work (nothing answered)");

  await page.context().clearCookies();
  await loginAs(page, reviewers[0]!);
  await page.goto(`/projects/${project.id}/work`);
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  await expectNoAxeViolations(page, "My work (two answers)");
});

test("the sign-in page, an invite link and the admin pages pass axe-core", async ({ page, db, admin, loginAs, baseURL }) => {
  await page.goto("/login");
  await expectNoAxeViolations(page, "Sign in");
  const invite = await createInvite(db, admin.actor, { projectId: null, input: { email: `a11y-${Date.now()}@example.com` }, origin: baseURL! });
  await page.goto(new URL(invite.link).pathname);
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  await expectNoAxeViolations(page, "an invite link");
  await loginAs(page, admin);
  for (const [url, where] of [
    ["/admin/users", "Users"],
    ["/admin/llm", "LLM providers"],
    ["/admin/llm/new", "New LLM provider"],
    ["/admin/health", "Health"],
  ] as const) {
    const response = await page.goto(url);
    expect(response?.status(), where).toBe(200);
    await expectNoAxeViolations(page, where);
  }
});
