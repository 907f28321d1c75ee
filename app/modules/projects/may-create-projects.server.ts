import { and, eq, isNull } from "drizzle-orm";
import { users } from "~db/schema";
import type { Db } from "~/db.server";
import type { Actor } from "~/modules/auth/actor";
import { instanceSettings } from "~/utils/env.server";
import { canOnInstance } from "./policy";

export const MAY_NOT_CREATE_PROJECTS = "Only admins and the people they allow can create projects on this Loupe. Ask an admin to allow you.";

/** Whether the actor may create projects here: the instance setting, the user's own flag, and the policy. */
export async function mayCreateProjects(db: Db, actor: Actor): Promise<boolean> {
  const [row] = await db
    .select({ canCreateProjects: users.canCreateProjects })
    .from(users)
    .where(and(eq(users.id, actor.userId), isNull(users.disabledAt)));
  const subject = { isAdmin: actor.isAdmin, canCreateProjects: row?.canCreateProjects ?? false, operator: actor.via === "cli" };
  return canOnInstance(subject, "projects.create", instanceSettings());
}
