import fs from "node:fs";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { users } from "~db/schema";
import { logIn } from "~/modules/auth/log-in.server";
import { resetPassword } from "~/modules/auth/reset-password.server";
import { findSessionUser } from "~/modules/auth/sessions.server";
import { NUL_MESSAGE } from "~/utils/nul";
import { testDatabaseUrl, testDb } from "~test/db";
import { STACK_TRACE, hasScriptCommand, runCli, tempDataDir, uniqueEmail } from "./test-helpers";

const PASSWORD = "a long enough password";
let env: Record<string, string>;

beforeAll(async () => {
  env = { DATABASE_URL: await testDatabaseUrl(), LOUPE_DATA_DIR: tempDataDir() };
});
afterAll(() => fs.rmSync(env.LOUPE_DATA_DIR!, { recursive: true, force: true }));

const findUser = async (email: string) => (await testDb().select().from(users).where(eq(users.email, email)))[0];

describe("loupe users create", () => {
  it("creates an account from a password piped on stdin, which then signs in", async () => {
    const email = uniqueEmail();

    const result = await runCli(["users", "create", "--email", email.toUpperCase(), "--name", "Ada", "--password-stdin"], {
      env,
      input: `${PASSWORD}\n`,
    });

    expect(result.code).toBe(0);
    const user = await findUser(email);
    expect(user).toMatchObject({ name: "Ada", isAdmin: false, disabledAt: null });
    expect(result.stdout).toBe(`${user!.id} ${email}\n`);
    // The trailing newline from printf/echo is not part of the password.
    const session = await logIn(testDb(), { email, password: PASSWORD, ip: "127.0.0.1" });
    expect(session.user.id).toBe(user!.id);
  });

  it("makes an admin with --admin, and refuses a second account with the same email", async () => {
    const email = uniqueEmail();
    const args = ["users", "create", "--email", email, "--name", "Grace", "--admin", "--password-stdin"];

    const first = await runCli(args, { env, input: PASSWORD });
    expect(first.code).toBe(0);
    expect((await findUser(email))?.isAdmin).toBe(true);

    const again = await runCli(args, { env, input: "another long password" });
    expect(again.code).toBe(1);
    expect(again.stdout).toBe("");
    expect(again.stderr).toBe(`error: A user with the email ${email} already exists.\n`);
    const session = await logIn(testDb(), { email, password: PASSWORD, ip: "127.0.0.1" });
    expect(session.user.email).toBe(email);
  });

  it("names each invalid value after the option it came from", async () => {
    const result = await runCli(["users", "create", "--email", "not-an-email", "--name", "X", "--password-stdin"], {
      env,
      input: "short\n",
    });

    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      "error: invalid input\n  --email: Enter a valid email address.\n  password (stdin): Use at least 10 characters.\n",
    );
    expect(result.stderr).not.toMatch(STACK_TRACE);
  });

  it("refuses a password with a NUL in it, naming where it came from, and creates nobody", async () => {
    const email = uniqueEmail();

    const result = await runCli(["users", "create", "--email", email, "--name", "X", "--password-stdin"], { env, input: `${PASSWORD}\u0000x\n` });

    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`error: invalid input\n  password (stdin): ${NUL_MESSAGE}\n`);
    expect(await findUser(email)).toBeUndefined();
  });

  it("refuses to run without --password-stdin, creating nobody", async () => {
    const email = uniqueEmail();

    const result = await runCli(["users", "create", "--email", email, "--name", "X"], { env, input: PASSWORD });

    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error: Give the password on stdin with --password-stdin/);
    expect(await findUser(email)).toBeUndefined();
  });

  // why skipIf: only util-linux `script` gives stdin a real terminal; it is on every Linux CI
  // machine this project uses, and a test without it would prove nothing about TTY handling.
  it.skipIf(!hasScriptCommand())("refuses to read the password from an interactive terminal", async () => {
    const email = uniqueEmail();

    const result = await runCli(["users", "create", "--email", email, "--name", "X", "--password-stdin"], {
      env,
      via: "tty",
    });

    expect(result.code).toBe(1);
    // On a terminal, stdout and stderr share the one pseudo-terminal.
    expect(result.stdout).toContain("error: --password-stdin reads the password from a pipe, not from the terminal");
    expect(await findUser(email)).toBeUndefined();
  });
});

