import { eq, sql } from "drizzle-orm";
import { feedbackSettings } from "~db/schema";
import type { Db } from "~/db.server";
import type { Actor } from "~/modules/auth/actor";
import { recordAudit } from "~/modules/audit/record-audit.server";
import { authorizeProject } from "~/modules/projects/authorize.server";
import { parseOrThrow } from "~/utils/validation";
import { feedbackSettingsSchema, type FeedbackSettings } from "./schemas";

export const DEFAULT_FEEDBACK_SETTINGS: FeedbackSettings = { redactPii: false, retentionDays: null, queueSampleRate: 0 };

/** A project's feedback settings (the defaults when it never changed them). Managers only. */
export async function getFeedbackSettings(db: Db, actor: Actor, projectId: string): Promise<FeedbackSettings> {
  await authorizeProject(db, actor, projectId, "feedback.manage");
  const [row] = await db
    .select({ redactPii: feedbackSettings.redactPii, retentionDays: feedbackSettings.retentionDays, queueSampleRate: feedbackSettings.queueSampleRate })
    .from(feedbackSettings)
    .where(eq(feedbackSettings.projectId, projectId));
  return row ?? DEFAULT_FEEDBACK_SETTINGS;
}

/** Saves a project's feedback settings whole (redaction, retention, queue sample rate). Managers only; audited. */
export async function saveFeedbackSettings(db: Db, actor: Actor, projectId: string, input: FeedbackSettings): Promise<FeedbackSettings> {
  await authorizeProject(db, actor, projectId, "feedback.manage");
  const values = parseOrThrow(feedbackSettingsSchema, input);
  return db.transaction(async (tx) => {
    await tx
      .insert(feedbackSettings)
      .values({ projectId, ...values })
      .onConflictDoUpdate({ target: feedbackSettings.projectId, set: { ...values, updatedAt: sql`now()` } });
    await recordAudit(tx, { actorUserId: actor.userId, action: "feedback.settings", targetType: "project", targetId: projectId, data: values });
    return values;
  });
}
