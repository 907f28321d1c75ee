import { and, eq, sql } from "drizzle-orm";
import { projects, reviewerOnboarding } from "~db/schema";
import type { Db } from "~/db.server";
import type { Actor } from "~/modules/auth/actor";
import { recordAudit } from "~/modules/audit/record-audit.server";
import { authorizeProject } from "~/modules/projects/authorize.server";
import { ConflictError, NotFoundError } from "~/utils/errors";

export type OnboardingState = "open" | "passed" | "failed";

/** A reviewer's onboarding round as they and their managers see it; null when the project has none and they never had one. */
export type Onboarding = {
  state: OnboardingState | "not started";
  answered: number;
  correct: number;
  /** The round's size and pass mark (0–1, or null: no pass mark) as the project sets them now. */
  items: number;
  passMark: number | null;
  /** The manager let them in by hand. */
  letIn: boolean;
};

// why: one decimal where it matters, so 2 of 3 (66.7%) never reads as the 67% it falls short of.
const pct = (share: number) => `${Number((share * 100).toFixed(1))}%`;

/** What a reviewer's round comes to, in words (their score, the pass mark, and what happens next). */
export function describeOnboarding(o: Onboarding): string {
  const score = o.answered ? `You scored ${o.correct} of ${o.answered} (${pct(o.correct / o.answered)})` : "You answered no training items";
  const short = o.answered < o.items && o.state !== "open" && o.state !== "not started" ? ` The round ended after ${o.answered} of ${o.items} items: there were no more training items for you.` : "";
  switch (o.state) {
    case "not started":
      return `This project starts with a training round of ${o.items} items: after each answer you see the right one and why.`;
    case "open":
      return `Training round: ${o.answered} of ${o.items} answered, ${o.correct} right. After each answer you see the right one and why.`;
    case "passed":
      return o.letIn ? `${score}; your manager let you in.${short}` : `${score}; you passed the training round.${short}`;
    case "failed":
      return `${score}; this project needs ${pct(o.passMark ?? 0)}. Your manager can let you in or give you another round.${short}`;
  }
}

async function readOnboarding(db: Db, projectId: string, userId: string): Promise<Onboarding | null> {
  const [row] = await db
    .select({
      items: projects.onboardingItems,
      passMark: projects.onboardingPassMark,
      state: reviewerOnboarding.state,
      answered: reviewerOnboarding.answered,
      correct: reviewerOnboarding.correct,
      passedBy: reviewerOnboarding.passedBy,
    })
    .from(projects)
    .leftJoin(reviewerOnboarding, and(eq(reviewerOnboarding.projectId, projects.id), eq(reviewerOnboarding.userId, userId)))
    .where(eq(projects.id, projectId));
  if (!row || (row.items === 0 && row.state === null)) return null;
  return { state: row.state ?? "not started", answered: row.answered ?? 0, correct: row.correct ?? 0, items: row.items, passMark: row.passMark, letIn: row.passedBy !== null };
}

/** The actor's own onboarding round in a project (null: none). */
export async function getMyOnboarding(db: Db, actor: Actor, projectId: string): Promise<Onboarding | null> {
  await authorizeProject(db, actor, projectId, "project.view");
  return readOnboarding(db, projectId, actor.userId);
}

/** Why the real queue is closed to a reviewer who failed their round (the claim's refusal). */
export async function onboardingRefusal(db: Db, projectId: string, userId: string): Promise<string> {
  const onboarding = await readOnboarding(db, projectId, userId);
  return onboarding ? describeOnboarding(onboarding) : "Your training round is not passed yet.";
}

/**
 * A manager lets a reviewer in: their round counts as passed whatever they scored (`passed_by`
 * says who). A reviewer without a round yet gets a passed one, so they skip it.
 */
export async function letReviewerIn(db: Db, actor: Actor, projectId: string, userId: string): Promise<void> {
  await authorizeProject(db, actor, projectId, "members.manage");
  await db.transaction(async (tx) => {
    await member(tx, projectId, userId);
    await tx
      .insert(reviewerOnboarding)
      .values({ projectId, userId, state: "passed", passedBy: actor.userId, finishedAt: new Date() })
      .onConflictDoUpdate({ target: [reviewerOnboarding.projectId, reviewerOnboarding.userId], set: { state: "passed", passedBy: actor.userId, finishedAt: new Date() } });
    await recordAudit(tx, { actorUserId: actor.userId, action: "onboarding.let_in", targetType: "project", targetId: projectId, data: { userId } });
  });
}

/** A manager gives a reviewer a new round: their row goes, and their next claims hand out gold items they have not answered. */
export async function newOnboardingRound(db: Db, actor: Actor, projectId: string, userId: string): Promise<void> {
  await authorizeProject(db, actor, projectId, "members.manage");
  await db.transaction(async (tx) => {
    await member(tx, projectId, userId);
    const [{ items } = { items: 0 }] = await tx.select({ items: projects.onboardingItems }).from(projects).where(eq(projects.id, projectId));
    if (items === 0) throw new ConflictError("This project has no onboarding round; set its number of items in the settings first.");
    await tx.delete(reviewerOnboarding).where(and(eq(reviewerOnboarding.projectId, projectId), eq(reviewerOnboarding.userId, userId)));
    await recordAudit(tx, { actorUserId: actor.userId, action: "onboarding.new_round", targetType: "project", targetId: projectId, data: { userId } });
  });
}

async function member(db: Db, projectId: string, userId: string) {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(userId)) throw new NotFoundError("No such member of this project.");
  const rows = await db.execute(sql`select 1 from project_members where project_id = ${projectId} and user_id = ${userId}`);
  if (!rows.length) throw new NotFoundError("No such member of this project.");
}
