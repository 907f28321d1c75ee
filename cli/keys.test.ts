import fs from "node:fs";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiKeys, users } from "~db/schema";
import { authenticateApiKey } from "~/modules/api-keys/authenticate-api-key.server";
import { testDatabaseUrl, testDb } from "~test/db";
import { makeUser } from "~test/factories";
import { STACK_TRACE, runCli, tempDataDir, uniqueEmail } from "./test-helpers";

let env: Record<string, string>;

beforeAll(async () => {
  env = { DATABASE_URL: await testDatabaseUrl(), LOUPE_DATA_DIR: tempDataDir() };
});
afterAll(() => fs.rmSync(env.LOUPE_DATA_DIR!, { recursive: true, force: true }));

describe("loupe keys create", () => {
  it("prints a key, alone on stdout, that authenticates as the user", async () => {
    const user = await makeUser({ on: testDb() });

    const result = await runCli(["keys", "create", "--user", user.email, "--name", "nightly import"], { env });

    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^lp_\S+\n$/);
    expect(result.stderr).toContain("it will not be shown again");
    const key = result.stdout.trim();
    expect(result.stderr).not.toContain(key);
    const actor = await authenticateApiKey(testDb(), `Bearer ${key}`);
    expect(actor).toMatchObject({ userId: user.id, isAdmin: false });
    const rows = await testDb().select({ name: apiKeys.name }).from(apiKeys).where(eq(apiKeys.userId, user.id));
    expect(rows).toEqual([{ name: "nightly import" }]);
  });

  it("refuses an unknown or disabled user, creating no key", async () => {
    const disabled = await makeUser({ on: testDb() });
    await testDb().update(users).set({ disabledAt: new Date() }).where(eq(users.id, disabled.id));
    const unknown = uniqueEmail("nobody");

    const [forUnknown, forDisabled] = await Promise.all([
      runCli(["keys", "create", "--user", unknown, "--name", "k"], { env }),
      runCli(["keys", "create", "--user", disabled.email, "--name", "k"], { env }),
    ]);

    expect(forUnknown).toEqual({ code: 1, stdout: "", stderr: `error: No user has the email ${unknown}.\n` });
    expect(forDisabled).toEqual({ code: 1, stdout: "", stderr: `error: The account ${disabled.email} is disabled.\n` });
    expect(forDisabled.stderr).not.toMatch(STACK_TRACE);
    expect(await testDb().select().from(apiKeys).where(eq(apiKeys.userId, disabled.id))).toEqual([]);
  });
});
