import fs from "node:fs";
import path from "node:path";

/** A folder of ../shared/data (beside the checkout), or null with a visible notice; under CI=true its absence is an error. */
export function sharedData(folder: string): string | null {
  const dir = path.resolve("..", "shared", "data", folder);
  if (fs.existsSync(dir)) return dir;
  const message = `${dir} is missing: the tests that read it are skipped.`;
  if (process.env.CI === "true") throw new Error(message);
  console.warn(`\n*** NOTICE: ${message} ***\n`);
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
