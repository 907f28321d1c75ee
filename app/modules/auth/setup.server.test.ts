import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { setupTokens, users } from "~db/schema";
import { ForbiddenError, ValidationError } from "~/utils/errors";
import { withRollback } from "~test/rollback";
import { createFirstAdmin, issueSetupToken, isSetupTokenValid } from "./setup.server";

const admin = { email: "first@example.com", name: "First Admin", password: "a long enough secret" };

describe("first-admin setup", () => {
  it("issues a one-time link only while there is no user, and the link creates exactly one admin", async () => {
    await withRollback(async (tx) => {
      await tx.delete(users);
      const token = await issueSetupToken(tx);
      expect(token).toBeTruthy();
      expect(await isSetupTokenValid(tx, token!)).toBe(true);
      // Only the hash is stored.
      const stored = await tx.select().from(setupTokens);
      expect(stored.some((row) => row.tokenHash === token)).toBe(false);

      const created = await createFirstAdmin(tx, { ...admin, token });
      expect(created).toMatchObject({ email: admin.email });
      const [row] = await tx.select({ isAdmin: users.isAdmin }).from(users);
      expect(row?.isAdmin).toBe(true);

      // The link is spent, and no new one is issued now that a user exists.
      await expect(createFirstAdmin(tx, { ...admin, email: "second@example.com", token })).rejects.toBeInstanceOf(
        ForbiddenError,
      );
      expect(await issueSetupToken(tx)).toBeUndefined();
      expect(await tx.select().from(setupTokens)).toEqual([]);
    });
  });

  it("refuses a wrong or expired token and creates nobody", async () => {
    await withRollback(async (tx) => {
      await tx.delete(users);
      const token = await issueSetupToken(tx);
      await expect(createFirstAdmin(tx, { ...admin, token: "not-the-token" })).rejects.toThrow(/invalid or has expired/);
      await tx.update(setupTokens).set({ expiresAt: sql`now() - interval '1 minute'` });
      await expect(createFirstAdmin(tx, { ...admin, token })).rejects.toThrow(/invalid or has expired/);
      expect(await tx.select().from(users)).toEqual([]);
    });
  });

  it("names the field that is wrong", async () => {
    await withRollback(async (tx) => {
      await tx.delete(users);
      const token = await issueSetupToken(tx);
      const error = await createFirstAdmin(tx, { ...admin, password: "short", token }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).issues).toEqual([{ field: "password", message: "Use at least 10 characters." }]);
    });
  });

  it("creates the admin from LOUPE_ADMIN_* once, and does nothing when users exist", async () => {
    await withRollback(async (tx) => {
      await tx.delete(users);
      expect(await createFirstAdmin(tx, { ...admin, trusted: true })).toMatchObject({ email: admin.email });
      expect(await createFirstAdmin(tx, { ...admin, email: "other@example.com", trusted: true })).toBeUndefined();
      expect((await tx.select().from(users)).map((u) => u.email)).toEqual([admin.email]);
    });
  });
});
