import { and, desc, eq, lt, or, sql } from "drizzle-orm";
import { annotations, assignments, items, projects, reviewerOnboarding, suggestions, users } from "~db/schema";
import type { Db } from "~/db.server";
import type { Actor } from "~/modules/auth/actor";
import { authorizeProject } from "~/modules/projects/authorize.server";
import { projectPeople } from "~/modules/projects/people.server";
import { can, type ProjectRole } from "~/modules/projects/policy";
import { pairwiseOrder, type Answers } from "~/modules/templates/answers";
import { getTemplate } from "~/modules/templates/get-template.server";
import type { StoredInput } from "~/modules/items/schemas";
import { NotFoundError } from "~/utils/errors";
import type { Question } from "~/modules/questions";
import { checkAgainstGold, type GoldCheck } from "./gold-check";

export type ReviewItem = Awaited<ReturnType<typeof getReviewItem>>;

/**
 * Everything the review screen shows for one item, scoped to the actor. Blind review: other
 * reviewers' answers are included only for roles that may read all annotations. Reviewers can
 * open only items they hold or held; roles that may read items can open any in the project.
 */
export async function getReviewItem(db: Db, actor: Actor, itemId: number) {
  if (!Number.isSafeInteger(itemId) || itemId <= 0) throw new NotFoundError("No such item.");
  const [item] = await db.select().from(items).where(eq(items.id, itemId));
  if (!item) throw new NotFoundError("No such item.");
  const access = await authorizeProject(db, actor, item.projectId, "project.view");
  const subject = { isAdmin: actor.isAdmin, role: access.role };
  const [assignment] = await db
    .select({ id: assignments.id, state: assignments.state, expiresAt: assignments.expiresAt, skipReason: assignments.skipReason })
    .from(assignments)
    .where(and(eq(assignments.itemId, itemId), eq(assignments.userId, actor.userId)));
  if (!assignment && !can(subject, "items.read")) throw new NotFoundError("No such item.");

  const [[project], [own], itemSuggestions] = await Promise.all([
    db
      .select({
        id: projects.id,
        name: projects.name,
        guidelines: projects.guidelines,
        templateVersion: projects.templateVersion,
        overlap: projects.overlap,
        hideSuggestionsUntilAnswered: projects.hideSuggestionsUntilAnswered,
        reviewerVisibleFields: projects.reviewerVisibleFields,
      })
      .from(projects)
      .where(eq(projects.id, item.projectId)),
    db
      .select({
        id: annotations.id,
        values: annotations.values,
        version: annotations.version,
        status: annotations.status,
        templateVersion: annotations.templateVersion,
        updatedAt: annotations.updatedAt,
        submittedAt: annotations.submittedAt,
      })
      .from(annotations)
      .where(and(eq(annotations.itemId, itemId), eq(annotations.userId, actor.userId))),
    db
      .select({
        questionKey: suggestions.questionKey,
        value: suggestions.value,
        confidence: suggestions.confidence,
        source: suggestions.source,
        origin: suggestions.origin,
        rationale: suggestions.rationale,
      })
      .from(suggestions)
      .where(eq(suggestions.itemId, itemId))
      .orderBy(desc(suggestions.createdAt)),
  ]);
  const template = await getTemplate(db, item.projectId, own?.status === "submitted" ? own.templateVersion : undefined);
  // why: blind review — members who may not read items (reviewers) see who or what made an output
  // only as far as the project shows it; the page and the API get the same scrubbed item.
  const view = can(subject, "items.read") ? null : new Set(project!.reviewerVisibleFields);
  const outputs = blindOutputs(item.outputs as { text: string; model?: string }[], view);
  const metadata = view ? Object.fromEntries(Object.entries(item.metadata).filter(([key]) => view.has(key))) : item.metadata;
  const { reviewerVisibleFields: _visible, ...projectShown } = project!;
  const others = can(subject, "annotations.read_all") ? await othersAnswers(db, actor, item.projectId, access.role, itemId) : null;
  const { submittedAt: _submittedAt, ...ownShown } = own ?? { submittedAt: null };
  return {
    project: projectShown,
    role: access.role,
    template,
    item: {
      id: item.id,
      externalId: item.externalId,
      input: item.input as StoredInput,
      outputs,
      reference: item.reference,
      metadata,
      // why: gold items are unmarked for reviewers; a gold status would tell them the answer is known.
      status: view && item.status === "gold" ? ("open" as const) : item.status,
      createdAt: item.createdAt,
    },
    assignment: assignment ?? null,
    annotation: own ? { ...(ownShown as Omit<typeof own, "submittedAt">), values: own.values as Answers } : null,
    /** Newest first. None until the actor has submitted, in projects that hide them against anchoring. */
    suggestions: project!.hideSuggestionsUntilAnswered && own?.status !== "submitted" ? [] : itemSuggestions,
    /** Output indexes left to right for this reviewer (randomized per reviewer and item). */
    order: outputs.length >= 2 ? pairwiseOrder(actor.userId, item.id, outputs.length) : [0],
    /** Other reviewers' submitted answers; null when the actor's role keeps review blind. */
    others,
    /** The gold answer beside the actor's, only after they submitted it in their onboarding round; null otherwise. */
    goldFeedback: item.status === "gold" && item.gold && own?.status === "submitted" && template ? await onboardingFeedback(db, actor, item, own, template.questions) : null,
  };
}

