import fs from "node:fs";
import type postgres from "postgres";

/** CPU time this process has used, in ms. */
export function processCpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/**
 * CPU time (ms) used so far by each server process serving the current database, read from
 * /proc. On a shared machine this stays meaningful where wall-clock figures do not. Null when
 * the server is not on this machine (or /proc is not readable).
 */
export async function backendCpuMs(sql: postgres.Sql): Promise<Map<number, number> | null> {
  const rows = await sql<{ pid: number }[]>`select pid from pg_stat_activity where datname = current_database()`;
  const result = new Map<number, number>();
  for (const { pid } of rows) {
    try {
      // why: a pid from a server on another machine may name some unrelated local process.
      if (!fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").startsWith("postgres")) return null;
      // Fields after the command name: utime and stime are the 12th and 13th, in USER_HZ (100/s).
      const fields = fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
      result.set(pid, (Number(fields[11]) + Number(fields[12])) * 10);
    } catch {
      return null;
    }
  }
  return result;
}

/** CPU the backends used between two readings; backends that appeared in between count from zero. */
export function backendCpuDelta(before: Map<number, number> | null, after: Map<number, number> | null): number | null {
  if (!before || !after) return null;
  let total = 0;
  for (const [pid, ms] of after) total += ms - (before.get(pid) ?? 0);
  return total;
}
