import { and, eq, sql } from "drizzle-orm";
import { codings, feedback, feedbackCoded, themes } from "~db/schema";
import type { Db } from "~/db.server";
import type { Actor } from "~/modules/auth/actor";
import { authorizeProject } from "~/modules/projects/authorize.server";
import type { ProjectAction } from "~/modules/projects/policy";
import { NotFoundError, ValidationError } from "~/utils/errors";
import { parseOrThrow } from "~/utils/validation";
import { codingInputSchema, type CodingInput } from "./schemas";

/** The comment (its project and length) if the actor may act on it; NotFound otherwise, so ids reveal nothing. */
export async function commentFor(db: Db, actor: Actor, feedbackId: number, action: ProjectAction) {
  const [row] = Number.isSafeInteger(feedbackId)
    ? await db
        .select({
          id: feedback.id,
          projectId: feedback.projectId,
          comment: feedback.comment,
        })
        .from(feedback)
        .where(eq(feedback.id, feedbackId))
    : [];
  if (!row) throw new NotFoundError("No such comment.");
  await authorizeProject(db, actor, row.projectId, action).catch((error: unknown) => {
    throw error instanceof NotFoundError ? new NotFoundError("No such comment.") : error;
  });
  return row;
}

/** Refuses a quote that ends past the comment's end. */
export function checkQuoteFits(comment: string, end: number | null) {
  const message = `The quote ends after the comment (${comment.length} characters).`;
  if (end !== null && end > comment.length) throw new ValidationError(`quoteEnd: ${message}`, [{ field: "quoteEnd", message }]);
}

/**
 * Codes the comment with a theme as the actor (memo and quote replace the actor's earlier ones;
 * other coders' codings are never touched: the coder is in the key), and marks it coded by them.
 */
export async function setCoding(db: Db, actor: Actor, feedbackId: number, input: CodingInput) {
  const comment = await commentFor(db, actor, feedbackId, "feedback.code");
  const v = parseOrThrow(codingInputSchema, input);
  const [theme] = await db
    .select({ id: themes.id })
    .from(themes)
    .where(and(eq(themes.id, v.themeId), eq(themes.projectId, comment.projectId)));
  if (!theme) throw new ValidationError("themeId: No such theme in this project.", [{ field: "themeId", message: "No such theme in this project." }]);
  checkQuoteFits(comment.comment, v.quoteEnd);
  return db.transaction(async (tx) => {
    const [coding] = await tx
      .insert(codings)
      .values({
        feedbackId,
        themeId: v.themeId,
        coderId: actor.userId,
        projectId: comment.projectId,
        memo: v.memo,
        quoteStart: v.quoteStart,
        quoteEnd: v.quoteEnd,
      })
      .onConflictDoUpdate({
        target: [codings.feedbackId, codings.themeId, codings.coderId],
        set: {
          memo: v.memo,
          quoteStart: v.quoteStart,
          quoteEnd: v.quoteEnd,
          updatedAt: new Date(),
        },
      })
      .returning();
    await tx
      .insert(feedbackCoded)
      .values({
        feedbackId,
        coderId: actor.userId,
        projectId: comment.projectId,
      })
      .onConflictDoNothing();
    return coding!;
  });
}

/** Removes the actor's coding of the comment with a theme (others' stay); true when there was one. */
export async function removeCoding(db: Db, actor: Actor, feedbackId: number, themeId: string): Promise<boolean> {
  await commentFor(db, actor, feedbackId, "feedback.code");
  const gone = await db
    .delete(codings)
    .where(and(eq(codings.feedbackId, feedbackId), eq(codings.themeId, themeId), eq(codings.coderId, actor.userId)))
    .returning({ id: codings.themeId });
  return gone.length > 0;
}

/** Adds the theme when the actor has not coded the comment with it, removes it otherwise; answers whether it is on now. */
export async function toggleTheme(db: Db, actor: Actor, feedbackId: number, themeId: string): Promise<boolean> {
  if (await removeCoding(db, actor, feedbackId, themeId)) return false;
  await setCoding(db, actor, feedbackId, { themeId });
  return true;
}

/** Marks the comment finished by the actor ("coded", with any number of themes, none included), or takes the mark back. */
export async function markCoded(db: Db, actor: Actor, feedbackId: number, coded: boolean): Promise<void> {
  const comment = await commentFor(db, actor, feedbackId, "feedback.code");
  if (coded)
    await db
      .insert(feedbackCoded)
      .values({
        feedbackId,
        coderId: actor.userId,
        projectId: comment.projectId,
      })
      .onConflictDoNothing();
  else await db.delete(feedbackCoded).where(and(eq(feedbackCoded.feedbackId, feedbackId), eq(feedbackCoded.coderId, actor.userId)));
}

/** The next comment after `feedbackId` in the project's newest-first order that the actor has not coded (for "mark coded and next"). */
export async function nextUncoded(db: Db, actor: Actor, projectId: string, feedbackId: number): Promise<number | null> {
  const [row] = (await db.execute(sql`
    select f.id from feedback f, (select occurred_at, id from feedback where id = ${feedbackId}) cur
    where f.project_id = ${projectId} and (f.occurred_at, f.id) < (cur.occurred_at, cur.id)
      and not exists (select 1 from feedback_coded fc where fc.feedback_id = f.id and fc.coder_id = ${actor.userId})
    order by f.occurred_at desc nulls last, f.id desc nulls last limit 1`)) as unknown as {
    id: string | number;
  }[];
  return row ? Number(row.id) : null;
}
