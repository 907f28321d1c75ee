import { Readable } from "node:stream";
import { sqlOf, type Database } from "~/db.server";
import type { Actor } from "~/modules/auth/actor";
import { parseOrThrow } from "~/utils/validation";
import { buildCard, type DatasetCard, type DatasetRecord } from "./card";
import type { Split } from "./formats/frozen";
import { parquetStream } from "./formats/parquet.server";
import type { ClassRecord } from "./formats/rows";
import { CSV_HEADER, formatFiles } from "./formats/serialize";
import { getDatasetRecord, requireReady } from "./queries.server";
import { readAhead } from "./read-ahead";
import { exportQuerySchema, type ExportFormat, type ExportQuery } from "./schemas";

export type DatasetExport = {
  dataset: DatasetRecord;
  card: DatasetCard;
  fileName: string;
  contentType: string;
  /** The file's bytes, produced only as fast as the consumer reads them. */
  body: Readable;
};

const BATCH = 2000;

/**
 * Opens an export of a snapshot: its card, a safe file name and a stream of the file. The bytes
 * are the snapshot's frozen lines for the format (dataset_lines), so the same request always
 * gives the same file. They are read with a cursor as the stream is read, so memory stays flat
 * however big the dataset; closing the stream early releases the cursor. A snapshot that is not
 * built (queued, building, failed) is a conflict that says so: it has no lines yet.
 */
export async function exportDataset(db: Database, actor: Actor, datasetId: string, query: ExportQuery): Promise<DatasetExport> {
  const { format, split } = parseOrThrow(exportQuerySchema, query);
  const dataset = await getDatasetRecord(db, actor, datasetId, "datasets.export");
  requireReady(dataset);
  const file = formatFiles[format];
  return {
    dataset,
    card: buildCard(dataset, format, split),
    fileName: exportFileName(dataset, format, split),
    contentType: file.contentType,
    body: exportBody(db, dataset, format, split),
  };
}

/** The file's bytes; the route, the CLI and the benchmark all stream this same function. */
export function exportBody(db: Database, dataset: DatasetRecord, format: ExportFormat, split?: Split): Readable {
  if (format === "parquet") {
    const records = (async function* () {
      for await (const lines of readLines(db, dataset.id, "classification-jsonl", split)) {
        for (const line of lines) yield JSON.parse(line.toString("utf8")) as ClassRecord;
      }
    })();
    return parquetStream(records);
  }
  // why: byte mode, so the stream holds one batch ahead of the socket, not 16 of them.
  return Readable.from(chunks(format === "classification-csv" ? CSV_HEADER : "", readLines(db, dataset.id, format, split)), { objectMode: false });
}

/** The header, then each batch of lines as one chunk (one stream write per batch, not per line). */
async function* chunks(header: string, batches: AsyncIterable<Buffer[]>): AsyncGenerator<Buffer> {
  if (header) yield Buffer.from(header);
  for await (const lines of batches) yield Buffer.concat(lines);
}

/**
 * A format's frozen lines in export order, a batch at a time, through a cursor that reads one
 * batch ahead. Raw: the bytes as PostgreSQL sent them, never decoded to strings and encoded back.
 */
async function* readLines(db: Database, datasetId: string, format: string, split?: Split): AsyncGenerator<Buffer[]> {
  const sql = sqlOf(db);
  const where = split ? sql`and split = ${split}` : sql``;
  const cursor = sql`select line from dataset_lines where dataset_id = ${datasetId} and format = ${format} ${where} order by seq`.raw().cursor(BATCH);
  for await (const batch of readAhead(cursor)) yield (batch as unknown as Buffer[][]).map((row) => row[0]!);
}

/** `<name>-v<version>-<format>[-<split>].<ext>`, from letters, digits and dashes only. */
export function exportFileName(dataset: Pick<DatasetRecord, "name" | "version">, format: ExportFormat, split?: Split): string {
  const slug =
    dataset.name
      .normalize("NFKD")
      .replace(/[\u0300-\u036f]/g, "")
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "")
      .slice(0, 60)
      .replace(/-+$/, "") || "dataset";
  return `${slug}-v${dataset.version}-${format}${split ? `-${split}` : ""}.${formatFiles[format].extension}`;
}

/** A Content-Disposition header that no file name can break out of. */
export function contentDisposition(fileName: string): string {
  return `attachment; filename="${fileName.replace(/[^\w.-]/g, "_")}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}
