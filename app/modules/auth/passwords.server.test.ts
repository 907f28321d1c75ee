import { randomUUID } from "node:crypto";
import { and, eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { auditLog, passwordResets, sessions } from "~db/schema";
import { db } from "~/db.server";
import { ConflictError, ForbiddenError, NotFoundError, RateLimitedError, UnauthorizedError, ValidationError } from "~/utils/errors";
import { makeUser, PASSWORD } from "~test/factories";
import { changePassword, WRONG_CURRENT_PASSWORD } from "./change-password.server";
import { createPasswordReset } from "./create-password-reset.server";
import { sha256 } from "./crypto.server";
import { logIn } from "./log-in.server";
import { findPasswordReset, RESET_LINK_MESSAGES, resetPassword } from "./reset-password.server";
import { findSessionUser } from "./sessions.server";
import { setPassword } from "./set-password.server";

const NEW_PASSWORD = "a brand new password";
const ip = () => `10.9.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;
const signIn = (email: string, password: string) => logIn(db, { email, password, ip: ip() });
const failureOf = (attempt: Promise<unknown>) => attempt.then(() => new Error("expected a failure"), (e: unknown) => e);
const auditActions = async (userId: string) =>
  (await db.select({ action: auditLog.action }).from(auditLog).where(eq(auditLog.targetId, userId))).map((a) => a.action);

describe("changing your own password", () => {
  it("asks for the current one, then ends every other session and keeps this one", async () => {
    const user = await makeUser();
    const here = await signIn(user.email, PASSWORD);
    const elsewhere = await signIn(user.email, PASSWORD);

    const wrong = await failureOf(changePassword(db, user.actor, { currentPassword: "not my password", newPassword: NEW_PASSWORD, confirmPassword: NEW_PASSWORD, sessionToken: here.token }));
    expect(wrong).toBeInstanceOf(ValidationError);
    expect((wrong as ValidationError).issues).toEqual([{ field: "currentPassword", message: WRONG_CURRENT_PASSWORD }]);
    expect(await findSessionUser(db, elsewhere.token)).not.toBeNull();

    await changePassword(db, user.actor, { currentPassword: PASSWORD, newPassword: NEW_PASSWORD, confirmPassword: NEW_PASSWORD, sessionToken: here.token });
    expect(await findSessionUser(db, here.token)).toMatchObject({ id: user.id });
    expect(await findSessionUser(db, elsewhere.token)).toBeNull();
    expect(await failureOf(signIn(user.email, PASSWORD))).toBeInstanceOf(UnauthorizedError);
    await expect(signIn(user.email, NEW_PASSWORD)).resolves.toMatchObject({ user: { id: user.id } });
    expect(await auditActions(user.id)).toContain("user.change_password");
  });

  it("names the field for a short, mistyped or unchanged new password", async () => {
    const user = await makeUser();
    const attempt = (newPassword: string, confirmPassword = newPassword) =>
      failureOf(changePassword(db, user.actor, { currentPassword: PASSWORD, newPassword, confirmPassword, sessionToken: null }));
    expect(((await attempt("short")) as ValidationError).issues[0]).toEqual({ field: "newPassword", message: "Use at least 10 characters." });
    expect(((await attempt(NEW_PASSWORD, `${NEW_PASSWORD}!`)) as ValidationError).issues[0]?.field).toBe("confirmPassword");
    expect(((await attempt(PASSWORD)) as ValidationError).issues[0]).toEqual({ field: "newPassword", message: "Choose a password different from the current one." });
    await expect(signIn(user.email, PASSWORD)).resolves.toBeTruthy();
  });

  it("stops guessing the current password after 5 wrong tries, even in parallel", async () => {
    const user = await makeUser();
    const guesses = await Promise.all(
      Array.from({ length: 20 }, (_, i) => failureOf(changePassword(db, user.actor, { currentPassword: `guess ${i}`, newPassword: NEW_PASSWORD, confirmPassword: NEW_PASSWORD, sessionToken: null }))),
    );
    expect(guesses.filter((e) => e instanceof ValidationError)).toHaveLength(5);
    expect(guesses.filter((e) => e instanceof RateLimitedError)).toHaveLength(15);
    const right = await failureOf(changePassword(db, user.actor, { currentPassword: PASSWORD, newPassword: NEW_PASSWORD, confirmPassword: NEW_PASSWORD, sessionToken: null }));
    expect(right).toBeInstanceOf(RateLimitedError);
    await expect(signIn(user.email, PASSWORD)).resolves.toBeTruthy();
  });
});

describe("reset links", () => {
  it("an admin's link sets a new password once, ends every session, and says so when used again", async () => {
    const admin = await makeUser({ isAdmin: true });
    const user = await makeUser();
    const session = await signIn(user.email, PASSWORD);
    const reset = await createPasswordReset(db, admin.actor, { userId: user.id });
    expect(reset.path).toBe(`/reset-password/${reset.token}`);
    const [stored] = await db.select().from(passwordResets).where(eq(passwordResets.userId, user.id));
    expect(stored).toMatchObject({ tokenHash: sha256(reset.token), createdBy: admin.id, usedAt: null });
    expect(JSON.stringify(stored)).not.toContain(reset.token);
    expect(await findPasswordReset(db, reset.token)).toEqual({ state: "valid", email: user.email });

    await expect(resetPassword(db, { token: reset.token, newPassword: NEW_PASSWORD, confirmPassword: NEW_PASSWORD, ip: ip() })).resolves.toEqual({ email: user.email });
    expect(await findSessionUser(db, session.token)).toBeNull();
    await expect(signIn(user.email, NEW_PASSWORD)).resolves.toBeTruthy();

    expect(await findPasswordReset(db, reset.token)).toEqual({ state: "used" });
    const again = await failureOf(resetPassword(db, { token: reset.token, newPassword: "yet another password", confirmPassword: "yet another password", ip: ip() }));
    expect(again).toBeInstanceOf(ConflictError);
    expect((again as Error).message).toBe(RESET_LINK_MESSAGES.used);
    await expect(signIn(user.email, NEW_PASSWORD)).resolves.toBeTruthy();
    expect(await auditActions(user.id)).toEqual(expect.arrayContaining(["user.password_reset_link", "user.password_reset"]));
  });

  it("an expired link says so; a replaced or made-up one is not valid; only admins make links", async () => {
    const admin = await makeUser({ isAdmin: true });
    const user = await makeUser();
    const first = await createPasswordReset(db, admin.actor, { userId: user.id });
    const second = await createPasswordReset(db, admin.actor, { userId: user.id });
    expect(await findPasswordReset(db, first.token)).toEqual({ state: "unknown" });
    await db.update(passwordResets).set({ expiresAt: sql`now() - interval '1 second'` }).where(eq(passwordResets.tokenHash, sha256(second.token)));
    expect(await findPasswordReset(db, second.token)).toEqual({ state: "expired" });
    const expired = await failureOf(resetPassword(db, { token: second.token, newPassword: NEW_PASSWORD, confirmPassword: NEW_PASSWORD, ip: ip() }));
    expect((expired as Error).message).toBe(RESET_LINK_MESSAGES.expired);
    const madeUp = await failureOf(resetPassword(db, { token: randomUUID(), newPassword: NEW_PASSWORD, confirmPassword: NEW_PASSWORD, ip: ip() }));
    expect(madeUp).toBeInstanceOf(NotFoundError);
    await expect(signIn(user.email, PASSWORD)).resolves.toBeTruthy();
    await expect(createPasswordReset(db, user.actor, { userId: admin.id })).rejects.toBeInstanceOf(ForbiddenError);
  });

  it("two submissions of one link at once: exactly one sets the password", async () => {
    const user = await makeUser();
    const reset = await createPasswordReset(db, null, { userId: user.id });
    const passwords = ["first new password", "second new password"];
    const results = await Promise.allSettled(passwords.map((p) => resetPassword(db, { token: reset.token, newPassword: p, confirmPassword: p, ip: ip() })));
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const winner = passwords[results.findIndex((r) => r.status === "fulfilled")]!;
    await expect(signIn(user.email, winner)).resolves.toBeTruthy();
    const [row] = await db.select().from(passwordResets).where(and(eq(passwordResets.userId, user.id)));
    expect(row?.usedAt).not.toBeNull();
  });

  it("limits reset attempts to 10 per address in 15 minutes", async () => {
    const user = await makeUser();
    const address = ip();
    for (let i = 0; i < 10; i++) {
      expect(await failureOf(resetPassword(db, { token: `guess-${i}`, newPassword: NEW_PASSWORD, confirmPassword: NEW_PASSWORD, ip: address }))).toBeInstanceOf(NotFoundError);
    }
    const reset = await createPasswordReset(db, null, { userId: user.id });
    const limited = await failureOf(resetPassword(db, { token: reset.token, newPassword: NEW_PASSWORD, confirmPassword: NEW_PASSWORD, ip: address }));
    expect(limited).toBeInstanceOf(RateLimitedError);
    expect(await findPasswordReset(db, reset.token)).toMatchObject({ state: "valid" });
  });
});

describe("setting a password as the machine's operator", () => {
  it("sets it, ends every session, and is refused to non-admins", async () => {
    const user = await makeUser();
    const other = await makeUser();
    const session = await signIn(user.email, PASSWORD);
    await expect(setPassword(db, other.actor, { userId: user.id, password: NEW_PASSWORD })).rejects.toBeInstanceOf(ForbiddenError);
    await setPassword(db, null, { userId: user.id, password: NEW_PASSWORD });
    expect(await findSessionUser(db, session.token)).toBeNull();
    expect(await db.select().from(sessions).where(eq(sessions.userId, user.id))).toEqual([]);
    await expect(signIn(user.email, NEW_PASSWORD)).resolves.toBeTruthy();
    expect(await auditActions(user.id)).toContain("user.set_password");
  });
});
