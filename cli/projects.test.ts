import fs from "node:fs";
import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { projectMembers, projects } from "~db/schema";
import { testDatabaseUrl, testDb } from "~test/db";
import { makeUser } from "~test/factories";
import { runCli, tempDataDir, uniqueEmail } from "./test-helpers";

let env: Record<string, string>;

beforeAll(async () => {
  env = { DATABASE_URL: await testDatabaseUrl(), LOUPE_DATA_DIR: tempDataDir() };
});
afterAll(() => fs.rmSync(env.LOUPE_DATA_DIR!, { recursive: true, force: true }));

const projectNamed = async (name: string) => (await testDb().select().from(projects).where(eq(projects.name, name)))[0];

describe("loupe projects create", () => {
  it("creates a project managed by --manager and prints its id; the name stays unique for that manager", async () => {
    // The machine's operator decides: the manager need not be allowed to create projects themselves.
    const manager = await makeUser({ on: testDb(), canCreateProjects: false });
    const name = `Support answers ${randomUUID().slice(0, 8)}`;
    const args = ["projects", "create", "--name", name, "--description", "Tier-1 replies", "--manager", manager.email];

    const result = await runCli(args, { env });

    expect(result.code).toBe(0);
    const project = await projectNamed(name);
    expect(project).toMatchObject({ description: "Tier-1 replies", createdBy: manager.id });
    expect(result.stdout).toBe(`${project!.id}\n`);
    const members = await testDb()
      .select({ userId: projectMembers.userId, role: projectMembers.role })
      .from(projectMembers)
      .where(eq(projectMembers.projectId, project!.id));
    expect(members).toEqual([{ userId: manager.id, role: "manager" }]);

    const again = await runCli(["projects", "create", "--name", name.toUpperCase(), "--manager", manager.email], { env });
    expect(again).toMatchObject({ code: 1, stdout: "" });
    expect(again.stderr).toBe(`error: You already have a project named "${name.toUpperCase()}". Choose another name.\n`);
  });

  it("refuses an unknown manager, creating no project", async () => {
    const name = `Orphan ${randomUUID().slice(0, 8)}`;
    const unknown = uniqueEmail("nobody");

    const result = await runCli(["projects", "create", "--name", name, "--manager", unknown], { env });

    expect(result).toEqual({ code: 1, stdout: "", stderr: `error: No user has the email ${unknown}.\n` });
    expect(await projectNamed(name)).toBeUndefined();
  });
});
