import { eq } from "drizzle-orm";
import { projects } from "~db/schema";
import { sqlOf, type Db } from "~/db.server";
import type { Actor } from "~/modules/auth/actor";
import { peopleVisibility, type PeopleVisibility, type ProjectRole } from "./policy";

export type Person = { id: string | null; name: string | null; email?: string | null };
export type SeenPerson = {
  /** The user's id for those who may identify people; null for everyone else. */
  userId: string | null;
  /** Their name, or their pseudonym on this project ("unknown" for a deleted account). */
  label: string;
  email: string | null;
  isYou: boolean;
};

export type People = PeopleVisibility & {
  /** Each person as the viewer may see them, in the order given. */
  see(people: Person[]): Promise<SeenPerson[]>;
};

/**
 * The one place that decides how people appear to `actor` on a project (review screen, members,
 * progress, quality, imports): names and emails for managers and admins; for everyone else the
 * project pseudonym, or the name (never the email) when the project shows names to members.
 * Viewers always see their own name.
 */
export async function projectPeople(db: Db, actor: Actor, projectId: string, role: ProjectRole | null): Promise<People> {
  const [project] = await db.select({ showReviewerNames: projects.showReviewerNames }).from(projects).where(eq(projects.id, projectId));
  const view = peopleVisibility({ isAdmin: actor.isAdmin, role }, { showReviewerNames: project?.showReviewerNames ?? false });
  return {
    ...view,
    see: async (people) => {
      const others = people.filter((p) => p.id && p.id !== actor.userId).map((p) => p.id!);
      const pseudonyms = view.names ? new Map<string, string>() : await pseudonymsFor(db, projectId, others);
      return people.map((p) => {
        const isYou = p.id === actor.userId;
        const label = view.names || isYou ? (p.name ?? "unknown") : ((p.id && pseudonyms.get(p.id)) ?? "unknown");
        return { userId: view.emails || isYou ? p.id : null, label, email: view.emails || isYou ? (p.email ?? null) : null, isYou };
      });
    },
  };
}

/**
 * The project pseudonyms of these users, giving one to each who has none yet. They are the ones
 * the quality report and dataset exports use, so a reviewer is the same pseudonym everywhere.
 */
export async function pseudonymsFor(db: Db, projectId: string, userIds: string[]): Promise<Map<string, string>> {
  const ids = [...new Set(userIds)];
  if (ids.length === 0) return new Map();
  const sql = sqlOf(db);
  // why: a random pseudonym may collide with one the project already has (the insert then skips
  // that user); another round gives them a fresh one.
  for (let round = 0; round < 3; round++) {
    await sql`
      insert into reviewer_pseudonyms (project_id, user_id, pseudonym)
      select ${projectId}, id, 'reviewer-' || substr(md5(gen_random_uuid()::text), 1, 10) from unnest(${ids}::uuid[]) id
      on conflict do nothing`;
    const rows = await sql<{ user_id: string; pseudonym: string }[]>`
      select user_id, pseudonym from reviewer_pseudonyms where project_id = ${projectId} and user_id = any(${ids}::uuid[])`;
    if (rows.length === ids.length || round === 2) return new Map(rows.map((r) => [r.user_id, r.pseudonym]));
  }
  return new Map();
}
