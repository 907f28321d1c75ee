import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { rateLimits, sessions } from "~db/schema";
import { db } from "~/db.server";
import { setUserDisabled } from "~/modules/users/set-user-disabled.server";
import { RateLimitedError, UnauthorizedError } from "~/utils/errors";
import { makeUser, PASSWORD } from "~test/factories";
import { sha256 } from "./crypto.server";
import { LOGIN_FAILED, logIn } from "./log-in.server";
import { findSessionUser, revokeSession } from "./sessions.server";

const ip = () => `10.0.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;

async function failureOf(attempt: Promise<unknown>) {
  try {
    await attempt;
  } catch (error) {
    return error;
  }
  throw new Error("expected the sign-in to fail");
}

describe("logIn", () => {
  it("opens a new server-side session whose token is not stored as such", async () => {
    const user = await makeUser();
    const first = await logIn(db, { email: user.email.toUpperCase(), password: PASSWORD, ip: ip() });
    const second = await logIn(db, { email: user.email, password: PASSWORD, ip: ip() });
    expect(first.token).not.toBe(second.token);
    expect(first.user).toMatchObject({ id: user.id, email: user.email });
    const stored = await db.select().from(sessions).where(eq(sessions.userId, user.id));
    expect(stored.map((s) => s.idHash).sort()).toEqual([sha256(first.token), sha256(second.token)].sort());
    expect(stored.some((s) => s.idHash === first.token)).toBe(false);
    expect(await findSessionUser(db, first.token)).toMatchObject({ id: user.id });
  });

  it("fails with one generic message for a wrong password, an unknown email and a disabled user", async () => {
    const user = await makeUser();
    const disabled = await makeUser();
    const admin = await makeUser({ isAdmin: true });
    await setUserDisabled(db, admin.actor, { userId: disabled.id, disabled: true });

    const errors = [
      await failureOf(logIn(db, { email: user.email, password: "wrong password!", ip: ip() })),
      await failureOf(logIn(db, { email: `nobody-${user.id}@example.com`, password: PASSWORD, ip: ip() })),
      await failureOf(logIn(db, { email: disabled.email, password: PASSWORD, ip: ip() })),
    ];
    for (const error of errors) {
      expect(error).toBeInstanceOf(UnauthorizedError);
      expect((error as Error).message).toBe(LOGIN_FAILED);
    }
  });

  it("spends the same password-hashing work on unknown emails as on wrong passwords", async () => {
    const user = await makeUser();
    const median = async (email: string) => {
      const times: number[] = [];
      for (let i = 0; i < 7; i++) {
        // why: this process's CPU time, not the wall clock, so other load on the machine (CI,
        // parallel suites) does not blur the comparison; argon2's work runs on our own threads.
        const start = process.cpuUsage();
        await failureOf(logIn(db, { email, password: `wrong-${i}`, ip: ip() }));
        const used = process.cpuUsage(start);
        times.push(used.user + used.system);
      }
      return times.sort((a, b) => a - b)[3]!;
    };
    // Warm the dummy hash so its one-time creation does not count.
    await failureOf(logIn(db, { email: "warm-up@example.com", password: "x", ip: ip() }));
    await db.delete(rateLimits).where(sql`${rateLimits.key} like ${`login:email:%${user.id}%`}`);
    const known = await median(user.email);
    const unknown = await median(`unknown-${user.id}@example.com`);
    // An unknown email that skipped argon2 would answer in well under a tenth of the time.
    expect(unknown / known).toBeGreaterThan(0.4);
    expect(unknown / known).toBeLessThan(2.5);
  });

  it("throttles an email after 5 failures, even with the right password, and says when to retry", async () => {
    const user = await makeUser();
    for (let i = 0; i < 5; i++) {
      await failureOf(logIn(db, { email: user.email, password: "nope nope nope", ip: ip() }));
    }
    const error = await failureOf(logIn(db, { email: user.email, password: PASSWORD, ip: ip() }));
    expect(error).toBeInstanceOf(RateLimitedError);
    expect((error as RateLimitedError).retryAfterSeconds).toBeGreaterThan(800);
    expect((error as RateLimitedError).retryAfterSeconds).toBeLessThanOrEqual(900);

    // Once the window has passed, the right password works again and clears the counter.
    await db
      .update(rateLimits)
      .set({ windowStartedAt: sql`now() - interval '16 minutes'` })
      .where(eq(rateLimits.key, `login:email:${user.email}`));
    await expect(logIn(db, { email: user.email, password: PASSWORD, ip: ip() })).resolves.toMatchObject({
      user: { id: user.id },
    });
    expect(await db.select().from(rateLimits).where(eq(rateLimits.key, `login:email:${user.email}`))).toEqual([]);
  });

  it("checks at most 5 passwords for one email when 60 wrong guesses arrive at once", async () => {
    const user = await makeUser();
    const outcomes = await Promise.allSettled(
      Array.from({ length: 60 }, (_, i) => logIn(db, { email: user.email, password: `guess number ${i}`, ip: ip() })),
    );
    const errors = outcomes.map((o) => (o.status === "rejected" ? o.reason : new Error("a wrong password signed in")));
    // An UnauthorizedError means the guess was checked against the password hash.
    expect(errors.filter((e) => e instanceof UnauthorizedError)).toHaveLength(5);
    expect(errors.filter((e) => e instanceof RateLimitedError)).toHaveLength(55);
    // The right password is refused too until the window passes.
    expect(await failureOf(logIn(db, { email: user.email, password: PASSWORD, ip: ip() }))).toBeInstanceOf(RateLimitedError);
  });

  it("checks at most 30 passwords from one address when 50 guesses across emails arrive at once", async () => {
    const address = ip();
    const outcomes = await Promise.allSettled(
      Array.from({ length: 50 }, (_, i) => logIn(db, { email: `burst-${i}-${address}@example.com`, password: "guess", ip: address })),
    );
    const errors = outcomes.map((o) => (o.status === "rejected" ? o.reason : new Error("signed in")));
    expect(errors.filter((e) => e instanceof UnauthorizedError)).toHaveLength(30);
    expect(errors.filter((e) => e instanceof RateLimitedError)).toHaveLength(20);
  });

  it("does not count successful sign-ins against the address", async () => {
    const address = ip();
    const user = await makeUser();
    for (let i = 0; i < 35; i++) await logIn(db, { email: user.email, password: PASSWORD, ip: address });
    // Still checked, not refused: 35 successes used none of the address's 30 attempts.
    expect(await failureOf(logIn(db, { email: user.email, password: "wrong password", ip: address }))).toBeInstanceOf(UnauthorizedError);
  });

  it("throttles an IP address that fails across many emails", async () => {
    const address = ip();
    for (let i = 0; i < 30; i++) {
      await failureOf(logIn(db, { email: `spray-${i}-${address}@example.com`, password: "guess", ip: address }));
    }
    const victim = await makeUser();
    const error = await failureOf(logIn(db, { email: victim.email, password: PASSWORD, ip: address }));
    expect(error).toBeInstanceOf(RateLimitedError);
    // The same account from another address is unaffected.
    await expect(logIn(db, { email: victim.email, password: PASSWORD, ip: ip() })).resolves.toBeTruthy();
  });

  it("logout revokes the session on the server", async () => {
    const user = await makeUser();
    const { token } = await logIn(db, { email: user.email, password: PASSWORD, ip: ip() });
    await revokeSession(db, token);
    expect(await findSessionUser(db, token)).toBeNull();
  });

  it("disabling a user ends every session they have", async () => {
    const user = await makeUser();
    const admin = await makeUser({ isAdmin: true });
    const a = await logIn(db, { email: user.email, password: PASSWORD, ip: ip() });
    const b = await logIn(db, { email: user.email, password: PASSWORD, ip: ip() });
    await setUserDisabled(db, admin.actor, { userId: user.id, disabled: true });
    expect(await findSessionUser(db, a.token)).toBeNull();
    expect(await findSessionUser(db, b.token)).toBeNull();
    expect(await db.select().from(sessions).where(eq(sessions.userId, user.id))).toEqual([]);
  });

  it("does not accept an expired session", async () => {
    const user = await makeUser();
    const { token } = await logIn(db, { email: user.email, password: PASSWORD, ip: ip() });
    await db.update(sessions).set({ expiresAt: sql`now() - interval '1 second'` }).where(eq(sessions.idHash, sha256(token)));
    expect(await findSessionUser(db, token)).toBeNull();
  });
});
