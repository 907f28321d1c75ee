import fs from "node:fs";
import { fileURLToPath } from "node:url";

/** The real public data beside the checkout (see its README); never copied into the project. */
export const SHARED_DATA = fileURLToPath(new URL("../../shared/data", import.meta.url));

/**
 * The absolute paths of files under ../shared/data, or null when any is missing — after saying
 * so loudly. With CI=true a missing file is an error, so CI never passes by skipping.
 */
export function sharedData(...relative: string[]): string[] | null {
  const paths = relative.map((r) => `${SHARED_DATA}/${r}`);
  const missing = paths.filter((p) => !fs.existsSync(p));
  if (missing.length === 0) return paths;
  const notice = `${missing.join(", ")} not found: the tests that read real data are skipped.`;
  if (process.env.CI === "true" || process.env.CI === "1") throw new Error(notice);
  console.warn(`\n*** NOTICE: ${notice} ***\n`);
  return null;
}
