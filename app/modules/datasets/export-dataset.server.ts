import { Readable } from "node:stream";
import type { Database } from "~/db.server";
import { clientOf } from "./client.server";
import type { Actor } from "~/modules/auth/actor";
import type { Question } from "~/modules/templates/schemas";
import { parseOrThrow } from "~/utils/validation";
import { buildCard, type DatasetCard, type DatasetRecord } from "./card";
import { settleRoles, type FrozenAnnotation, type FrozenRow, type Split } from "./formats/frozen";
import { parquetStream } from "./formats/parquet.server";
import { outcomesFor, type ClassRecord, type ItemFormat } from "./formats/rows";
import { CSV_HEADER, formatFiles, renderAnnotation, renderRecord } from "./formats/serialize";
import { getDatasetRecord } from "./queries.server";
import { readAhead } from "./read-ahead";
import { datasetOptionsSchema, exportQuerySchema, type ExportFormat, type ExportQuery } from "./schemas";

export type DatasetExport = {
  dataset: DatasetRecord;
  card: DatasetCard;
  fileName: string;
  contentType: string;
  /** The file's bytes, produced only as fast as the consumer reads them. */
  body: Readable;
};

const BATCH = 5000;

/**
 * Opens an export of a snapshot: its card, a safe file name and a stream of the file. The bytes
 * are a pure function of the snapshot and the query (format, split): the same request always
 * gives the same file. Rows are read with a cursor and made as the stream is read, so memory stays
 * flat however big the dataset; closing the stream early releases the cursor.
 */
export async function exportDataset(db: Database, actor: Actor, datasetId: string, query: ExportQuery): Promise<DatasetExport> {
  const { format, split } = parseOrThrow(exportQuerySchema, query);
  const dataset = await getDatasetRecord(db, actor, datasetId, "datasets.export");
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
  if (format === "annotations-jsonl") return Readable.from(mapRows(readAnnotations(db, dataset.id, split), renderAnnotation), { objectMode: false });
  const roles = settleRoles(dataset.template.questions as Question[], parseOrThrow(datasetOptionsSchema, dataset.options));
  const records = (async function* () {
    for await (const row of readRows(db, dataset.id, split)) {
      for (const outcome of outcomesFor(format, row, roles)) if (outcome.kind === "row") yield outcome.record;
    }
  })();
  if (format === "parquet") return parquetStream(records as AsyncIterable<ClassRecord>);
  const lines = mapRows(records, (record) => renderRecord(format as Exclude<ItemFormat, "parquet">, record));
  return Readable.from(format === "classification-csv" ? withHeader(CSV_HEADER, lines) : lines, { objectMode: false });
}

/** Joins many small lines into ~64 KB chunks, so the stream moves chunks, not lines. */
async function* mapRows<T>(source: AsyncIterable<T>, render: (value: T) => string): AsyncGenerator<string> {
  let chunk = "";
  for await (const value of source) {
    chunk += render(value);
    if (chunk.length >= 65_536) {
      yield chunk;
      chunk = "";
    }
  }
  if (chunk) yield chunk;
}

async function* withHeader(header: string, lines: AsyncIterable<string>) {
  yield header;
  yield* lines;
}

type RawRow = { position: number; item_id: string; external_id: string | null; split: Split; input: FrozenRow["input"]; outputs: FrozenRow["outputs"]; resolutions: FrozenRow["resolutions"]; label: string | null };

async function* readRows(db: Database, datasetId: string, split?: Split): AsyncGenerator<FrozenRow> {
  const sql = clientOf(db);
  const where = split ? sql`and split = ${split}` : sql``;
  const cursor = sql<RawRow[]>`
    select position, item_id, external_id, split, input, outputs, resolutions, label
    from dataset_rows where dataset_id = ${datasetId} ${where} order by position`.cursor(BATCH);
  for await (const batch of readAhead(cursor)) {
    for (const r of batch) {
      yield { position: r.position, itemId: Number(r.item_id), externalId: r.external_id, split: r.split, input: r.input, outputs: r.outputs, resolutions: r.resolutions, label: r.label };
    }
  }
}

type RawAnnotation = { position: number; item_id: string; split: Split; reviewer: string; values: Record<string, unknown>; template_version: number; duration_ms: number | null; submitted_at: string | null; updated_at: string };

async function* readAnnotations(db: Database, datasetId: string, split?: Split): AsyncGenerator<FrozenAnnotation> {
  const sql = clientOf(db);
  const where = split ? sql`and split = ${split}` : sql``;
  const cursor = sql<RawAnnotation[]>`
    select position, item_id, split, reviewer, values, template_version, duration_ms, to_char(submitted_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as submitted_at,
           to_char(updated_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as updated_at
    from dataset_annotations where dataset_id = ${datasetId} ${where}
    order by seq`.cursor(BATCH);
  for await (const batch of readAhead(cursor)) {
    for (const a of batch) {
      yield {
        position: a.position,
        itemId: Number(a.item_id),
        split: a.split,
        reviewer: a.reviewer,
        values: a.values,
        templateVersion: a.template_version,
        durationMs: a.duration_ms,
        submittedAt: a.submitted_at,
        updatedAt: a.updated_at,
      };
    }
  }
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
