import { sqlOf, type Database } from "~/db.server";

export type JobCounts = { queue: string; state: string; count: number };

/** What operators watch, read from the database in one round of small queries (for /metrics and the admin health page). */
export type OpsSnapshot = {
  /** One `select 1` round trip. */
  databaseMs: number;
  /** Open items waiting in every project's queue, and leases past their end that nobody reclaimed yet. */
  queue: { open: number; expiredLeases: number; liveLeases: number };
  /** pg-boss jobs by queue and state (created, retry, active, completed, cancelled, failed). */
  jobs: JobCounts[];
  /** Rows imports have read and inserted since the instance began, and imports running now. */
  imports: { rowsRead: number; rowsInserted: number; running: number; failed: number };
  /** This database's connections by state (active, idle, idle in transaction…). */
  connections: { state: string; count: number }[];
  /** Migrations applied to the database. */
  migrations: number;
};

/**
 * The instance's operational figures. Each query is bounded by an index or a small table (the
 * queue's partial index, leases, pg-boss's job table, imports, pg_stat_activity); none reads items' content.
 */
export async function opsSnapshot(db: Database): Promise<OpsSnapshot> {
  const sql = sqlOf(db);
  const started = performance.now();
  await sql`select 1`;
  const databaseMs = performance.now() - started;
  const [[queue], [leases], jobs, [imports], connections, [migrations]] = await Promise.all([
    sql<{ open: number }[]>`select count(*)::int as open from items where status = 'open'`,
    sql<{ expired: number; live: number }[]>`
      select count(*) filter (where expires_at <= now())::int as expired, count(*) filter (where expires_at > now())::int as live
        from assignments where state = 'leased'`,
    // why the catch: pg-boss makes its schema when the workers first start; a fresh database has none.
    sql<JobCounts[]>`
      select name as queue, state::text as state, count(*)::int as count from pgboss.job
       group by name, state order by name, state`.catch(() => [] as JobCounts[]),
    sql<{ read: string; inserted: string; running: number; failed: number }[]>`
      select coalesce(sum(received), 0)::text as read, coalesce(sum(inserted), 0)::text as inserted,
             count(*) filter (where state in ('queued', 'running'))::int as running, count(*) filter (where state = 'failed')::int as failed
        from imports`,
    sql<{ state: string; count: number }[]>`
      select coalesce(state, 'unknown') as state, count(*)::int as count from pg_stat_activity
       where datname = current_database() group by 1 order by 1`,
    sql<{ n: number }[]>`select count(*)::int as n from drizzle.__drizzle_migrations`.catch(() => [{ n: 0 }]),
  ]);
  return {
    databaseMs,
    queue: { open: queue!.open, expiredLeases: leases!.expired, liveLeases: leases!.live },
    jobs: [...jobs],
    imports: { rowsRead: Number(imports!.read), rowsInserted: Number(imports!.inserted), running: imports!.running, failed: imports!.failed },
    connections: [...connections],
    migrations: migrations!.n,
  };
}
