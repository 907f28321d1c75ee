import { eq } from "drizzle-orm";
import { projects } from "~db/schema";
import type { Db } from "~/db.server";
import type { Actor } from "~/modules/auth/actor";
import { authorizeProject } from "~/modules/projects/authorize.server";

/** The settings form's current values; only for those who may change them. */
export async function getProjectSettings(db: Db, actor: Actor, projectId: string) {
  await authorizeProject(db, actor, projectId, "project.update");
  const [settings] = await db
    .select({
      id: projects.id,
      name: projects.name,
      description: projects.description,
      guidelines: projects.guidelines,
      overlap: projects.overlap,
      leaseMinutes: projects.leaseMinutes,
      itemOrder: projects.itemOrder,
      showReviewerNames: projects.showReviewerNames,
      hideSuggestionsUntilAnswered: projects.hideSuggestionsUntilAnswered,
      reviewerVisibleFields: projects.reviewerVisibleFields,
      goldRate: projects.goldRate,
      onboardingItems: projects.onboardingItems,
      onboardingPassMark: projects.onboardingPassMark,
    })
    .from(projects)
    .where(eq(projects.id, projectId));
  return settings!;
}
