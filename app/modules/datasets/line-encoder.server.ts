import type { Split } from "./formats/frozen";

const CHUNK = 1 << 20;
const SIGNATURE = Buffer.from("PGCOPY\n\xff\r\n\0", "latin1");
const FIELDS = 6;

/**
 * Encodes one COPY's worth of `dataset_lines` rows for `COPY dataset_lines (dataset_id, format, seq, split, item_id,
 * line) FROM STDIN WITH (FORMAT binary)`, into chunks of about 1 MB. Binary, because a line then
 * goes to PostgreSQL as its UTF-8 bytes with a length in front: no quoting or escaping of JSON's
 * many quotes and backslashes on either side, and one write per megabyte instead of one per line.
 */
export class LineEncoder {
  private buffer = Buffer.allocUnsafe(CHUNK);
  private offset = 0;
  private readonly full: Buffer[] = [];
  private readonly datasetId: Buffer;
  /** Rows added so far. */
  rows = 0;

  constructor(datasetId: string) {
    this.datasetId = Buffer.from(datasetId.replace(/-/g, ""), "hex");
    SIGNATURE.copy(this.buffer, 0);
    // flags and header extension length: both 0
    this.buffer.writeInt32BE(0, SIGNATURE.length);
    this.buffer.writeInt32BE(0, SIGNATURE.length + 4);
    this.offset = SIGNATURE.length + 8;
  }

  add(format: string, seq: number, split: Split, itemId: number, line: string): void {
    // why: UTF-8 takes at most 3 bytes per UTF-16 unit; the fixed fields take under 100.
    const most = 128 + 3 * (format.length + line.length);
    if (this.offset + most > this.buffer.length) this.flush(most);
    const b = this.buffer;
    let o = b.writeInt16BE(FIELDS, this.offset);
    o = b.writeInt32BE(16, o);
    o += this.datasetId.copy(b, o);
    o = this.text(format, o);
    o = b.writeInt32BE(4, o);
    o = b.writeInt32BE(seq, o);
    o = this.text(split, o);
    o = b.writeInt32BE(8, o);
    o = b.writeBigInt64BE(BigInt(itemId), o);
    this.offset = this.text(line, o);
    this.rows++;
  }

  /** The chunks filled so far (each handed out once). */
  take(): Buffer[] {
    return this.full.splice(0);
  }

  /** The rest, with the end-of-data marker. */
  end(): Buffer[] {
    if (this.offset + 2 > this.buffer.length) this.flush(2);
    this.offset = this.buffer.writeInt16BE(-1, this.offset);
    this.flush(0);
    return this.take();
  }

  private text(value: string, at: number): number {
    const length = this.buffer.write(value, at + 4, "utf8");
    this.buffer.writeInt32BE(length, at);
    return at + 4 + length;
  }

  private flush(next: number) {
    if (this.offset > 0) this.full.push(this.buffer.subarray(0, this.offset));
    this.buffer = Buffer.allocUnsafe(Math.max(CHUNK, next));
    this.offset = 0;
  }
}
