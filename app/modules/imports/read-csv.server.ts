import { once } from "node:events";
import { Parser, type CsvError } from "csv-parse";
import { asBuffer, checkBytes, ImportInputError, ImportLimitError, limitText, type RawRecord, type ReaderLimits } from "./bytes.server";
import { RecordGuard, type Overrun } from "./csv-record-guard.server";

const DELIMITERS = [",", ";", "\t"] as const;

type Parsed = { fields: Buffer[]; lines: number } | { error: SkipError };

/**
 * CSV with a header row (RFC 4180 quoting; `,` `;` or tab, whichever the header line uses most)
 * through csv-parse. Each data row becomes an object keyed by the header's names. Fields stay
 * bytes until each is checked for NUL and UTF-8, so a bad byte is reported with its column.
 * A record over the size or field limit (usually a quote left open) ends the reading: the rows
 * before it are yielded, then the record with `stop`, and nothing after it is read.
 */
export async function* readCsv(chunks: AsyncIterable<Uint8Array>, limits: ReaderLimits): AsyncGenerator<RawRecord> {
  const source = chunks[Symbol.asyncIterator]();
  let parser: Parser | undefined;
  try {
    const head: Buffer[] = [];
    let headSize = 0;
    for (;;) {
      const next = await source.next();
      if (next.done) break;
      const chunk = asBuffer(next.value);
      head.push(chunk);
      headSize += chunk.length;
      if (chunk.includes(0x0a) || chunk.includes(0x0d) || headSize > limits.maxRecordBytes) break;
    }
    const delimiter = sniffDelimiter(Buffer.concat(head, Math.min(headSize, 65_536)));
    const guard = new RecordGuard(delimiter.charCodeAt(0), limits.maxRecordBytes);
    // why: the first line is scanned before csv-parse starts so it can be told the record delimiter:
    // left to find it, csv-parse spends ~1 µs a byte until the first line end (8 s on a 10 MB line).
    let headOver: (Overrun & { chunk: number }) | null = null;
    for (let i = 0; i < head.length && !headOver; i++) {
      const over = guard.scan(head[i]!);
      if (over) headOver = { ...over, chunk: i };
    }
    if (headOver && guard.recordLine === 1) throw headerTooLong(1, headOver, limits);

    // why: records and skipped records arrive through callbacks, in order, while a chunk is
    // written (nothing is pushed to the stream's readable side, so each write is parsed at once).
    const parsed: Parsed[] = [];
    const csv = new Parser({
      encoding: null,
      delimiter,
      record_delimiter: guard.recordDelimiter,
      skip_records_with_error: true,
      skip_empty_lines: true,
      // why: a backstop only; the guard bounds every record before csv-parse holds it.
      max_record_size: limits.maxRecordBytes,
      on_record: (record, info) => {
        // why: with `encoding: null` the fields are Buffers (csv-parse's types say strings).
        parsed.push({ fields: record as unknown as Buffer[], lines: info.lines });
        return null;
      },
    });
    parser = csv;
    csv.on("skip", (error: SkipError) => parsed.push({ error }));
    let failed: unknown;
    csv.on("error", (error: unknown) => (failed ??= error));
    csv.resume();

    let columns: string[] | null = null;
    let lastLine = 0;
    let rows = 0;
    let stopped = false;
    const tooLong = (line: number, over: { fields?: number }): RawRecord => {
      if (!columns) throw headerTooLong(line, over, limits);
      stopped = true;
      return { line, record: ++rows, problem: { field: null, message: `the record ${overWhat(over, limits)}; the rest of the file was not read (is a quote left open?)` }, stop: true };
    };
    const take = function* (): Generator<RawRecord> {
      if (failed) throw failed;
      for (const p of parsed) {
        const line = lastLine + 1;
        if ("error" in p && p.error.code === "CSV_MAX_RECORD_SIZE") {
          yield tooLong(line, {});
          return;
        }
        if ("error" in p) {
          lastLine = p.error.lines ?? line;
          if (!columns) throw new ImportInputError(`line ${line}: the header row cannot be read (${csvMessage(p.error, 0)})`);
          yield { line, record: ++rows, problem: { field: null, message: csvMessage(p.error, columns.length) } };
        } else {
          lastLine = p.lines;
          if (!columns) columns = headerNames(p.fields, line);
          else yield toObject(p.fields, columns, line, ++rows);
        }
      }
      parsed.length = 0;
    };
    /** Writes a chunk, up to where a record went over a limit; yields what it completed. True: stop reading. */
    const write = function* (chunk: Buffer, over: Overrun | null): Generator<RawRecord, boolean> {
      // why: the bytes up to the limit complete the records before the long one; it stays unfinished.
      csv.write(over ? chunk.subarray(0, over.at) : chunk);
      yield* take();
      if (!stopped && over) yield tooLong(guard.recordLine, over);
      return stopped || over !== null;
    };

    for (let i = 0; i < head.length; i++) {
      if (yield* write(head[i]!, headOver?.chunk === i ? headOver : null)) return;
    }
    for (let next = await source.next(); !next.done; next = await source.next()) {
      const chunk = asBuffer(next.value);
      if (yield* write(chunk, guard.scan(chunk))) return;
    }
    csv.end();
    await once(csv, "finish");
    yield* take();
    if (stopped) return;
    if (!columns) throw new ImportInputError("The file is empty.", true);
    if (rows === 0) throw new ImportInputError("The file has a header row but no data rows.", true);
  } finally {
    parser?.destroy();
    await source.return?.();
  }
}

