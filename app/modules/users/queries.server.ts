import { and, asc, eq, isNull, sql } from "drizzle-orm";
import { users } from "~db/schema";
import type { Db } from "~/db.server";
import type { Actor } from "~/modules/auth/actor";
import { ConflictError, ForbiddenError, NotFoundError } from "~/utils/errors";

export async function listUsers(db: Db, actor: Actor) {
  if (!actor.isAdmin) throw new ForbiddenError("Only admins can list users.");
  return db
    .select({
      id: users.id,
      email: users.email,
      name: users.name,
      isAdmin: users.isAdmin,
      canCreateProjects: users.canCreateProjects,
      disabledAt: users.disabledAt,
      createdAt: users.createdAt,
    })
    .from(users)
    .orderBy(asc(users.email))
    .limit(1000);
}

export async function findUserByEmail(db: Db, email: string) {
  const [user] = await db
    .select({ id: users.id, email: users.email, name: users.name, isAdmin: users.isAdmin, disabledAt: users.disabledAt })
    .from(users)
    .where(sql`lower(${users.email}) = ${email.trim().toLowerCase()}`)
    .limit(1);
  return user;
}

/** The enabled account with this email (the CLI acts as it); NotFound or Conflict otherwise. */
export async function findActiveUser(db: Db, email: string) {
  const user = await findUserByEmail(db, email);
  if (!user) throw new NotFoundError(`No user has the email ${email}.`);
  if (user.disabledAt) throw new ConflictError(`The account ${user.email} is disabled.`);
  return user;
}

/** Up to `limit` enabled instance admins. */
export async function activeAdmins(db: Db, limit = 2) {
  return db
    .select({ id: users.id, email: users.email, isAdmin: users.isAdmin })
    .from(users)
    .where(and(eq(users.isAdmin, true), isNull(users.disabledAt)))
    .orderBy(asc(users.email))
    .limit(limit);
}
