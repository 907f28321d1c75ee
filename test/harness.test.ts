import { sql } from "drizzle-orm";
import { describe, expect, inject, it } from "vitest";
import { db } from "~/db.server";
import { testDatabaseUrl, testDb, testSql, workerDatabaseName } from "./db";

describe("test harness", () => {
  it("gives the worker its own database, copied from the migrated template", async () => {
    expect(await testDatabaseUrl()).toMatch(new RegExp(`/${workerDatabaseName()}$`));
    expect(workerDatabaseName()).toMatch(new RegExp(`^${inject("testTemplate")}_w\\d+$`));

    const [row] = await testSql()<{ db: string; users: string | null }[]>`
      select current_database() as db, to_regclass('public.users')::text as users`;
    expect(row).toEqual({ db: workerDatabaseName(), users: "users" });
  });

  it("has the migrations recorded", async () => {
    const rows = await testDb().execute<{ n: number }>(sql`select count(*)::int as n from drizzle.__drizzle_migrations`);
    expect(rows[0]?.n).toBeGreaterThan(0);
  });

  it("points the app's global db at the worker database", async () => {
    const rows = await db.execute<{ db: string; users: number }>(
      sql`select current_database() as db, (select count(*)::int from users) as users`,
    );
    expect(rows[0]?.db).toBe(workerDatabaseName());
    expect(typeof rows[0]?.users).toBe("number");
  });
});