describe("loupe users update", () => {
  it("lets an account create projects, and stops it again; create can set it too", async () => {
    const email = uniqueEmail();
    expect((await runCli(["users", "create", "--email", email, "--name", "Maker", "--may-create-projects", "--password-stdin"], { env, input: PASSWORD })).code).toBe(0);
    expect((await findUser(email))?.canCreateProjects).toBe(true);

    const stop = await runCli(["users", "update", "--email", email, "--no-may-create-projects"], { env });
    expect(stop.code).toBe(0);
    expect(stop.stderr).toContain(`${email} can no longer create projects.`);
    expect((await findUser(email))?.canCreateProjects).toBe(false);

    expect((await runCli(["users", "update", "--email", email.toUpperCase(), "--may-create-projects"], { env })).code).toBe(0);
    expect((await findUser(email))?.canCreateProjects).toBe(true);
  });

  it("says what is missing: a change to make, or an account that exists", async () => {
    const nothing = await runCli(["users", "update", "--email", uniqueEmail()], { env });
    expect(nothing.code).toBe(1);
    expect(nothing.stderr).toMatch(/^error: Say what to change/);
    const nobody = await runCli(["users", "update", "--email", "nobody-at-all@example.com", "--may-create-projects"], { env });
    expect(nobody.code).toBe(1);
    expect(nobody.stderr).toBe("error: No user has the email nobody-at-all@example.com.\n");
  });
});

describe("loupe users reset-password", () => {
  it("prints a one-time link that sets a new password, starting with LOUPE_PUBLIC_URL", async () => {
    const email = uniqueEmail();
    await runCli(["users", "create", "--email", email, "--name", "Forgetful", "--password-stdin"], { env, input: PASSWORD });

    const result = await runCli(["users", "reset-password", "--email", email], { env: { ...env, LOUPE_PUBLIC_URL: "https://loupe.example.org" } });

    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^https:\/\/loupe\.example\.org\/reset-password\/[A-Za-z0-9_-]{43}\n$/);
    expect(result.stderr).toContain(`The link sets a new password for ${email} once, until `);
    const token = result.stdout.trim().split("/").pop()!;
    await resetPassword(testDb(), { token, newPassword: "reset from the cli", confirmPassword: "reset from the cli", ip: "10.2.2.2" });
    await expect(logIn(testDb(), { email, password: "reset from the cli", ip: "127.0.0.1" })).resolves.toBeTruthy();
  });

  it("sets the password from stdin instead, ending every session", async () => {
    const email = uniqueEmail();
    await runCli(["users", "create", "--email", email, "--name", "Locked out", "--password-stdin"], { env, input: PASSWORD });
    const session = await logIn(testDb(), { email, password: PASSWORD, ip: "127.0.0.1" });

    const result = await runCli(["users", "reset-password", "--email", email, "--password-stdin"], { env, input: "set by the operator\n" });

    expect(result.code).toBe(0);
    expect(result.stdout).toBe("");
    expect(result.stderr).toBe(`Set a new password for ${email}; their sessions have ended.\n`);
    expect(await findSessionUser(testDb(), session.token)).toBeNull();
    await expect(logIn(testDb(), { email, password: "set by the operator", ip: "127.0.0.1" })).resolves.toBeTruthy();

    const short = await runCli(["users", "reset-password", "--email", email, "--password-stdin"], { env, input: "short\n" });
    expect(short.code).toBe(1);
    expect(short.stderr).toBe("error: invalid input\n  password (stdin): Use at least 10 characters.\n");
  });
});
