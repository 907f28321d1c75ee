import { sqlOf, type Database } from "~/db.server";
import type { Actor } from "~/modules/auth/actor";
import { ForbiddenError } from "~/utils/errors";
import { opsSnapshot, type OpsSnapshot } from "./snapshot.server";

export type FailedJob = { queue: string; id: string; failedAt: Date | null; message: string };
export type FailedImport = { id: string; projectId: string; projectName: string; failedAt: Date | null; message: string };

export type InstanceHealth = OpsSnapshot & {
  process: { uptimeSeconds: number; rssBytes: number; heapUsedBytes: number; node: string; pid: number };
  failedJobs: FailedJob[];
  failedImports: FailedImport[];
};

/**
 * What the admin health page shows: the figures /metrics exports, this app copy's process, and
 * the latest failed jobs and imports with their messages (at most 10 each). Admins only.
 */
export async function instanceHealth(db: Database, actor: Actor): Promise<InstanceHealth> {
  if (!actor.isAdmin) throw new ForbiddenError("Only admins can see the instance's health.");
  const sql = sqlOf(db);
  const [snapshot, failedJobs, failedImports] = await Promise.all([
    opsSnapshot(db),
    sql<{ queue: string; id: string; failed_at: Date | null; message: string | null }[]>`
      select name as queue, id::text as id, completed_on as failed_at, left(coalesce(output ->> 'message', output::text, ''), 300) as message
        from pgboss.job where state = 'failed' order by completed_on desc nulls last limit 10`.catch(() => []),
    sql<{ id: string; project_id: string; project_name: string; failed_at: Date | null; message: string | null }[]>`
      select i.id, i.project_id, p.name as project_name, i.finished_at as failed_at, left(coalesce(i.message, ''), 300) as message
        from imports i join projects p on p.id = i.project_id
       where i.state = 'failed' order by i.finished_at desc nulls last limit 10`,
  ]);
  const memory = process.memoryUsage();
  return {
    ...snapshot,
    process: { uptimeSeconds: Math.round(process.uptime()), rssBytes: memory.rss, heapUsedBytes: memory.heapUsed, node: process.version, pid: process.pid },
    failedJobs: failedJobs.map((j) => ({ queue: j.queue, id: j.id, failedAt: j.failed_at, message: j.message ?? "" })),
    failedImports: failedImports.map((i) => ({ id: i.id, projectId: i.project_id, projectName: i.project_name, failedAt: i.failed_at, message: i.message ?? "" })),
  };
}
