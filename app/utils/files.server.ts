import fs from "node:fs";
import path from "node:path";

/**
 * The trimmed contents of `file`, creating it with `make()` (mode 600) when it does not exist
 * yet. Safe when several processes start at once: the first writer wins and the others read it.
 */
export function readOrCreate(file: string, make: () => string): string {
  try {
    return fs.readFileSync(file, "utf8").trim();
  } catch {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const value = make();
    try {
      fs.writeFileSync(file, value, { mode: 0o600, flag: "wx" });
      return value;
    } catch {
      // why: another process created it between our read and write; theirs wins.
      return fs.readFileSync(file, "utf8").trim();
    }
  }
}
