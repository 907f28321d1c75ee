import fs from "node:fs";
import path from "node:path";
import { randomUUID } from "node:crypto";
import { gzipSync } from "node:zlib";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { feedback } from "~db/schema";
import { addMember } from "~/modules/projects/add-member.server";
import { createProject } from "~/modules/projects/create-project.server";
import { testDatabaseUrl, testDb } from "~test/db";
import { makeUser } from "~test/factories";
import { runCli, tempDataDir } from "./test-helpers";

let env: Record<string, string>;
let dir: string;

beforeAll(async () => {
  dir = tempDataDir();
  env = { DATABASE_URL: await testDatabaseUrl(), LOUPE_DATA_DIR: dir };
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("loupe feedback import", () => {
  it("imports a gzipped NDJSON file, names bad lines, exits 2; again, it adds nothing", async () => {
    const manager = await makeUser({ on: testDb() });
    const project = await createProject(testDb(), manager.actor, { name: `CLI feedback ${randomUUID()}` });
    const file = path.join(dir, "feedback.ndjson.gz");
    const lines = [...Array.from({ length: 50 }, (_, i) => JSON.stringify({ id: `f${i}`, rating: 1 + (i % 5), comment: `Comment ${i}` })), '{"id":"bad","rating":0}'];
    fs.writeFileSync(file, gzipSync(lines.join("\n")));
    const args = ["feedback", "import", "--project", project.name, file, "--as", manager.email];
    const first = await runCli(args, { env });
    expect(first).toMatchObject({ code: 2, stdout: "received 51, accepted 50, duplicates 0, rejected 1\n" });
    expect(first.stderr).toBe(`line 51, rating: Expected a whole number from 1 to 5.\nImported into "${project.name}" as ${manager.email}.\n`);
    const again = await runCli(args, { env });
    expect(again).toMatchObject({ code: 2, stdout: "received 51, accepted 0, duplicates 50, rejected 1\n" });
    expect(await testDb().select().from(feedback).where(eq(feedback.projectId, project.id))).toHaveLength(50);

    const researcher = await makeUser({ on: testDb() });
    await addMember(testDb(), manager.actor, project.id, { email: researcher.email, role: "researcher" });
    const refused = await runCli(["feedback", "import", "--project", project.id, file, "--as", researcher.email], { env });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("Only managers can manage ingest keys and feedback settings");
  }, 60_000);
});
