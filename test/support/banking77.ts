import fs from "node:fs";
import type { LabelledText } from "~/modules/classifier/core";
import { parseCsv } from "./shared-data";

/** A BANKING77 CSV (text,category) as labelled texts, checking its header and every row's shape. */
export function readBanking77(file: string): LabelledText[] {
  const [header, ...rows] = parseCsv(fs.readFileSync(file, "utf8"));
  if (header?.join() !== "text,category") throw new Error(`${file}: expected the header text,category; got ${header?.join()}.`);
  return rows.map((row, i) => {
    if (row.length !== 2) throw new Error(`${file}: row ${i + 2} has ${row.length} fields, not 2.`);
    return { text: row[0]!, label: row[1]! };
  });
}
