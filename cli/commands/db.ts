import type { Command } from "commander";
import { sql } from "drizzle-orm";
import type { Database } from "~/db.server";
import { migrateDatabase } from "~db/migrate";
import { out, withDatabase } from "../run";

export function registerDbCommands(program: Command) {
  const group = program.command("db").description("manage the database");

  group
    .command("migrate")
    .description("apply pending migrations (the server also does this when it starts)")
    .action(() =>
      withDatabase({ migrate: false }, async ({ db, url }) => {
        const before = await appliedMigrations(db);
        await migrateDatabase(url);
        const applied = (await appliedMigrations(db)) - before;
        out(applied === 0 ? "Database is up to date." : `Applied ${applied} migration${applied === 1 ? "" : "s"}.`);
      }),
    );
}

async function appliedMigrations(db: Database): Promise<number> {
  const [table] = await db.execute<{ name: string | null }>(sql`select to_regclass('drizzle.__drizzle_migrations')::text as name`);
  if (!table?.name) return 0;
  const [row] = await db.execute<{ n: number }>(sql`select count(*)::int as n from drizzle.__drizzle_migrations`);
  return row?.n ?? 0;
}
