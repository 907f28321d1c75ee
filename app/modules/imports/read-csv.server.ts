import { Readable } from "node:stream";
import { parse, type CsvError } from "csv-parse";
import { asBuffer, checkBytes, ImportInputError, tooLong, type RawRecord, type ReaderLimits } from "./bytes.server";

const DELIMITERS = [",", ";", "\t"] as const;

/**
 * CSV with a header row (RFC 4180 quoting; `,` `;` or tab, whichever the header line uses most)
 * through csv-parse. Each data row becomes an object keyed by the header's names. Fields stay
 * bytes until each is checked for NUL and UTF-8, so a bad byte is reported with its column.
 */
export async function* readCsv(chunks: AsyncIterable<Uint8Array>, limits: ReaderLimits): AsyncGenerator<RawRecord> {
  const source = chunks[Symbol.asyncIterator]();
  const head: Buffer[] = [];
  let headSize = 0;
  for (;;) {
    const next = await source.next();
    if (next.done) break;
    const chunk = asBuffer(next.value);
    head.push(chunk);
    headSize += chunk.length;
    if (chunk.includes(0x0a) || headSize > limits.maxRecordBytes) break;
  }
  const delimiter = sniffDelimiter(Buffer.concat(head).subarray(0, Math.min(headSize, 65_536)));

  const parser = parse({
    encoding: null,
    info: true,
    delimiter,
    skip_records_with_error: true,
    skip_empty_lines: true,
    max_record_size: limits.maxRecordBytes,
  });
  // why: csv-parse counts only the records it emits; a skipped one's place is that count plus the skips before it.
  const skipped: { error: SkipError; ordinal: number }[] = [];
  parser.on("skip", (error: SkipError) => skipped.push({ error, ordinal: (error.records ?? 0) + skipped.length + drained + 1 }));
  let drained = 0;
  let rows = 0;
  const input = Readable.from(
    (async function* () {
      yield* head;
      for (let next = await source.next(); !next.done; next = await source.next()) yield next.value;
    })(),
  );
  input.on("error", (error) => parser.destroy(error));
  input.pipe(parser);

  let columns: string[] | null = null;
  let lastLine = 0;
  const drain = function* (beforeLine: number): Generator<RawRecord> {
    while (skipped.length && (skipped[0]!.error.lines ?? 0) < beforeLine) {
      const { error, ordinal } = skipped.shift()!;
      drained++;
      const line = lastLine + 1;
      lastLine = error.lines ?? line;
      if (!columns) throw new ImportInputError(`line ${line}: the header row cannot be read (${csvMessage(error, 0, limits)})`);
      rows++;
      yield { line, record: ordinal - 1, problem: { field: null, message: csvMessage(error, columns.length, limits) } };
    }
  };
  try {
    for await (const { record: fields, info } of parser as AsyncIterable<{ record: Buffer[]; info: { lines: number; records: number } }>) {
      yield* drain(info.lines);
      const line = lastLine + 1;
      lastLine = info.lines;
      if (!columns) {
        columns = headerNames(fields, line);
        continue;
      }
      rows++;
      yield toObject(fields, columns, line, info.records + drained - 1);
    }
    yield* drain(Number.POSITIVE_INFINITY);
  } finally {
    input.destroy();
    parser.destroy();
  }
  if (!columns) throw new ImportInputError("The file is empty.", true);
  if (rows === 0) throw new ImportInputError("The file has a header row but no data rows.", true);
}

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

function csvMessage(error: SkipError, columns: number, limits: ReaderLimits): string {
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
    case "CSV_MAX_RECORD_SIZE":
      // why: csv-parse stops here; over-long records nearly always mean a quote left open.
      return `${tooLong(limits.maxRecordBytes, "record").message}; the rest of the file was not read (is a quote left open?)`;
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
