import { eq, sql } from "drizzle-orm";
import { z } from "zod";
import { items, itemOrders, projects, queueCursors } from "~db/schema";
import type { Db } from "~/db.server";
import type { Actor } from "~/modules/auth/actor";
import { recordAudit } from "~/modules/audit/record-audit.server";
import { ConflictError } from "~/utils/errors";
import { parseOrThrow } from "~/utils/validation";
import { authorizeProject } from "./authorize.server";
import { MAX_OVERLAP } from "./schemas";

export const settingsSchema = z
  .object({
    name: z.string().trim().min(1, { error: "Enter a project name." }).max(120),
    description: z.string().trim().max(2000),
    guidelines: z.string().max(100_000, { error: "Keep guidelines under 100,000 characters." }),
    overlap: z.int({ error: "Expected a whole number." }).min(1, { error: "At least 1." }).max(MAX_OVERLAP, { error: `At most ${MAX_OVERLAP}.` }),
    leaseMinutes: z.int({ error: "Expected a whole number." }).min(1, { error: "At least 1 minute." }).max(1440, { error: "At most 1440 minutes (a day)." }),
    itemOrder: z.enum(itemOrders, { error: `Expected one of: ${itemOrders.join(", ")}.` }),
    showReviewerNames: z
      .boolean({ error: "Expected true or false." })
      .describe("show members their fellow members' names instead of pseudonyms (managers and admins always see names and emails)"),
    hideSuggestionsUntilAnswered: z
      .boolean({ error: "Expected true or false." })
      .describe("against anchoring: reviewers see no suggestion (LLM judge, import, classifier) for an item until they have submitted their own answer to it"),
    reviewerVisibleFields: z
      .array(z.string().trim().min(1, { error: "A field name cannot be blank." }).max(100, { error: "Keep field names under 100 characters." }), {
        error: "Expected a list of field names.",
      })
      .max(50, { error: "Name at most 50 fields." })
      .transform((fields) => [...new Set(fields)])
      .describe('blind review: what reviewers see of who or what made an output — "model" for the outputs\' model names, any other name a metadata field; nothing by default'),
    goldRate: z
      .number({ error: "Expected a share from 0 to 1 (0.1 is 10%)." })
      .min(0, { error: "At least 0 (0%)." })
      .max(1, { error: "At most 1 (100%)." })
      .describe("the share of a reviewer's claims that hand out a gold item they have not answered (0.1: one in ten), unmarked; only while regular items are left"),
    onboardingItems: z
      .int({ error: "Expected a whole number of items." })
      .min(0, { error: "At least 0 (no onboarding round)." })
      .max(200, { error: "At most 200 items." })
      .describe("gold items a new reviewer answers first, each followed by the right answer and its explanation; 0: no onboarding round"),
    onboardingPassMark: z
      .number({ error: "Expected a share from 0 to 1 (0.8 is 80%), or null for no pass mark." })
      .min(0, { error: "At least 0 (0%)." })
      .max(1, { error: "At most 1 (100%)." })
      .nullable()
      .describe("the share of the onboarding round a reviewer must answer right before the real queue opens; null: none"),
  })
  .partial();
export type SettingsInput = z.input<typeof settingsSchema>;

/**
 * Changes project settings. A new overlap re-opens or closes items at once, so the queue
 * follows it: raising it sends finished items back for more answers. Switching to random order
 * gives every item a random queue key. Either change sends every reviewer's walk back to the
 * start of the queue.
 */
export async function updateProjectSettings(db: Db, actor: Actor, projectId: string, input: SettingsInput) {
  await authorizeProject(db, actor, projectId, "project.update");
  const changes = parseOrThrow(settingsSchema, input);
  return db.transaction(async (tx) => {
    const [project] = await tx
      .update(projects)
      .set({ ...changes, updatedAt: new Date() })
      .where(eq(projects.id, projectId))
      .returning()
      .catch((error: unknown) => {
        if ((error as { cause?: { code?: string } }).cause?.code === "23505" || (error as { code?: string }).code === "23505") {
          // why: names are unique per creator; the message names nothing the actor did not type.
          throw new ConflictError(`The person who created this project already has one named "${changes.name}". Choose another name.`);
        }
        throw error;
      });
    if (changes.overlap !== undefined) {
      await tx
        .update(items)
        .set({ status: sql`case when ${items.submittedCount} >= ${changes.overlap} + ${items.extraAnswers} then 'done'::item_status else 'open'::item_status end` })
        // why: an item a machine labelled under the routing policy, one held out of the queue (an
        // output end-user feedback is about), or a gold item stays out of the queue whatever the overlap.
        .where(
          sql`${items.projectId} = ${projectId} and ${items.status} not in ('held', 'gold') and ${items.status} <> (case when ${items.submittedCount} >= ${changes.overlap} + ${items.extraAnswers} then 'done'::item_status else 'open'::item_status end)
            and not exists (select 1 from machine_labels m where m.item_id = ${items.id})`,
        );
    }
    if (changes.itemOrder === "random") {
      // why: only random-order projects keep random queue keys (see items.randomKey).
      await tx
        .update(items)
        .set({ randomKey: sql`floor(random() * 2147483647)::int` })
        .where(sql`${items.projectId} = ${projectId} and ${items.randomKey} is null`);
    }
    if (changes.overlap !== undefined || changes.itemOrder !== undefined) {
      // why: the reviewers' cursors mark places in the old order, or pass over items the new
      // overlap re-opened; from the start of the queue, each walk finds its place again.
      await tx.delete(queueCursors).where(eq(queueCursors.projectId, projectId));
    }
    await recordAudit(tx, { actorUserId: actor.userId, action: "project.settings", targetType: "project", targetId: projectId, data: changes });
    return project!;
  });
}
