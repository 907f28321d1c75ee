import { and, eq, sql } from "drizzle-orm";
import { quoteSetItems, quoteSets } from "~db/schema";
import type { Db } from "~/db.server";
import type { Actor } from "~/modules/auth/actor";
import { recordAudit } from "~/modules/audit/record-audit.server";
import { authorizeProject } from "~/modules/projects/authorize.server";
import type { ProjectAction } from "~/modules/projects/policy";
import { NotFoundError, ValidationError } from "~/utils/errors";
import { parseOrThrow } from "~/utils/validation";
import { checkQuoteFits, commentFor } from "./codings.server";
import { attribute, type Attributed } from "./comment.server";
import { pgArray, quoteItemInputSchema, quoteSetInputSchema, type QuoteItemInput, type QuoteSetInput } from "./schemas";

export type QuoteSet = typeof quoteSets.$inferSelect;

/** The set and the actor's role on its project; NotFound for a set the actor cannot see. */
async function setFor(db: Db, actor: Actor, setId: string, action: ProjectAction) {
  const [set] = /^[0-9a-f-]{36}$/i.test(setId) ? await db.select().from(quoteSets).where(eq(quoteSets.id, setId)) : [];
  if (!set) throw new NotFoundError("No such quote set.");
  const access = await authorizeProject(db, actor, set.projectId, action).catch((error: unknown) => {
    throw error instanceof NotFoundError ? new NotFoundError("No such quote set.") : error;
  });
  return { set, role: access.role };
}

export async function createQuoteSet(db: Db, actor: Actor, projectId: string, input: QuoteSetInput): Promise<QuoteSet> {
  await authorizeProject(db, actor, projectId, "feedback.code");
  const v = parseOrThrow(quoteSetInputSchema, input);
  const [set] = await db
    .insert(quoteSets)
    .values({
      projectId,
      name: v.name,
      description: v.description,
      createdBy: actor.userId,
    })
    .returning();
  return set!;
}

/** The project's quote sets, newest first, with how many quotes each holds. */
export async function listQuoteSets(db: Db, actor: Actor, projectId: string) {
  await authorizeProject(db, actor, projectId, "feedback.read");
  const rows = (await db.execute(sql`
    select s.id, s.name, s.description, s.created_at, (select count(*)::int from quote_set_items i where i.set_id = s.id) as quotes
    from quote_sets s where s.project_id = ${projectId} order by s.created_at desc, s.id`)) as unknown as {
    id: string;
    name: string;
    description: string;
    created_at: string | Date;
    quotes: number;
  }[];
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    description: r.description,
    createdAt: new Date(r.created_at).toISOString(),
    quotes: r.quotes,
  }));
}

export type Quote = {
  feedbackId: number;
  position: number;
  note: string;
  quoteStart: number | null;
  quoteEnd: number | null;
  comment: string;
  /** The quoted passage, or the whole comment. */
  text: string;
  score: number | null;
  scoreKind: "thumbs" | "stars" | null;
  segment: string | null;
  model: string | null;
  occurredAt: string;
  author: Attributed;
};

/** A quote set with its quotes in order, each attributed pseudonymously (feedback.read: shareable with the project). */
export async function getQuoteSet(db: Db, actor: Actor, setId: string): Promise<{ set: QuoteSet; quotes: Quote[] }> {
  const { set, role } = await setFor(db, actor, setId, "feedback.read");
  const rows = (await db.execute(sql`
    select q.feedback_id, q.position, q.note, q.quote_start, q.quote_end, f.comment, f.score, f.score_kind, f.segment, f.model, f.source, f.user_id,
      to_char(f.occurred_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as occurred_at,
      a.user_id as reviewer_id, u.name as reviewer_name, u.email as reviewer_email
    from quote_set_items q join feedback f on f.id = q.feedback_id
    left join annotations a on a.id = f.annotation_id left join users u on u.id = a.user_id
    where q.set_id = ${set.id} order by q.position, q.added_at`)) as unknown as {
    feedback_id: string | number;
    position: number;
    note: string;
    quote_start: number | null;
    quote_end: number | null;
    comment: string;
    score: number | null;
    score_kind: Quote["scoreKind"];
    segment: string | null;
    model: string | null;
    source: "end_user" | "reviewer";
    user_id: string | null;
    occurred_at: string;
    reviewer_id: string | null;
    reviewer_name: string | null;
    reviewer_email: string | null;
  }[];
  const authors = await attribute(db, actor, set.projectId, role, rows);
  return {
    set,
    quotes: rows.map((r, i) => ({
      feedbackId: Number(r.feedback_id),
      position: r.position,
      note: r.note,
      quoteStart: r.quote_start,
      quoteEnd: r.quote_end,
      comment: r.comment,
      text: r.quote_start !== null && r.quote_end !== null ? r.comment.slice(r.quote_start, r.quote_end) : r.comment,
      score: r.score,
      scoreKind: r.score_kind,
      segment: r.segment,
      model: r.model,
      occurredAt: r.occurred_at,
      author: authors[i]!,
    })),
  };
}

