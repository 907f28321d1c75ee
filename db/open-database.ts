import { AlreadyRunningError, findRunningEmbedded, startEmbedded } from "./embedded";

export { AlreadyRunningError };

export type OpenedDatabase = {
  url: string;
  /** Where it came from, for the start-up message. */
  source: "DATABASE_URL" | "embedded" | "embedded (attached)";
  close(): Promise<void>;
};

/**
 * One rule for the server and the CLI: DATABASE_URL when set; otherwise the embedded server in
 * the data directory. The CLI attaches to one that `npm start` already runs; the server refuses
 * to share its data directory with another server.
 */
export async function openDatabase(options: {
  databaseUrl: string | undefined;
  dataDir: string;
  purpose: "server" | "cli";
  log?: (line: string) => void;
}): Promise<OpenedDatabase> {
  if (options.databaseUrl) return { url: options.databaseUrl, source: "DATABASE_URL", close: async () => {} };
  if (options.purpose === "cli") {
    const running = await findRunningEmbedded(options.dataDir);
    if (running) return { url: running.url, source: "embedded (attached)", close: running.stop };
  }
  const started = await startEmbedded(options.dataDir, options.log);
  return { url: started.url, source: "embedded", close: started.stop };
}
