import { and, eq, gt, isNull, sql } from "drizzle-orm";
import { sessions, users } from "~db/schema";
import type { Db } from "~/db.server";
import { randomToken, sha256 } from "./crypto.server";

const SESSION_DAYS = 30;
// why: refreshing the expiry on every request would turn every page view into a write.
const REFRESH_AFTER_MS = 60 * 60 * 1000;

export type SessionUser = { id: string; email: string; name: string; isAdmin: boolean };

/** Starts a new session for the user and returns the token for the cookie (never stored). */
export async function createSession(
  db: Db,
  input: { userId: string; ip?: string | null; userAgent?: string | null },
): Promise<{ token: string; expiresAt: Date }> {
  const token = randomToken();
  const expiresAt = new Date(Date.now() + SESSION_DAYS * 86_400_000);
  await db.insert(sessions).values({
    idHash: sha256(token),
    userId: input.userId,
    expiresAt,
    ip: input.ip ?? null,
    userAgent: input.userAgent?.slice(0, 300) ?? null,
  });
  return { token, expiresAt };
}

/** The signed-in user for a session token, or null when it is unknown, expired or the user is disabled. */
export async function findSessionUser(db: Db, token: string): Promise<SessionUser | null> {
  const idHash = sha256(token);
  const [row] = await db
    .select({
      id: users.id,
      email: users.email,
      name: users.name,
      isAdmin: users.isAdmin,
      lastSeenAt: sessions.lastSeenAt,
    })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(and(eq(sessions.idHash, idHash), gt(sessions.expiresAt, sql`now()`), isNull(users.disabledAt)))
    .limit(1);
  if (!row) return null;
  if (Date.now() - row.lastSeenAt.getTime() > REFRESH_AFTER_MS) {
    await db
      .update(sessions)
      .set({ lastSeenAt: sql`now()`, expiresAt: sql`now() + make_interval(days => ${SESSION_DAYS})` })
      .where(eq(sessions.idHash, idHash));
  }
  const { lastSeenAt: _seen, ...user } = row;
  return user;
}

export async function revokeSession(db: Db, token: string): Promise<void> {
  await db.delete(sessions).where(eq(sessions.idHash, sha256(token)));
}

export async function revokeUserSessions(db: Db, userId: string): Promise<void> {
  await db.delete(sessions).where(eq(sessions.userId, userId));
}
