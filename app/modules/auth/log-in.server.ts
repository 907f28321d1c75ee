import { sql } from "drizzle-orm";
import { users } from "~db/schema";
import type { Db } from "~/db.server";
import { UnauthorizedError } from "~/utils/errors";
import { verifyPassword } from "./password.server";
import { clearFailures, countAttempt, refundAttempt } from "./rate-limit.server";
import { createSession, type SessionUser } from "./sessions.server";

export const LOGIN_FAILED = "That email and password do not match an active account.";
const MAX_FAILURES_PER_EMAIL = 5;
const MAX_FAILURES_PER_IP = 30;

/**
 * Checks a password and opens a new session. Unknown email, wrong password and disabled user
 * fail with the same message after the same work. Attempts are counted per email and per IP
 * before the password is checked, so parallel guesses cannot outrun the limit; a success clears
 * the email's count and gives the address its attempt back.
 */
export async function logIn(
  db: Db,
  input: { email: string; password: string; ip: string; userAgent?: string | null },
): Promise<{ user: SessionUser; token: string; expiresAt: Date }> {
  const email = input.email.trim().toLowerCase();
  const keys = { email: `login:email:${email}`, ip: `login:ip:${input.ip}` };
  await countAttempt(
    db,
    [
      { key: keys.email, max: MAX_FAILURES_PER_EMAIL },
      { key: keys.ip, max: MAX_FAILURES_PER_IP },
    ],
    "Too many failed sign-in attempts.",
  );
  const [row] = await db
    .select({
      id: users.id,
      email: users.email,
      name: users.name,
      isAdmin: users.isAdmin,
      passwordHash: users.passwordHash,
      disabledAt: users.disabledAt,
    })
    .from(users)
    .where(sql`lower(${users.email}) = ${email}`)
    .limit(1);
  const passwordOk = await verifyPassword(row?.passwordHash, input.password);
  if (!row || !passwordOk || row.disabledAt) throw new UnauthorizedError(LOGIN_FAILED);
  await clearFailures(db, [keys.email]);
  await refundAttempt(db, [keys.ip]);
  const session = await createSession(db, { userId: row.id, ip: input.ip, userAgent: input.userAgent });
  return { user: { id: row.id, email: row.email, name: row.name, isAdmin: row.isAdmin }, ...session };
}
