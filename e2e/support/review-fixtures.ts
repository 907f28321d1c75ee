import { and, eq } from "drizzle-orm";
import { annotations } from "~db/schema";
import type { Page } from "@playwright/test";
import type { Database } from "~/db.server";
import { addItems } from "~/modules/items/add-items.server";
import type { NewItem } from "~/modules/items/schemas";
import { updateProjectSettings, type SettingsInput } from "~/modules/projects/update-settings.server";
import { templatePresets, type TemplatePresetId } from "~/modules/templates/presets";
import type { QuestionInput } from "~/modules/templates/schemas";
import { saveTemplate } from "~/modules/templates/save-template.server";
import { expect, test as base, type TestProject, type TestUser } from "../fixtures";

/** A project ready for review: its template, items (in queue order) and the reviewer who will answer. */
export type ReviewSetup = { project: TestProject; manager: TestUser; reviewer: TestUser; itemIds: number[] };

type ReviewOptions = {
  /** A preset id or the questions themselves. */
  template: TemplatePresetId | QuestionInput[];
  items: NewItem[];
  settings?: SettingsInput;
};

type ReviewFixtures = {
  /** Creates a project through the verbs (template, items, settings) with a fresh manager and reviewer. */
  reviewProject: (options: ReviewOptions) => Promise<ReviewSetup>;
  /** The reviewer's stored annotation of an item, straight from the database. */
  annotationOf: (itemId: number, user: TestUser) => Promise<{ id: string; status: string; values: Record<string, unknown>; version: number } | null>;
};

export const test = base.extend<ReviewFixtures>({
  reviewProject: async ({ db, makeUser, makeProject }, use) => {
    await use(async ({ template, items, settings }) => {
      const manager = await makeUser({ name: "Manager" });
      const reviewer = await makeUser({ name: "Reviewer" });
      const project = await makeProject(manager, [{ user: reviewer, role: "reviewer" }]);
      const questions = typeof template === "string" ? templatePresets[template].template.questions : template;
      await saveTemplate(db, manager.actor, project.id, { questions: questions as QuestionInput[] });
      // why: one item per call keeps the queue order (priority, then oldest) the order given here.
      const itemIds: number[] = [];
      for (const [i, item] of items.entries()) {
        const added = await addItems(db, manager.actor, project.id, [{ priority: items.length - i, ...item }]);
        itemIds.push(added.ids[0]!);
      }
      if (settings) await updateProjectSettings(db, manager.actor, project.id, settings);
      return { project, manager, reviewer, itemIds };
    });
  },

  annotationOf: async ({ db }, use) => {
    await use(async (itemId, user) => {
      const [row] = await (db as Database)
        .select({ id: annotations.id, status: annotations.status, values: annotations.values, version: annotations.version })
        .from(annotations)
        .where(and(eq(annotations.itemId, itemId), eq(annotations.userId, user.id)));
      return row ?? null;
    });
  },
});

export { expect };

/** Opens the review start page and takes the first item, as a reviewer does. */
export async function startReviewing(page: Page, projectId: string) {
  await page.goto(`/projects/${projectId}/review`);
  await page.getByRole("button", { name: "Start reviewing" }).click();
  await expect(page.getByRole("heading", { level: 1, name: /^Item #\d+$/ })).toBeVisible();
}

/** The item id of the review page now showing. */
export function currentItemId(page: Page): number {
  const match = /\/review\/(\d+)/.exec(page.url());
  if (!match) throw new Error(`Not on an item page: ${page.url()}`);
  return Number(match[1]);
}