export async function updateQuoteSet(db: Db, actor: Actor, setId: string, input: QuoteSetInput): Promise<QuoteSet> {
  const { set } = await setFor(db, actor, setId, "feedback.code");
  const v = parseOrThrow(quoteSetInputSchema, input);
  const [updated] = await db.update(quoteSets).set({ name: v.name, description: v.description, updatedAt: new Date() }).where(eq(quoteSets.id, set.id)).returning();
  return updated!;
}

export async function deleteQuoteSet(db: Db, actor: Actor, setId: string): Promise<void> {
  const { set } = await setFor(db, actor, setId, "feedback.code");
  await db.transaction(async (tx) => {
    await tx.delete(quoteSets).where(eq(quoteSets.id, set.id));
    await recordAudit(tx, {
      actorUserId: actor.userId,
      action: "quote_set.delete",
      targetType: "quote_set",
      targetId: set.id,
      data: { projectId: set.projectId, name: set.name },
    });
  });
}

/** Adds a comment (or a passage of it) with a note at the end of the set; adding it again updates the passage and note in place. */
export async function addQuote(db: Db, actor: Actor, setId: string, input: QuoteItemInput) {
  const { set } = await setFor(db, actor, setId, "feedback.code");
  const v = parseOrThrow(quoteItemInputSchema, input);
  const comment = await commentFor(db, actor, v.feedbackId, "feedback.read").catch(() => null);
  if (!comment || comment.projectId !== set.projectId)
    throw new ValidationError("feedbackId: No such comment in this project.", [{ field: "feedbackId", message: "No such comment in this project." }]);
  checkQuoteFits(comment.comment, v.quoteEnd);
  return db.transaction(async (tx) => {
    await tx.execute(sql`select id from quote_sets where id = ${set.id} for update`);
    const [{ next }] = (await tx.execute(sql`select coalesce(max(position), -1)::int + 1 as next from quote_set_items where set_id = ${set.id}`)) as unknown as [{ next: number }];
    await tx
      .insert(quoteSetItems)
      .values({
        setId: set.id,
        feedbackId: v.feedbackId,
        position: next,
        quoteStart: v.quoteStart,
        quoteEnd: v.quoteEnd,
        note: v.note,
        addedBy: actor.userId,
      })
      .onConflictDoUpdate({
        target: [quoteSetItems.setId, quoteSetItems.feedbackId],
        set: { quoteStart: v.quoteStart, quoteEnd: v.quoteEnd, note: v.note },
      });
    await tx.update(quoteSets).set({ updatedAt: new Date() }).where(eq(quoteSets.id, set.id));
  });
}

export async function removeQuote(db: Db, actor: Actor, setId: string, feedbackId: number): Promise<boolean> {
  const { set } = await setFor(db, actor, setId, "feedback.code");
  const gone = await db
    .delete(quoteSetItems)
    .where(and(eq(quoteSetItems.setId, set.id), eq(quoteSetItems.feedbackId, feedbackId)))
    .returning({ id: quoteSetItems.feedbackId });
  return gone.length > 0;
}

/** Puts the set's quotes in the order given (every quote of the set, each once). */
export async function reorderQuotes(db: Db, actor: Actor, setId: string, feedbackIds: number[]): Promise<void> {
  const { set } = await setFor(db, actor, setId, "feedback.code");
  await db.transaction(async (tx) => {
    const current = (await tx.execute(sql`select feedback_id from quote_set_items where set_id = ${set.id} for update`)) as unknown as { feedback_id: string | number }[];
    const have = new Set(current.map((r) => Number(r.feedback_id)));
    if (feedbackIds.length !== have.size || new Set(feedbackIds).size !== have.size || feedbackIds.some((id) => !have.has(id))) {
      throw new ValidationError("order: Give every quote of the set exactly once.", [
        {
          field: "order",
          message: "Give every quote of the set exactly once.",
        },
      ]);
    }
    await tx.execute(
      sql`update quote_set_items q set position = o.n - 1 from unnest(${pgArray(feedbackIds)}::bigint[]) with ordinality o(id, n) where q.set_id = ${
        set.id
      } and q.feedback_id = o.id`
    );
  });
}

/** Moves one quote a place up or down. */
export async function moveQuote(db: Db, actor: Actor, setId: string, feedbackId: number, by: -1 | 1): Promise<void> {
  const { quotes } = await getQuoteSet(db, actor, setId);
  const ids = quotes.map((q) => q.feedbackId);
  const at = ids.indexOf(feedbackId);
  const to = at + by;
  if (at < 0 || to < 0 || to >= ids.length) return;
  [ids[at], ids[to]] = [ids[to]!, ids[at]!];
  await reorderQuotes(db, actor, setId, ids);
}
