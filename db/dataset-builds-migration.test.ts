import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import { drizzle } from "drizzle-orm/postgres-js";
import { migrate } from "drizzle-orm/postgres-js/migrator";
import postgres from "postgres";
import { afterAll, describe, expect, inject, it } from "vitest";
import { createDatabase, databaseUrl, dropDatabases } from "../scripts/lib/pg-admin.mjs";
import { migrateDatabase } from "./migrate";

const MIGRATIONS = fileURLToPath(new URL("./migrations", import.meta.url));
const created: string[] = [];
const folders: string[] = [];
afterAll(async () => {
  await dropDatabases(inject("testAdminUrl"), created);
  for (const folder of folders) fs.rmSync(folder, { recursive: true, force: true });
});

/** The committed migrations up to (not including) the one whose tag ends with `stopBefore`, in a folder of their own. */
function migrationsBefore(stopBefore: string): string {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), "loupe-migrations-"));
  folders.push(folder);
  fs.cpSync(MIGRATIONS, folder, { recursive: true });
  const journalFile = path.join(folder, "meta", "_journal.json");
  const journal = JSON.parse(fs.readFileSync(journalFile, "utf8")) as { entries: { tag: string }[] };
  const cut = journal.entries.findIndex((e) => e.tag.endsWith(stopBefore));
  expect(cut, `a migration tagged …${stopBefore}`).toBeGreaterThan(0);
  fs.writeFileSync(journalFile, JSON.stringify({ ...journal, entries: journal.entries.slice(0, cut) }));
  return folder;
}

describe("the dataset_builds migration", () => {
  it("leaves the snapshots made before it ready, with their stored hash and its version-1 meaning; new rows are queued, version 2", async () => {
    const name = `loupe_mig_${randomUUID().slice(0, 8)}`;
    await createDatabase(inject("testAdminUrl"), name);
    created.push(name);
    const url = databaseUrl(inject("testAdminUrl"), name);
    const sql = postgres(url, { max: 1, onnotice: () => {} });
    try {
      await migrate(drizzle(sql), { migrationsFolder: migrationsBefore("_dataset_builds") });
      const [project] = await sql`insert into projects (name) values ('Before') returning id`;
      const [old] = await sql`insert into datasets (project_id, name, version, filter, options, template, counts, stats, content_hash, created_by_name)
        values (${project!.id}, 'Old', 1, '{}', '{"textFrom":"output"}', '{}', '{}', '{}', 'a1b2c3', 'Ada') returning id`;

      await migrateDatabase(url);
      const [after] = await sql`select state, content_hash, content_hash_version from datasets where id = ${old!.id}`;
      expect(after).toEqual({ state: "ready", content_hash: "a1b2c3", content_hash_version: 1 });
      const [fresh] = await sql`insert into datasets (project_id, name, version, filter, options, template, counts, stats, content_hash, created_by_name)
        values (${project!.id}, 'New', 1, '{}', '{}', '{}', '{}', '{}', '', 'Ada') returning state, content_hash_version`;
      expect(fresh).toEqual({ state: "queued", content_hash_version: 2 });
    } finally {
      await sql.end();
    }
  });
});
