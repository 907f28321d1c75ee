import fs from "node:fs";
import path from "node:path";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { projectMembers, projects, users } from "~db/schema";
import { connect, type Connection } from "~/db.server";
import { startEmbedded, type EmbeddedServer } from "~db/embedded";
import { runCli, tempDataDir, uniqueEmail } from "./test-helpers";

// Stands in for `npm start`: an embedded server this test process owns, in a data directory of its own.
const dataDir = tempDataDir();
const stateFile = path.join(dataDir, "embedded.json");
let server: EmbeddedServer;
let conn: Connection;

beforeAll(async () => {
  server = await startEmbedded(dataDir);
  conn = connect(server.url, { max: 1 });
});
afterAll(async () => {
  await conn?.sql.end({ timeout: 5 });
  await server?.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe("loupe without DATABASE_URL", () => {
  it("attaches to the embedded server already running from LOUPE_DATA_DIR", async () => {
    const env = { LOUPE_DATA_DIR: dataDir };
    const state = fs.readFileSync(stateFile, "utf8");
    const reviewer = uniqueEmail("reviewer");
    const admin = uniqueEmail("admin");
    const password = "a long enough password";

    const first = await runCli(["users", "create", "--email", reviewer, "--name", "R", "--password-stdin"], { env, input: password });
    expect(first.code).toBe(0);
    expect(first.stderr).toContain("this instance has no admin yet");
    const noAdmin = await runCli(["projects", "create", "--name", "Nobody's"], { env });
    expect(noAdmin).toMatchObject({ code: 1, stdout: "" });
    expect(noAdmin.stderr).toContain("Name the project's manager with --manager <email> (this instance has no admin");

    const second = await runCli(["users", "create", "--email", admin, "--name", "A", "--admin", "--password-stdin"], {
      env,
      input: password,
    });
    expect(second).toMatchObject({ code: 0, stderr: "" });
    const project = await runCli(["projects", "create", "--name", "Defaults to the admin"], { env });
    expect(project.code).toBe(0);

    // Everything landed in the server this test started, which is still up and still its own.
    const rows = await conn.db.select({ email: users.email, isAdmin: users.isAdmin }).from(users).orderBy(users.email);
    expect(rows).toEqual([
      { email: admin, isAdmin: true },
      { email: reviewer, isAdmin: false },
    ]);
    const [created] = await conn.db.select({ id: projects.id }).from(projects).where(eq(projects.name, "Defaults to the admin"));
    expect(project.stdout).toBe(`${created!.id}\n`);
    const [member] = await conn.db
      .select({ email: users.email, role: projectMembers.role })
      .from(projectMembers)
      .innerJoin(users, eq(users.id, projectMembers.userId))
      .where(eq(projectMembers.projectId, created!.id));
    expect(member).toEqual({ email: admin, role: "manager" });
    for (const run of [first, noAdmin, second, project]) expect(run.stderr).not.toContain("Embedded PostgreSQL is listening");
    expect(fs.readFileSync(stateFile, "utf8")).toBe(state);
  });
});
