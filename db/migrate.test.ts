import { randomUUID } from "node:crypto";
import postgres from "postgres";
import { afterAll, describe, expect, inject, it } from "vitest";
import { migrateDatabase } from "./migrate";
import { createDatabase, databaseUrl, dropDatabases } from "../scripts/lib/pg-admin.mjs";

const created: string[] = [];
afterAll(async () => {
  await dropDatabases(inject("testAdminUrl"), created);
});

describe("migrateDatabase", () => {
  it("migrates once when several servers start together on an empty database", async () => {
    const name = `loupe_mig_${randomUUID().slice(0, 8)}`;
    await createDatabase(inject("testAdminUrl"), name);
    created.push(name);
    const url = databaseUrl(inject("testAdminUrl"), name);

    await Promise.all([migrateDatabase(url), migrateDatabase(url), migrateDatabase(url)]);

    const sql = postgres(url, { max: 1, onnotice: () => {} });
    try {
      const applied = await sql`select count(*)::int as n from drizzle.__drizzle_migrations`;
      const journal = (await import("./migrations/meta/_journal.json", { with: { type: "json" } })).default;
      expect(applied[0]!.n).toBe(journal.entries.length);
      const tables = await sql`select tablename from pg_tables where schemaname = 'public' order by 1`;
      expect(tables.map((t) => t.tablename)).toEqual(
        expect.arrayContaining(["users", "sessions", "projects", "project_members", "api_keys", "audit_log"]),
      );
      // A later start finds nothing to do.
      await migrateDatabase(url);
      const again = await sql`select count(*)::int as n from drizzle.__drizzle_migrations`;
      expect(again[0]!.n).toBe(journal.entries.length);
    } finally {
      await sql.end();
    }
  });
});
