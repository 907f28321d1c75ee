import { randomUUID } from "node:crypto";
import { db, type Db } from "~/db.server";
import type { Actor } from "~/modules/auth/actor";
import { createUser } from "~/modules/users/create-user.server";

export const PASSWORD = "correct horse battery staple";

/**
 * A new user with a unique email, and the Actor that acts as them. why: most tests set up
 * projects as their manager, so users may create projects unless `canCreateProjects: false`
 * (what the tests of that permission ask for).
 */
export async function makeUser(options: { isAdmin?: boolean; name?: string; on?: Db; canCreateProjects?: boolean } = {}) {
  const tag = randomUUID().slice(0, 8);
  const user = await createUser(options.on ?? db, null, {
    email: `user-${tag}@example.com`,
    name: options.name ?? `User ${tag}`,
    password: PASSWORD,
    isAdmin: options.isAdmin ?? false,
    canCreateProjects: options.canCreateProjects ?? true,
  });
  const actor: Actor = { userId: user.id, isAdmin: user.isAdmin, via: "session" };
  return { ...user, actor };
}
