/**
 * The database an end-to-end run uses, fresh each time. Used by scripts/test.mjs:
 *
 *   node --import tsx scripts/e2e-db.ts create <admin-url>   creates and migrates loupe_e2e_<…>;
 *                                                             prints its URL as the last line
 *   node --import tsx scripts/e2e-db.ts drop <url>            drops the database <url> points at
 */
import { migrateDatabase } from "../db/migrate";
import { createDatabase, databaseName, databaseUrl, dropDatabases, uniqueName } from "./lib/pg-admin.mjs";

async function main([command, url]: string[]) {
  if (!url || (command !== "create" && command !== "drop")) {
    throw new Error("usage: e2e-db.ts create <admin-url> | drop <database-url>");
  }
  if (command === "create") {
    // why: named after the parent (scripts/test.mjs), which outlives this process.
    const name = uniqueName("loupe_e2e", process.ppid);
    await createDatabase(url, name);
    try {
      await migrateDatabase(databaseUrl(url, name));
    } catch (error) {
      await dropDatabases(url, [name]).catch(() => {});
      throw error;
    }
    process.stdout.write(`${databaseUrl(url, name)}\n`);
  } else {
    const name = databaseName(url);
    if (!name.startsWith("loupe_e2e_")) throw new Error(`Refusing to drop ${name}: not an e2e database`);
    // why: drop it from the server's maintenance database, not from itself.
    await dropDatabases(databaseUrl(url, "postgres"), [name]);
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(`e2e-db: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
