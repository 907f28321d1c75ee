import { sqlOf, type Db } from "~/db.server";
import { buildLock } from "./build-dataset.server";

export const INTERRUPTED_BUILD = "Interrupted: the process building it stopped (a restart or a crash) before it finished, and nothing of it was kept. Retry it to build it again.";

/**
 * Marks as failed the datasets that say `building` but whose build is gone: a running build holds
 * its dataset's advisory lock on its connection, which PostgreSQL releases when that process or
 * connection dies. So a free lock means the build died (its transaction rolled back with it,
 * so no line of it is left). All building datasets, or just `ids`. Returns the ids marked.
 */
export async function markInterruptedBuilds(db: Db, ids?: string[]): Promise<string[]> {
  const conn = await sqlOf(db).reserve();
  try {
    const building = ids
      ? await conn<{ id: string }[]>`select id from datasets where state = 'building' and id = any(${ids}::uuid[])`
      : await conn<{ id: string }[]>`select id from datasets where state = 'building'`;
    const marked: string[] = [];
    for (const { id } of building) {
      const [{ free }] = await conn.unsafe<[{ free: boolean }]>(`select pg_try_advisory_lock(${buildLock(id)}) as free`);
      if (!free) continue;
      try {
        const rows = await conn`update datasets set state = 'failed', finished_at = now(), message = ${INTERRUPTED_BUILD} where id = ${id} and state = 'building' returning id`;
        if (rows.length) marked.push(id);
      } finally {
        await conn.unsafe(`select pg_advisory_unlock(${buildLock(id)})`);
      }
    }
    return marked;
  } finally {
    conn.release();
  }
}
