import { Readable } from "node:stream";
import { ByteWriter, parquetWriteRows } from "hyparquet-writer";
import type { ClassRecord } from "./rows";

const COLUMNS = ["text", "label", "split"] as const;
const SCHEMA = [
  { name: "root", num_children: COLUMNS.length },
  ...COLUMNS.map((name) => ({ name, type: "BYTE_ARRAY" as const, converted_type: "UTF8" as const, repetition_type: "REQUIRED" as const })),
];
// why: bounded row groups keep memory flat however many rows stream through.
const ROW_GROUP = 10_000;

/**
 * The classification rows as a Parquet file (hyparquet-writer), streamed: nothing is read until
 * the consumer asks; then each row group is encoded and pushed, and the next one is only pulled
 * from `records` once the consumer wants more (backpressure). An empty source still gives a
 * valid file with the schema and zero rows. `createdBy` is fixed so the same rows give the same bytes.
 */
export function parquetStream(records: AsyncIterable<ClassRecord>): Readable {
  let started = false;
  let wanted: (() => void) | null = null;
  const writer = new ByteWriter();
  const out: Readable = new Readable({
    read() {
      if (!started) {
        started = true;
        void pump().catch((error: unknown) => out.destroy(error as Error));
      }
      wanted?.();
      wanted = null;
    },
    destroy(error, callback) {
      wanted?.();
      callback(error);
    },
  });
  const flush = async () => {
    if (writer.index === 0) return;
    const chunk = Buffer.from(writer.buffer.slice(0, writer.index));
    writer.index = 0;
    if (out.destroyed) throw new Error("The download was closed before it finished.");
    if (!out.push(chunk)) await new Promise<void>((resolve) => (wanted = resolve));
    if (out.destroyed) throw new Error("The download was closed before it finished.");
  };
  const pump = async () => {
    await parquetWriteRows({
      writer: Object.assign(writer, { flush, finish: flush }),
      rows: records,
      columns: COLUMNS.map((name) => ({ name, type: "STRING" as const, nullable: false })),
      schema: SCHEMA,
      rowGroupSize: ROW_GROUP,
      createdBy: "loupe",
    });
    out.push(null);
  };
  return out;
}
