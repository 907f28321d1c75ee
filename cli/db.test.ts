import fs from "node:fs";
import postgres from "postgres";
import { afterAll, describe, expect, inject, it } from "vitest";
import journal from "~db/migrations/meta/_journal.json";
import { createDatabase, databaseUrl, dropDatabases, uniqueName } from "../scripts/lib/pg-admin.mjs";
import { STACK_TRACE, runCli, tempDataDir } from "./test-helpers";

const dataDir = tempDataDir();
const created: string[] = [];
afterAll(async () => {
  await dropDatabases(inject("testAdminUrl"), created);
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe("loupe db migrate", () => {
  it("migrates an empty database, then finds nothing left to do", async () => {
    const name = uniqueName("loupe_cli");
    await createDatabase(inject("testAdminUrl"), name);
    created.push(name);
    const env = { DATABASE_URL: databaseUrl(inject("testAdminUrl"), name), LOUPE_DATA_DIR: dataDir };
    const count = journal.entries.length;

    const first = await runCli(["db", "migrate"], { env });
    expect(first).toMatchObject({ code: 0, stdout: `Applied ${count} migration${count === 1 ? "" : "s"}.\n` });

    const sql = postgres(env.DATABASE_URL, { max: 1, onnotice: () => {} });
    try {
      const tables = await sql`select tablename from pg_tables where schemaname = 'public'`;
      expect(tables.map((t) => t.tablename)).toEqual(expect.arrayContaining(["users", "projects", "api_keys"]));
    } finally {
      await sql.end();
    }

    const second = await runCli(["db", "migrate"], { env });
    expect(second).toMatchObject({ code: 0, stdout: "Database is up to date.\n" });

    // The CLI signs no cookies: in production it needs no SESSION_SECRET and writes none.
    const production = await runCli(["db", "migrate"], { env: { ...env, NODE_ENV: "production" } });
    expect(production).toMatchObject({ code: 0, stdout: "Database is up to date.\n" });
    expect(fs.existsSync(`${dataDir}/session-secret`)).toBe(false);
  });

  it("explains, without a stack trace, a database it cannot connect to", async () => {
    const env = { DATABASE_URL: "postgres://postgres@127.0.0.1:1/loupe", LOUPE_DATA_DIR: dataDir };

    const result = await runCli(["db", "migrate"], { env });

    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error: could not connect to the database: .*ECONNREFUSED.*Check DATABASE_URL/);
    expect(result.stderr).not.toMatch(STACK_TRACE);
  });
});

describe("loupe usage", () => {
  it("prints the version, help, and usage errors without touching a database", async () => {
    // why: no database at all, so anything that tried to open one would fail these.
    const env = { DATABASE_URL: "postgres://postgres@127.0.0.1:1/loupe", LOUPE_DATA_DIR: dataDir };
    const pkg = JSON.parse(fs.readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string };

    const [version, help, unknownOption, unknownCommand, missingOption, noSubcommand] = await Promise.all([
      runCli(["--version"], { env }),
      runCli(["users", "create", "--help"], { env }),
      runCli(["projects", "create", "--name", "X", "--bogus"], { env }),
      runCli(["nope"], { env }),
      runCli(["keys", "create", "--user", "a@example.com"], { env }),
      runCli(["users"], { env }),
    ]);

    expect(version).toEqual({ code: 0, stdout: `${pkg.version}\n`, stderr: "" });
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("Usage: loupe users create [options]");
    expect(help.stdout).toContain("--password-stdin");
    expect(unknownOption.code).toBe(1);
    expect(unknownOption.stderr).toMatch(/^error: unknown option '--bogus'\n\nUsage: loupe projects create/);
    expect(unknownCommand.code).toBe(1);
    expect(unknownCommand.stderr).toMatch(/^error: unknown command 'nope'\n\nUsage: loupe /);
    expect(missingOption.code).toBe(1);
    expect(missingOption.stderr).toMatch(/^error: required option '--name <name>' not specified\n\nUsage: loupe keys create/);
    expect(noSubcommand.code).toBe(1);
    expect(noSubcommand.stderr).toContain("Usage: loupe users [options] [command]");
    // why: six CLI processes start at once (each loads TypeScript through tsx); on a loaded 2-core
    // machine that alone took over 30 s. A ceiling, not an expected duration.
  }, 120_000);
});
