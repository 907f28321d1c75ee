import { sqlClient } from "~/db.server";


/** A database round trip that gives up after two seconds, so a dead database answers fast. */
export async function healthCheck(): Promise<{ ok: true } | { ok: false; reason: string }> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      sqlClient()`select 1`,
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error("database did not answer within 2 s")), 2000);
      }),
    ]);
    return { ok: true };
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message : "database unavailable" };
  } finally {
    clearTimeout(timer);
  }
}
