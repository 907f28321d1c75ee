import { and, desc, eq, sql } from "drizzle-orm";
import { promptVersions } from "~db/schema";
import type { Db } from "~/db.server";
import type { Actor } from "~/modules/auth/actor";
import { authorizeProject } from "~/modules/projects/authorize.server";
import { NotFoundError } from "~/utils/errors";
import type { SavedPromptVersion } from "./save-prompt-version.server";

/** The newest version of each prompt name in the project, with how many versions it has. */
export async function listPrompts(db: Db, actor: Actor, projectId: string) {
  await authorizeProject(db, actor, projectId, "project.view");
  return db
    .selectDistinctOn([sql`lower(${promptVersions.name})`], {
      id: promptVersions.id,
      name: promptVersions.name,
      version: promptVersions.version,
      purpose: promptVersions.purpose,
      system: promptVersions.system,
      user: promptVersions.user,
      params: promptVersions.params,
      questions: promptVersions.questions,
      createdAt: promptVersions.createdAt,
      versions: sql<number>`count(*) over (partition by lower(${promptVersions.name}))::int`,
    })
    .from(promptVersions)
    .where(eq(promptVersions.projectId, projectId))
    .orderBy(sql`lower(${promptVersions.name})`, desc(promptVersions.version));
}

/** One prompt version of the project (any member may read the prompts that made its outputs). */
export async function getPromptVersion(db: Db, actor: Actor, projectId: string, id: string): Promise<SavedPromptVersion> {
  await authorizeProject(db, actor, projectId, "project.view");
  const [row] = /^[0-9a-f-]{36}$/i.test(id)
    ? await db.select().from(promptVersions).where(and(eq(promptVersions.projectId, projectId), eq(promptVersions.id, id)))
    : [];
  if (!row) throw new NotFoundError("No such prompt version.");
  return row;
}

/** Every version of a prompt name, newest first. */
export async function promptHistory(db: Db, actor: Actor, projectId: string, name: string): Promise<SavedPromptVersion[]> {
  await authorizeProject(db, actor, projectId, "project.view");
  return db
    .select()
    .from(promptVersions)
    .where(and(eq(promptVersions.projectId, projectId), sql`lower(${promptVersions.name}) = lower(${name})`))
    .orderBy(desc(promptVersions.version));
}
