const UNAVAILABLE = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "CONNECT_TIMEOUT",
  "CONNECTION_CLOSED",
  "CONNECTION_ENDED",
  "CONNECTION_DESTROYED",
  "57P01",
  "57P03",
]);

/**
 * True for a lost or refused database connection, also when wrapped (Drizzle sets `cause`). A
 * socket's own ECONNRESET names the call that met it (`syscall`); Node's "aborted" error for an
 * HTTP request whose client went away carries the same code without one, and is no outage.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let e = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const { code = "", syscall } = e as { code?: string; syscall?: string };
    if (UNAVAILABLE.has(code) && (code !== "ECONNRESET" || syscall !== undefined)) return true;
  }
  return false;
}