const overWhat = (over: { fields?: number }, limits: ReaderLimits) =>
  over.fields ? `has more than ${over.fields.toLocaleString("en")} fields` : `is longer than ${limitText(limits.maxRecordBytes, limits.settings?.maxRecordBytes)}`;

const headerTooLong = (line: number, over: { fields?: number }, limits: ReaderLimits) =>
  new ImportLimitError(`line ${line}: the header row ${overWhat(over, limits)}, so the file was not read (is it CSV?)`);

function toObject(fields: Buffer[], columns: string[], line: number, record: number): RawRecord {
  const value: Record<string, string> = {};
  for (let i = 0; i < columns.length; i++) {
    const bytes = fields[i]!;
    const problem = checkBytes(bytes, columns[i]!);
    if (problem) return { line, record, problem };
    value[columns[i]!] = bytes.toString("utf8");
  }
  return { line, record, value };
}

function headerNames(fields: Buffer[], line: number): string[] {
  const names = fields.map((bytes, i) => {
    const problem = checkBytes(bytes);
    if (problem) throw new ImportInputError(`line ${line}: the header row has ${problem.message}`);
    return bytes.toString("utf8").trim() || `column ${i + 1}`;
  });
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name)) throw new ImportInputError(`line ${line}: the header row names the column "${name}" twice`);
    seen.add(name);
  }
  return names;
}

type SkipError = CsvError & { lines?: number; records?: number; record?: unknown[] };

function csvMessage(error: SkipError, columns: number): string {
  switch (error.code) {
    case "CSV_QUOTE_NOT_CLOSED":
      return "a quoted field is not closed before the end of the file";
    case "CSV_INVALID_CLOSING_QUOTE":
      return 'a quote inside a quoted field must be doubled ("")';
    case "CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE":
      return "unexpected text after a closing quote";
    case "CSV_RECORD_INCONSISTENT_FIELDS_LENGTH":
    case "CSV_RECORD_INCONSISTENT_COLUMNS": {
      const found = error.record?.length;
      return `expected ${columns} fields like the header row${found === undefined ? "" : `, found ${found}`}`;
    }
    default:
      return error.message;
  }
}

/** The delimiter the header line uses most (outside quotes); a comma when it uses none. */
export function sniffDelimiter(head: Buffer): string {
  const text = head.toString("utf8");
  const end = text.indexOf("\n");
  const first = end === -1 ? text : text.slice(0, end);
  const counts = new Map<string, number>(DELIMITERS.map((d) => [d, 0]));
  let quoted = false;
  for (const ch of first) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && counts.has(ch)) counts.set(ch, counts.get(ch)! + 1);
  }
  let best: string = ",";
  for (const d of DELIMITERS) if (counts.get(d)! > counts.get(best)!) best = d;
  return best;
}
