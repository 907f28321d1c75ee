import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";

/**
 * This server's stable name, kept in its data directory: uploads stay on the disk of the server
 * that received them, so the job that reads one must run there. Servers sharing a data
 * directory share the name (and the disk).
 */
export function instanceId(dataDir: string): string {
  const file = path.join(dataDir, "instance-id");
  try {
    return fs.readFileSync(file, "utf8").trim();
  } catch {
    fs.mkdirSync(dataDir, { recursive: true });
    const id = randomBytes(8).toString("hex");
    try {
      fs.writeFileSync(file, id, { flag: "wx" });
      return id;
    } catch {
      // why: another process created it between our read and write; theirs wins.
      return fs.readFileSync(file, "utf8").trim();
    }
  }
}

/** Where uploads wait for their import job. */
export function uploadsDir(dataDir: string): string {
  return path.join(dataDir, "imports");
}