/**
 * The right answer and its explanation, for an answer the actor submitted during their onboarding
 * round (between its start and its end): the one place a gold answer reaches a reviewer.
 */
async function onboardingFeedback(
  db: Db,
  actor: Actor,
  item: { projectId: string; gold: Record<string, unknown> | null; goldExplanation: string | null },
  own: { values: unknown; submittedAt: Date | null },
  questions: Question[],
): Promise<(GoldCheck & { explanation: string | null }) | null> {
  const submittedAt = own.submittedAt;
  if (!submittedAt || !item.gold) return null;
  const [round] = await db
    .select({ startedAt: reviewerOnboarding.startedAt, finishedAt: reviewerOnboarding.finishedAt })
    .from(reviewerOnboarding)
    .where(and(eq(reviewerOnboarding.projectId, item.projectId), eq(reviewerOnboarding.userId, actor.userId)));
  if (!round || submittedAt < round.startedAt || (round.finishedAt && submittedAt > round.finishedAt)) return null;
  return { ...checkAgainstGold(questions, item.gold, own.values as Record<string, unknown>), explanation: item.goldExplanation };
}

/** Outputs as a blind viewer may see them: the text, and the model only when the project shows it (`view` null: everything). */
function blindOutputs(outputs: { text: string; model?: string }[], view: Set<string> | null): { text: string; model?: string }[] {
  if (!view) return outputs;
  return outputs.map((o) => (view.has("model") && o.model !== undefined ? { text: o.text, model: o.model } : { text: o.text }));
}

/** Other reviewers' submitted answers, each reviewer named or pseudonymous as the actor may see them. */
async function othersAnswers(db: Db, actor: Actor, projectId: string, role: ProjectRole | null, itemId: number) {
  const rows = await db
    .select({ userId: annotations.userId, name: users.name, values: annotations.values, submittedAt: annotations.submittedAt })
    .from(annotations)
    .innerJoin(users, eq(users.id, annotations.userId))
    .where(and(eq(annotations.itemId, itemId), eq(annotations.status, "submitted"), sql`${annotations.userId} <> ${actor.userId}`))
    .orderBy(annotations.submittedAt);
  const seen = await (await projectPeople(db, actor, projectId, role)).see(rows.map((r) => ({ id: r.userId, name: r.name })));
  return rows.map((r, i) => ({ userName: seen[i]!.label, values: r.values, submittedAt: r.submittedAt }));
}

