import { randomUUID } from "node:crypto";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testDatabaseUrl } from "~test/db";

// patches/postgres+3.4.9.patch (applied by `npm install`) fixes porsager/postgres#1173: a COPY FROM
// STDIN that the server fails after its last byte never settled, leaving sql.begin() hanging in an
// aborted transaction. The importer writes batches with COPY, so it relies on the fix.
describe("the postgres.js client, as patched", () => {
  const table = `copy_patch_${randomUUID().slice(0, 8)}`;
  let sql: postgres.Sql;
  beforeAll(async () => {
    sql = postgres(await testDatabaseUrl(), { max: 1, onnotice: () => {} });
    await sql.unsafe(`create table ${table}_parent (id int primary key); create table ${table} (parent int not null references ${table}_parent (id))`);
    await sql.unsafe(`insert into ${table}_parent values (1)`);
  });
  afterAll(async () => {
    await sql.unsafe(`drop table if exists ${table}, ${table}_parent`);
    await sql.end({ timeout: 5 });
  });

  it("rejects a COPY the server fails after its last byte, rolls back, and keeps the connection usable", async () => {
    // The foreign key is checked when the COPY ends, after the client has sent everything.
    const attempt = sql.begin(async (tx) => {
      const writable = await tx.unsafe(`copy ${table} (parent) from stdin`).writable();
      await pipeline(Readable.from(["1\n", "2\n"]), writable);
    });
    await expect(attempt).rejects.toMatchObject({ code: "23503" });
    // max: 1, so this runs on the same connection: no aborted transaction was left behind.
    const [row] = await sql.unsafe<{ n: number }[]>(`select count(*)::int as n from ${table}`);
    expect(row!.n).toBe(0);
    await sql.begin(async (tx) => {
      const writable = await tx.unsafe(`copy ${table} (parent) from stdin`).writable();
      await pipeline(Readable.from(["1\n"]), writable);
    });
    expect((await sql.unsafe<{ n: number }[]>(`select count(*)::int as n from ${table}`))[0]!.n).toBe(1);
  });
});
