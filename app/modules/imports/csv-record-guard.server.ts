const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;

/** Fields one CSV record may have; a record with more stops the read (see RecordGuard). */
export const MAX_CSV_FIELDS = 10_000;

/** Where a record went over a limit: the offset in the chunk of the byte that did it, and which limit. */
export type Overrun = { at: number; fields?: number };

/**
 * Follows a CSV byte stream record by record as csv-parse reads it, so a record over the limits is
 * refused before csv-parse holds it: csv-parse's own `max_record_size` counts neither Buffer
 * fields nor empty ones, so a line of commas (or many long fields) grew its record without bound.
 *
 * It mirrors csv-parse's rules: a quote opens a quoted field only at the start of a field; inside
 * one, a doubled quote is a quote, a quote before a delimiter or the record's end closes it, and
 * a quote before anything else is an error after which csv-parse stays in the field. Records end
 * at the first of `\n`, `\r\n` or `\r` met outside quotes, and only at that from then on. Lines
 * are counted as csv-parse counts them (each CR or LF, a CRLF record delimiter once). Where the
 * two could still differ (a quote before a lone CR in a CRLF file), the guard takes the field as
 * closed and csv-parse holds one growing field, which its `max_record_size` refuses.
 */
export class RecordGuard {
  /** The line the record being read starts on (1-based). */
  recordLine = 1;
  private line = 1;
  private bytes = 0;
  private fields = 1;
  private quoted = false;
  /** Inside quotes, the last byte was a quote: the next one says what it was. */
  private quoteSeen = false;
  private fieldStart = true;
  /** The record delimiter once known: LF, CR, or CR followed by LF (`crlf`). */
  private eol: "lf" | "cr" | "crlf" | null = null;
  /** The last byte was a CR that may begin the record delimiter. */
  private crSeen = false;

  constructor(
    private readonly delimiter: number,
    private readonly maxBytes: number,
    private readonly maxFields = MAX_CSV_FIELDS,
  ) {}

  /** The record delimiter once met (csv-parse's `record_delimiter`). */
  get recordDelimiter(): string | undefined {
    return this.eol === null ? undefined : { lf: "\n", cr: "\r", crlf: "\r\n" }[this.eol];
  }

  /** Reads the next chunk; returns where the record being read went over a limit, if it did. */
  scan(chunk: Uint8Array): Overrun | null {
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i]!;
      if (++this.bytes > this.maxBytes) return { at: i };
      if (this.crSeen) {
        this.crSeen = false;
        this.eol ??= b === LF ? "crlf" : "cr";
        if (this.eol === "crlf" && b === LF) {
          this.endRecord();
          continue;
        }
        if (this.eol === "cr") {
          this.endRecord();
          this.bytes = 1;
        } else {
          this.fieldStart = false;
        }
      }
      if (this.quoted) {
        if (!this.quoteSeen) {
          if (b === QUOTE) this.quoteSeen = true;
          else if (b === LF || b === CR) this.line++;
          continue;
        }
        this.quoteSeen = false;
        if (b === QUOTE) continue;
        const closes = b === this.delimiter || (b === LF && (this.eol === null || this.eol === "lf")) || (b === CR && this.eol !== "lf");
        if (!closes) {
          if (b === LF || b === CR) this.line++;
          continue;
        }
        this.quoted = false;
      }
      if (b === this.delimiter) {
        this.fieldStart = true;
        if (++this.fields > this.maxFields) return { at: i, fields: this.maxFields };
      } else if (b === QUOTE) {
        if (this.fieldStart) this.quoted = true;
        this.fieldStart = false;
      } else if (b === LF) {
        this.line++;
        this.eol ??= "lf";
        if (this.eol === "lf") this.endRecord();
        else this.fieldStart = false;
      } else if (b === CR) {
        this.line++;
        if (this.eol === "lf") this.fieldStart = false;
        else this.crSeen = true;
      } else {
        this.fieldStart = false;
      }
    }
    return null;
  }

  /** The record delimiter was read: the next byte starts a record (csv-parse counted its line). */
  private endRecord() {
    this.recordLine = this.line;
    this.bytes = 0;
    this.fields = 1;
    this.fieldStart = true;
  }
}