/** The actor's own answers in a project, newest change first, keyset-paginated. */
export async function listMyWork(db: Db, actor: Actor, projectId: string, page: { before?: { updatedAt: Date; id: string }; limit?: number } = {}) {
  await authorizeProject(db, actor, projectId, "review.annotate");
  const limit = Math.min(page.limit ?? 50, 200);
  const rows = await db
    .select({
      id: annotations.id,
      itemId: annotations.itemId,
      status: annotations.status,
      version: annotations.version,
      values: annotations.values,
      templateVersion: annotations.templateVersion,
      updatedAt: annotations.updatedAt,
      /** Changed after it was first submitted (an earlier submitted version is in its history). */
      edited: sql<boolean>`exists (select 1 from annotation_history h where h.annotation_id = ${annotations.id} and h.status = 'submitted' and h.version < ${annotations.version})`,
      preview: sql<string>`left(coalesce(${items.input}->>'text', ${items.input}->'messages'->-1->>'content', ''), 160)`,
    })
    .from(annotations)
    .innerJoin(items, eq(items.id, annotations.itemId))
    .where(
      and(
        eq(annotations.userId, actor.userId),
        eq(annotations.projectId, projectId),
        page.before
          ? or(lt(annotations.updatedAt, page.before.updatedAt), and(eq(annotations.updatedAt, page.before.updatedAt), lt(annotations.id, page.before.id)))
          : undefined,
      ),
    )
    .orderBy(desc(annotations.updatedAt), desc(annotations.id))
    .limit(limit + 1);
  const more = rows.length > limit;
  const pageRows = rows.slice(0, limit);
  const last = pageRows.at(-1);
  return { rows: pageRows, next: more && last ? { updatedAt: last.updatedAt, id: last.id } : null };
}

/** Items the actor skipped in a project, newest first (at most `limit`), and whether each can still come back to them. */
export async function listMySkipped(db: Db, actor: Actor, projectId: string, limit = 100) {
  await authorizeProject(db, actor, projectId, "review.annotate");
  return db.execute<{ item_id: number; reason: string | null; skipped_at: Date; preview: string; open: boolean }>(sql`
    select a.item_id::float8 as item_id, a.skip_reason as reason, a.updated_at as skipped_at, i.status = 'open' as open,
           left(coalesce(i.input->>'text', i.input->'messages'->-1->>'content', ''), 160) as preview
      from assignments a join items i on i.id = a.item_id
     where a.user_id = ${actor.userId} and a.project_id = ${projectId} and a.state = 'skipped'
     order by a.updated_at desc, a.item_id desc
     limit ${Math.min(limit, 500)}`);
}

/**
 * Project progress: items done / in progress (someone holds a live lease) / left, and answers
 * per reviewer today and in total. Reviewers see only their own line; managers see everyone's.
 */
export async function getProgress(db: Db, actor: Actor, projectId: string) {
  const access = await authorizeProject(db, actor, projectId, "project.view");
  const seeAll = can({ isAdmin: actor.isAdmin, role: access.role }, "annotations.read_all");
  const [[counts], reviewers] = await Promise.all([
    db.execute<{ total: number; done: number; in_progress: number }>(sql`
      select count(*)::int as total,
             count(*) filter (where status = 'done')::int as done,
             count(*) filter (where status = 'open' and exists (
               select 1 from assignments a where a.item_id = items.id and a.state = 'leased' and a.expires_at > now()))::int as in_progress
      from items where project_id = ${projectId} and status not in ('held', 'gold')`),
    db
      .select({
        userId: users.id,
        name: users.name,
        today: sql<number>`count(*) filter (where ${annotations.submittedAt} >= date_trunc('day', now()))::int`,
        total: sql<number>`count(*)::int`,
      })
      .from(annotations)
      .innerJoin(users, eq(users.id, annotations.userId))
      .where(and(eq(annotations.projectId, projectId), eq(annotations.status, "submitted"), seeAll ? undefined : eq(annotations.userId, actor.userId)))
      .groupBy(users.id, users.name)
      .orderBy(desc(sql`count(*)`)),
  ]);
  const { total, done, in_progress } = counts!;
  const people = await projectPeople(db, actor, projectId, access.role);
  const seen = await people.see(reviewers.map((r) => ({ id: r.userId, name: r.name })));
  return {
    total,
    done,
    inProgress: in_progress,
    left: total - done - in_progress,
    reviewers: reviewers.map((r, i) => ({ key: seen[i]!.userId ?? seen[i]!.label, name: seen[i]!.label, isYou: seen[i]!.isYou, today: r.today, total: r.total })),
  };
}

/** What the review start page shows of a project: its name and guidelines, for any member. */
export async function getReviewProject(db: Db, actor: Actor, projectId: string) {
  const access = await authorizeProject(db, actor, projectId, "project.view");
  const [project] = await db.select({ id: projects.id, name: projects.name, guidelines: projects.guidelines }).from(projects).where(eq(projects.id, projectId));
  return { ...project!, canReview: can({ isAdmin: actor.isAdmin, role: access.role }, "review.annotate") };
}
