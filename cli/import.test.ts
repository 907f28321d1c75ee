import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { randomUUID } from "node:crypto";
import { desc, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { imports, items } from "~db/schema";
import { createProject } from "~/modules/projects/create-project.server";
import { markInterruptedImports } from "~/modules/imports/tracker.server";
import { testDatabaseUrl, testDb } from "~test/db";
import { makeUser } from "~test/factories";
import { gzipBomb } from "~test/support/gzip-bomb";
import { hasScriptCommand, runCli, STACK_TRACE, tempDataDir } from "./test-helpers";

let env: Record<string, string>;
let dir: string;

beforeAll(async () => {
  dir = tempDataDir();
  env = { DATABASE_URL: await testDatabaseUrl(), LOUPE_DATA_DIR: dir };
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

async function setUp() {
  const engineer = await makeUser({ on: testDb() });
  const project = await createProject(testDb(), engineer.actor, { name: `CLI import ${randomUUID()}` });
  return { engineer, project };
}

function writeRows(name: string, rows: number, bad: (i: number) => boolean = () => false): string {
  const file = path.join(dir, name);
  const out = fs.openSync(file, "w");
  for (let i = 0; i < rows; i++) {
    fs.writeSync(out, bad(i) ? `{"input": "row ${i} has no outputs"}\n` : `${JSON.stringify({ input: `CLI prompt ${i}`, outputs: [{ text: `CLI answer ${i}`, model: "m" }] })}\n`);
  }
  fs.closeSync(out);
  return file;
}
const itemCount = async (projectId: string) => (await testDb().select({ n: sql<number>`count(*)::int` }).from(items).where(eq(items.projectId, projectId)))[0]!.n;

describe("loupe import", () => {
  it("imports a file by project name and says what it did; again, it adds nothing (exit 0 both times)", async () => {
    const { engineer, project } = await setUp();
    const file = writeRows("ok.jsonl", 3000);
    const args = ["import", "--project", project.name, file, "--as", engineer.email];
    const first = await runCli(args, { env });
    expect(first).toMatchObject({ code: 0, stdout: "received 3000, inserted 3000, matched 0, duplicates 0, unmatched 0, outputs added 0, rejected 0\n" });
    expect(first.stderr).toBe(`Imported into "${project.name}" as ${engineer.email}.\n`);
    expect(await itemCount(project.id)).toBe(3000);
    const again = await runCli(args, { env });
    expect(again).toMatchObject({ code: 0, stdout: "received 3000, inserted 0, matched 0, duplicates 3000, unmatched 0, outputs added 0, rejected 0\n" });
    const [row] = await testDb().select().from(imports).where(eq(imports.projectId, project.id)).orderBy(desc(imports.createdAt)).limit(1);
    expect(row).toMatchObject({ origin: "cli", fileName: "ok.jsonl", state: "succeeded", duplicates: 3000 });
  }, 60_000);

  it("exits 2 when some rows were rejected, listing them by line", async () => {
    const { engineer, project } = await setUp();
    const some = await runCli(["import", "--project", project.id, writeRows("some.jsonl", 30, (i) => i % 2 === 1), "--as", engineer.email], { env });
    expect(some.code).toBe(2);
    expect(some.stdout).toBe("received 30, inserted 15, matched 0, duplicates 0, unmatched 0, outputs added 0, rejected 15\n");
    const listed = Array.from({ length: 15 }, (_, i) => `line ${2 * i + 2}: "outputs" is missing\n`).join("");
    expect(some.stderr).toBe(`${listed}Imported into "${project.name}" as ${engineer.email}.\n`);

  });

  it("exits 1 when nothing could go in, or the input or its options are wrong, in one line", async () => {
    const { engineer, project } = await setUp();
    const none = await runCli(["import", "--project", project.id, writeRows("none.jsonl", 2, () => true), "--as", engineer.email], { env });
    expect(none.code).toBe(1);
    expect(none.stderr).toContain("error: No row could be imported: all 2 rows were rejected.");
    expect(none.stderr).not.toMatch(STACK_TRACE);

    const refused = await runCli(["import", "--project", project.id, writeRows("one-bad.jsonl", 3, (i) => i === 1), "--all-or-nothing", "--as", engineer.email], { env });
    expect(refused).toMatchObject({ code: 1 });
    expect(refused.stderr).toContain("error: Nothing was imported: 1 of 3 rows is bad, and the import is all or nothing.");

    const missing = await runCli(["import", "--project", "no such project", "x.jsonl", "--as", engineer.email], { env });
    expect(missing).toEqual({ code: 1, stdout: "", stderr: 'error: No project has the id or name "no such project".\n' });
    const badMap = await runCli(["import", "--project", project.id, writeRows("m.jsonl", 1), "--map", "colour=red", "--as", engineer.email], { env });
    expect(badMap).toMatchObject({ code: 1, stderr: 'error: --map "colour" is not a field to map; use input, output, reference, externalId or label.\n' });
  }, 120_000);

  it("refuses a gzip bomb at the first over-long record, naming the line and the limit, with flat memory", async () => {
    const { engineer, project } = await setUp();
    const peak = async (file: string) => {
      const rss = path.join(dir, `${path.basename(file)}.rss`);
      const result = await runCli(["import", "--project", project.id, file, "--as", engineer.email], { env, peakRssFile: rss });
      return { ...result, peakMiB: Number(fs.readFileSync(rss, "utf8")) / 1024 };
    };
    const small = await peak(writeRows("small.jsonl", 10));
    expect(small.code).toBe(0);
    const bomb = path.join(dir, "bomb.csv.gz");
    gzipBomb({ prefix: "prompt,output\nFirst,One\n", inflatedBytes: 6 * 1024 ** 3 }).writeTo(bomb);
    const refused = await peak(bomb);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(
      "error: Stopped at line 3: the record is longer than the 10 MB limit (LOUPE_IMPORT_MAX_RECORD_BYTES); the rest of the file was not read (is a quote left open?).",
    );
    // It rose by more than 1 GB; what the small file took, plus one record's worth, is the bound.
    expect(refused.peakMiB - small.peakMiB).toBeLessThan(150);
  }, 240_000);

  it.skipIf(!hasScriptCommand())("draws a progress bar on a terminal", async () => {
    const { engineer, project } = await setUp();
    const result = await runCli(["import", "--project", project.id, writeRows("tty.jsonl", 5000), "--as", engineer.email], { env, via: "tty" });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/\[#{10,}\] 100%\s+\d+ KB \/ \d+ KB\s+5,000 rows\s+[\d,]+ rows\/s/);
    expect(result.stdout).toContain("received 5000, inserted 5000");
  });

  it("killed mid-import and run again, it imports every row exactly once; the killed run is shown as failed with how far it got", async () => {
    const { engineer, project } = await setUp();
    const file = writeRows("big.jsonl", 150_000);
    const child = spawn(process.execPath, ["bin/loupe.mjs", "import", "--project", project.id, file, "--as", engineer.email], {
      cwd: path.resolve(import.meta.dirname, ".."),
      env: { ...process.env, ...env },
      stdio: "ignore",
    });
    const exited = new Promise((resolve) => child.once("exit", resolve));
    const started = Date.now();
    let row: typeof imports.$inferSelect | undefined;
    // Killed once several batches are in (counted from the items, not from the record it checks).
    while (Date.now() - started < 120_000) {
      [row] = await testDb().select().from(imports).where(eq(imports.projectId, project.id));
      if (row && (await itemCount(project.id)) >= 20_000) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    child.kill("SIGKILL");
    await exited;
    const partial = await itemCount(project.id);
    expect(partial).toBeGreaterThan(0);
    expect(partial).toBeLessThan(150_000);

    // A killed process writes nothing more: its heartbeat goes quiet, and the next sweep says so.
    await testDb().update(imports).set({ heartbeatAt: sql`now() - interval '1 minute'` }).where(eq(imports.id, row!.id));
    await markInterruptedImports(testDb());
    const [failed] = await testDb().select().from(imports).where(eq(imports.id, row!.id));
    expect(failed!.state).toBe("failed");
    // The record says what is in: every committed row, and no row that is not (one row a line).
    expect(failed).toMatchObject({ received: partial, inserted: partial, lastLine: partial });
    expect(failed!.message).toBe(`Interrupted at line ${partial}: the process running it stopped. Import the file again to finish; rows already imported are skipped.`);

    const retry = await runCli(["import", "--project", project.id, file, "--as", engineer.email], { env });
    expect(retry.code).toBe(0);
    expect(retry.stdout).toBe(`received 150000, inserted ${150_000 - partial}, matched 0, duplicates ${partial}, unmatched 0, outputs added 0, rejected 0\n`);
    const [check] = await testDb().execute<{ n: number; hashes: number }>(sql`select count(*)::int as n, count(distinct (input_key, outputs_key))::int as hashes from items where project_id = ${project.id}`);
    expect(check).toEqual({ n: 150_000, hashes: 150_000 });
  }, 240_000);
});
