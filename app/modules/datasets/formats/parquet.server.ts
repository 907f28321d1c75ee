import { PassThrough, type Readable } from "node:stream";
import { ByteWriter, parquetWriteRows } from "hyparquet-writer";
import type { ClassRecord } from "./rows";

/** Resolves when `stream` wants more, rejects when it was closed first. */
function drained(stream: PassThrough): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (error?: Error) => {
      stream.off("drain", onDrain);
      stream.off("close", onClose);
      if (error) reject(error);
      else resolve();
    };
    const onDrain = () => done();
    const onClose = () => done(new Error("The download was closed before it finished."));
    stream.on("drain", onDrain);
    stream.on("close", onClose);
  });
}

const COLUMNS = ["text", "label", "split"] as const;
const SCHEMA = [
  { name: "root", num_children: COLUMNS.length },
  ...COLUMNS.map((name) => ({ name, type: "BYTE_ARRAY" as const, converted_type: "UTF8" as const, repetition_type: "REQUIRED" as const })),
];
// why: bounded row groups keep memory flat however many rows stream through.
const ROW_GROUP = 10_000;
const FLUSH_BYTES = 256 * 1024;

/**
 * The classification rows as a Parquet file (hyparquet-writer), streamed: each row group is
 * encoded, then handed to the returned stream, and the next one is only pulled from `records`
 * once the reader has taken it (backpressure). An empty source still makes a valid file with
 * the schema and zero rows. `createdBy` is fixed so the same rows always give the same bytes.
 */
export function parquetStream(records: AsyncIterable<ClassRecord>): Readable {
  const out = new PassThrough({ highWaterMark: FLUSH_BYTES });
  const writer = new ByteWriter();
  const drain = async () => {
    if (writer.index === 0) return;
    const chunk = Buffer.from(writer.buffer.slice(0, writer.index));
    writer.index = 0;
    if (!out.write(chunk)) await drained(out);
  };
  const streaming = Object.assign(writer, {
    flush: drain,
    finish: async () => {
      await drain();
      out.end();
    },
  });
  void (async () => {
    await parquetWriteRows({
      writer: streaming,
      rows: records,
      columns: COLUMNS.map((name) => ({ name, type: "STRING" as const, nullable: false })),
      schema: SCHEMA,
      rowGroupSize: ROW_GROUP,
      createdBy: "loupe",
    });
  })().catch((error: unknown) => out.destroy(error as Error));
  return out;
}
