import { randomUUID } from "node:crypto";
import path from "node:path";
import { test as base, type Page } from "@playwright/test";
import { findRunningEmbedded } from "~db/embedded";
import { connect, type Database } from "~/db.server";
import type { Actor } from "~/modules/auth/actor";
import { SESSION_COOKIE, sessionCookie } from "~/modules/auth/cookies.server";
import { createSession } from "~/modules/auth/sessions.server";
import { addMember } from "~/modules/projects/add-member.server";
import { createProject } from "~/modules/projects/create-project.server";
import type { ProjectRole } from "~/modules/projects/policy";
import { createUser } from "~/modules/users/create-user.server";
import { loadEnv } from "~/utils/env.server";

/**
 * Playwright fixtures that write their own data straight into the server's database and sign in
 * by creating a session row, so a story only clicks through what it is about.
 */

// why: the web server's data dir (playwright.config.ts), so session cookies are signed with the
// same generated secret (or with SESSION_SECRET when the environment sets one).
const dataDir = path.join(import.meta.dirname, "..", ".data", "e2e");
loadEnv({ ...process.env, LOUPE_DATA_DIR: dataDir });

/** The web server's database: E2E_DATABASE_URL, else the embedded server it started in its data dir. */
async function serverDatabaseUrl(): Promise<string> {
  const url = process.env.E2E_DATABASE_URL ?? (await findRunningEmbedded(dataDir))?.url;
  if (!url) throw new Error("No e2e database: set E2E_DATABASE_URL or run the tests with `npm run test:e2e`.");
  return url;
}

export const PASSWORD = "e2e password that is long";

export type TestUser = { id: string; email: string; name: string; isAdmin: boolean; password: string; actor: Actor };
export type TestProject = { id: string; name: string; description: string };

/** A name no other test (or earlier run on the same database) has used. */
export function unique(prefix: string): string {
  return `${prefix} ${randomUUID().slice(0, 8)}`;
}

type Fixtures = {
  /** A fresh instance admin. */
  admin: TestUser;
  /** A fresh user; one who may create projects unless `canCreateProjects: false` (fixtures make projects as their manager). */
  makeUser: (options?: { isAdmin?: boolean; name?: string; canCreateProjects?: boolean }) => Promise<TestUser>;
  /** A project managed by `manager`, with further members already added. */
  makeProject: (manager: TestUser, members?: { user: TestUser; role: ProjectRole }[]) => Promise<TestProject>;
  /** Signs the page's browser context in as the user, without going through the sign-in form. */
  loginAs: (page: Page, user: TestUser) => Promise<void>;
};

export const test = base.extend<Fixtures, { db: Database }>({
  db: [
    // eslint-disable-next-line no-empty-pattern -- Playwright requires a destructuring pattern here
    async ({}, use) => {
      const connection = connect(await serverDatabaseUrl(), { max: 2 });
      await use(connection.db);
      await connection.sql.end({ timeout: 5 });
    },
    { scope: "worker" },
  ],

  makeUser: async ({ db }, use) => {
    await use(async (options = {}) => {
      const tag = randomUUID().slice(0, 8);
      const user = await createUser(db, null, {
        email: `e2e-${tag}@example.com`,
        name: options.name ? `${options.name} ${tag}` : `User ${tag}`,
        password: PASSWORD,
        isAdmin: options.isAdmin ?? false,
        canCreateProjects: options.canCreateProjects ?? true,
      });
      return { ...user, password: PASSWORD, actor: { userId: user.id, isAdmin: user.isAdmin, via: "session" } };
    });
  },

  admin: async ({ makeUser }, use) => {
    await use(await makeUser({ isAdmin: true, name: "Admin" }));
  },

  makeProject: async ({ db }, use) => {
    await use(async (manager, members = []) => {
      const project = await createProject(db, manager.actor, { name: unique("Project"), description: "Made by a fixture." });
      for (const { user, role } of members) await addMember(db, manager.actor, project.id, { email: user.email, role });
      return project;
    });
  },

  loginAs: async ({ db, baseURL }, use) => {
    await use(async (page, user) => {
      const { token } = await createSession(db, { userId: user.id, userAgent: "playwright fixture" });
      const header = await sessionCookie(false).serialize(token);
      const value = header.slice(`${SESSION_COOKIE}=`.length, header.indexOf(";"));
      await page.context().addCookies([{ name: SESSION_COOKIE, value, url: baseURL!, httpOnly: true, sameSite: "Lax" }]);
    });
  },
});

export { expect } from "@playwright/test";

/** Fills in and sends the sign-in form the way a person does. */
export async function signIn(page: Page, email: string, password: string) {
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}
