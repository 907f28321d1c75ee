import { gt, sql } from "drizzle-orm";
import { setupTokens, users } from "~db/schema";
import type { Db } from "~/db.server";
import { recordAudit } from "~/modules/audit/record-audit.server";
import { hashPassword } from "./password.server";
import { newUserSchema } from "./schemas";
import { randomToken, sha256 } from "./crypto.server";
import { ForbiddenError } from "~/utils/errors";
import { parseOrThrow } from "~/utils/validation";

const TOKEN_HOURS = 24;
// why: one constant shared by every process, so two first-admin attempts cannot both win.
const FIRST_ADMIN_LOCK = 7_311_042_902;

export async function hasAnyUser(db: Db): Promise<boolean> {
  const rows = await db.select({ one: sql`1` }).from(users).limit(1);
  return rows.length > 0;
}

/** While the instance has no user, issues a one-time token for the setup page; otherwise undefined. */
export async function issueSetupToken(db: Db): Promise<string | undefined> {
  if (await hasAnyUser(db)) return undefined;
  const token = randomToken();
  await db.insert(setupTokens).values({
    tokenHash: sha256(token),
    expiresAt: new Date(Date.now() + TOKEN_HOURS * 3_600_000),
  });
  return token;
}

export async function isSetupTokenValid(db: Db, token: string): Promise<boolean> {
  const rows = await db
    .select({ one: sql`1` })
    .from(setupTokens)
    .where(sql`${setupTokens.tokenHash} = ${sha256(token)} and ${gt(setupTokens.expiresAt, sql`now()`)}`)
    .limit(1);
  return rows.length > 0 && !(await hasAnyUser(db));
}

/**
 * Creates the first admin. Needs a valid setup token (unless `trusted`, for the operator's
 * LOUPE_ADMIN_* variables) and succeeds only while there is no user at all; the tokens die with it.
 */
export async function createFirstAdmin(
  db: Db,
  input: { token?: string; email: string; name: string; password: string; trusted?: boolean },
): Promise<{ id: string; email: string } | undefined> {
  const data = parseOrThrow(newUserSchema, { ...input, isAdmin: true });
  const passwordHash = await hashPassword(data.password);
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${FIRST_ADMIN_LOCK})`);
    if (await hasAnyUser(tx)) {
      if (input.trusted) return undefined;
      throw new ForbiddenError("Loupe is already set up. Sign in instead.");
    }
    if (!input.trusted) {
      const valid = await tx
        .delete(setupTokens)
        .where(sql`${setupTokens.tokenHash} = ${sha256(input.token ?? "")} and ${setupTokens.expiresAt} > now()`)
        .returning({ tokenHash: setupTokens.tokenHash });
      if (valid.length === 0) {
        throw new ForbiddenError("This setup link is invalid or has expired. Restart Loupe to get a new one.");
      }
    }
    const [user] = await tx
      .insert(users)
      .values({ email: data.email, name: data.name, passwordHash, isAdmin: true })
      .returning({ id: users.id, email: users.email });
    await tx.delete(setupTokens);
    await recordAudit(tx, {
      actorUserId: user!.id,
      action: "user.create_first_admin",
      targetType: "user",
      targetId: user!.id,
      data: { via: input.trusted ? "environment" : "setup-link" },
    });
    return user;
  });
}
