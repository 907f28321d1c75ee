/**
 * Keeps one embedded PostgreSQL up for a whole `npm test` run (scripts/test.mjs starts it when
 * TEST_DATABASE_URL is unset):
 *
 *   node --import tsx scripts/test-db-server.ts [data-dir]     (default .data/test)
 *
 * Prints one line `{"url": "postgres://…"}` on stdout once the server accepts connections, then
 * runs until SIGTERM/SIGINT or until its stdin closes (its parent died), and stops the server.
 * If another process already runs the server for that directory, it shares it and leaves it up.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { AlreadyRunningError, findRunningEmbedded, startEmbedded, type EmbeddedServer } from "../db/embedded";

const dataDir = path.resolve(process.argv[2] ?? fileURLToPath(new URL("../.data/test", import.meta.url)));
const log = (line: string) => process.stderr.write(`[test-db] ${line}\n`);

async function start(): Promise<EmbeddedServer> {
  try {
    return await startEmbedded(dataDir, log);
  } catch (error) {
    if (error instanceof AlreadyRunningError) {
      const running = await findRunningEmbedded(dataDir);
      if (running) {
        log(`Sharing the embedded PostgreSQL already running from ${dataDir} (process ${error.pid}).`);
        return running;
      }
    }
    throw error;
  }
}

try {
  const server = await start();
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= server.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        log(`Stopping failed: ${String(error)}`);
        process.exit(1);
      },
    ));
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
  process.stdin.on("end", stop);
  process.stdin.on("error", stop);
  process.stdin.resume();
  process.stdout.write(`${JSON.stringify({ url: server.url })}\n`);
} catch (error) {
  log(`Could not start the embedded PostgreSQL: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
