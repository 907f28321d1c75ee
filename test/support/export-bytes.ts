import fs from "node:fs";
import path from "node:path";
import { db } from "~/db.server";
import type { Actor } from "~/modules/auth/actor";
import type { Split } from "~/modules/datasets/formats/frozen";
import { exportDataset } from "~/modules/datasets/export-dataset.server";
import type { ExportFormat } from "~/modules/datasets/schemas";

/** The whole export as bytes, through the same function the download route streams. */
export async function exportBytes(actor: Actor, datasetId: string, format: ExportFormat, split?: Split) {
  const opened = await exportDataset(db, actor, datasetId, { format, split });
  const chunks: Buffer[] = [];
  for await (const chunk of opened.body) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string));
  return { ...opened, bytes: Buffer.concat(chunks) };
}

const GOLDEN_DIR = path.resolve("test/golden");

/**
 * Compares bytes with test/golden/<name>; `UPDATE_GOLDEN=1` rewrites the file instead (then read
 * the diff before committing it). A missing golden file is a failure, never a silent pass.
 */
export function golden(name: string, actual: Buffer | string): { expected: Buffer; actual: Buffer } {
  const file = path.join(GOLDEN_DIR, name);
  const bytes = Buffer.isBuffer(actual) ? actual : Buffer.from(actual);
  if (process.env.UPDATE_GOLDEN === "1") {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, bytes);
  }
  if (!fs.existsSync(file)) throw new Error(`No golden file ${path.relative(process.cwd(), file)}: run with UPDATE_GOLDEN=1 once and review it.`);
  return { expected: fs.readFileSync(file), actual: bytes };
}
