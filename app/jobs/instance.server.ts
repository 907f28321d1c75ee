import { randomBytes } from "node:crypto";
import path from "node:path";
import { readOrCreate } from "~/utils/files.server";

/**
 * This server's stable name, kept in its data directory: uploads stay on the disk of the server
 * that received them, so the job that reads one must run there. Servers sharing a data
 * directory share the name (and the disk).
 */
export function instanceId(dataDir: string): string {
  return readOrCreate(path.join(dataDir, "instance-id"), () => randomBytes(8).toString("hex"));
}

/** Where uploads wait for their import job. */
export function uploadsDir(dataDir: string): string {
  return path.join(dataDir, "imports");
}
