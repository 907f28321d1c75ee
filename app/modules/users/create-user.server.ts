import { users } from "~db/schema";
import type { Db } from "~/db.server";
import type { Actor } from "~/modules/auth/actor";
import { hashPassword } from "~/modules/auth/password.server";
import type { z } from "zod";
import { newUserSchema } from "~/modules/auth/schemas";
import { recordAudit } from "~/modules/audit/record-audit.server";
import { ConflictError, ForbiddenError } from "~/utils/errors";
import { parseOrThrow } from "~/utils/validation";

export type CreatedUser = { id: string; email: string; name: string; isAdmin: boolean; canCreateProjects: boolean };

/** Creates an account. Only instance admins may; the CLI acts as an admin of the machine it runs on. */
export async function createUser(db: Db, actor: Actor | null, input: z.input<typeof newUserSchema>): Promise<CreatedUser> {
  if (actor && !actor.isAdmin) throw new ForbiddenError("Only admins can create users.");
  const data = parseOrThrow(newUserSchema, input);
  const passwordHash = await hashPassword(data.password);
  return db.transaction(async (tx) => {
    const [user] = await tx
      .insert(users)
      .values({ email: data.email, name: data.name, passwordHash, isAdmin: data.isAdmin, canCreateProjects: data.canCreateProjects })
      .onConflictDoNothing()
      .returning({ id: users.id, email: users.email, name: users.name, isAdmin: users.isAdmin, canCreateProjects: users.canCreateProjects });
    if (!user) throw new ConflictError(`A user with the email ${data.email} already exists.`);
    await recordAudit(tx, {
      actorUserId: actor?.userId ?? null,
      action: "user.create",
      targetType: "user",
      targetId: user.id,
      data: { email: user.email, isAdmin: user.isAdmin, canCreateProjects: user.canCreateProjects },
    });
    return user;
  });
}
