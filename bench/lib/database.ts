import { fileURLToPath } from "node:url";
import { startEmbedded, type EmbeddedServer } from "../../db/embedded";
import { migrateDatabase } from "../../db/migrate";
import { createDatabase, databaseUrl, dropDatabases, uniqueName } from "../../scripts/lib/pg-admin.mjs";

export type BenchDatabase = {
  url: string;
  /** Where the data lives, for the report (no password). */
  where: string;
  /** True when the bench created the database and may drop it; false for a DATABASE_URL it was given. */
  owned: boolean;
  /** Drops the database the bench created (unless `keep`) and stops an embedded server it started. */
  close(options: { keep: boolean }): Promise<void>;
};

const EMBEDDED_DIR = fileURLToPath(new URL("../../.data/bench", import.meta.url));

/**
 * A migrated database for a benchmark: DATABASE_URL as given; else a fresh `loupe_bench_*`
 * database on TEST_DATABASE_URL's server; else one on an embedded server in `.data/bench`.
 */
export async function openBenchDatabase(log: (line: string) => void): Promise<BenchDatabase> {
  const given = process.env.DATABASE_URL;
  if (given) {
    await migrateDatabase(given);
    return { url: given, where: `DATABASE_URL (${redact(given)})`, owned: false, close: async () => {} };
  }
  let embedded: EmbeddedServer | undefined;
  let adminUrl = process.env.TEST_DATABASE_URL;
  let where = `TEST_DATABASE_URL server (${redact(adminUrl ?? "")})`;
  if (!adminUrl) {
    embedded = await startEmbedded(EMBEDDED_DIR, log);
    adminUrl = embedded.url;
    where = `embedded PostgreSQL (.data/bench, port ${embedded.port})`;
  }
  const name = uniqueName("loupe_bench");
  const url = databaseUrl(adminUrl, name);
  try {
    await createDatabase(adminUrl, name);
    await migrateDatabase(url);
  } catch (error) {
    await dropDatabases(adminUrl, [name]).catch(() => {});
    await embedded?.stop();
    throw error;
  }
  return {
    url,
    where: `${where}, database ${name}`,
    owned: true,
    async close({ keep }) {
      try {
        if (keep) log(`Kept database ${name}: ${redact(url)}`);
        else await dropDatabases(adminUrl, [name]);
      } finally {
        await embedded?.stop();
      }
    },
  };
}

export function redact(url: string): string {
  if (!url) return url;
  const u = new URL(url);
  if (u.password) u.password = "***";
  return u.toString();
}
