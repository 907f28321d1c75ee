import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** The real public data beside the checkout (see its README); read in place, never copied into the project. */
export const SHARED_DATA = fileURLToPath(new URL("../../../shared/data", import.meta.url));

/** Whether we run in CI: `CI` set to `1` or `true` (any case), as CI services and `.ci/run` set it. */
export function ciIsOn(env: Record<string, string | undefined> = process.env): boolean {
  const value = (env.CI ?? "").trim().toLowerCase();
  return value === "1" || value === "true";
}

/**
 * The absolute paths of files or folders under ../shared/data, or null when any is missing —
 * after saying so loudly, so the tests reading them skip visibly. In CI a missing path is an
 * error (thrown while the test file loads, so the file fails): CI never passes by skipping.
 */
export function sharedData(...relative: string[]): string[] | null {
  return findUnder(SHARED_DATA, relative);
}

/** sharedData's rule for any folder (its own test points it at a temporary one). */
export function findUnder(root: string, relative: string[], env: Record<string, string | undefined> = process.env): string[] | null {
  const paths = relative.map((r) => path.join(root, r));
  const missing = paths.filter((p) => !fs.existsSync(p));
  if (missing.length === 0) return paths;
  const what = `${missing.join(", ")} not found`;
  if (ciIsOn(env)) throw new Error(`${what}: the tests that read real data cannot run. In CI (CI=${env.CI}) the real data must be present.`);
  console.warn(`\n*** NOTICE: ${what}: the tests that read real data are skipped. ***\n`);
  return null;
}

/** RFC 4180 CSV (quoted fields, doubled quotes, line breaks inside quotes) into rows of fields. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  const endField = () => {
    row.push(field);
    field = "";
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") endField();
    else if (ch === "\n" || ch === "\r") {
      if (ch === "\r" && text[i + 1] === "\n") i++;
      endField();
      rows.push(row);
      row = [];
    } else field += ch;
  }
  if (field || row.length) {
    endField();
    rows.push(row);
  }
  return rows;
}
