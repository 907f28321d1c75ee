import { asBuffer, checkBytes, ImportInputError, jsonProblem, tooLong, type RawRecord, type ReaderLimits } from "./bytes.server";

const OPEN_OBJECT = 0x7b;
const OPEN_ARRAY = 0x5b;
const CLOSE_OBJECT = 0x7d;
const CLOSE_ARRAY = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const NEWLINE = 0x0a;
const isSpace = (b: number) => b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;

/**
 * The elements of one top-level JSON array, one at a time, without parsing the whole document:
 * a small scanner finds where each element starts and ends (brackets outside strings), and only
 * that element is parsed. So a malformed element is reported with its line and the rest still
 * imports, an element over the size limit is skipped without being held, and nesting deeper than
 * the limit is refused before JSON.parse sees it.
 */
export async function* readJsonArray(chunks: AsyncIterable<Uint8Array>, limits: ReaderLimits): AsyncGenerator<RawRecord> {
  let line = 1;
  let record = 0;
  // why: `begin` and `end` change the state, which TypeScript's narrowing cannot see.
  let state = "start" as "start" | "between" | "element" | "done";
  // Inside an element:
  let depth = 0;
  let maxDepth = 0;
  let inString = false;
  let escaped = false;
  let startLine = 0;
  let parts: Buffer[] = [];
  let size = 0;
  let overflow = false;
  let primitive = false;

  const begin = () => {
    record++;
    state = "element";
    startLine = line;
    depth = maxDepth = 0;
    inString = escaped = overflow = false;
    parts = [];
    size = 0;
  };
  const keep = (chunk: Buffer, from: number, to: number) => {
    if (overflow || to <= from) return;
    size += to - from;
    if (size > limits.maxRecordBytes) {
      overflow = true;
      parts = [];
    } else {
      parts.push(chunk.subarray(from, to));
    }
  };
  const end = (): RawRecord => {
    state = "between";
    if (overflow) return { line: startLine, record, problem: tooLong(limits.maxRecordBytes, "array element") };
    if (maxDepth > limits.maxDepth) return { line: startLine, record, problem: { field: null, message: `JSON nested deeper than ${limits.maxDepth} levels` } };
    const bytes = parts.length === 1 ? parts[0]! : Buffer.concat(parts);
    const problem = checkBytes(bytes);
    if (problem) return { line: startLine, record, problem };
    try {
      return { line: startLine, record, value: JSON.parse(bytes.toString("utf8")) };
    } catch (error) {
      return { line: startLine, record, problem: jsonProblem(error) };
    }
  };

  for await (const raw of chunks) {
    const chunk = asBuffer(raw);
    let from = 0;
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i]!;
      if (state === "element") {
        if (inString) {
          if (escaped) escaped = false;
          else if (b === BACKSLASH) escaped = true;
          else if (b === QUOTE) inString = false;
          else if (b === NEWLINE) line++;
          continue;
        }
        if (primitive) {
          // why: a bare value (a number, a string, true) ends at the next comma or the closing bracket.
          if (b === COMMA || b === CLOSE_ARRAY) {
            keep(chunk, from, i);
            yield end();
            if (b === CLOSE_ARRAY) state = "done";
            from = i + 1;
          } else if (b === QUOTE) inString = true;
          else if (b === NEWLINE) line++;
          continue;
        }
        if (b === QUOTE) inString = true;
        else if (b === OPEN_OBJECT || b === OPEN_ARRAY) maxDepth = Math.max(maxDepth, ++depth);
        else if (b === CLOSE_OBJECT || b === CLOSE_ARRAY) {
          if (--depth === 0) {
            keep(chunk, from, i + 1);
            yield end();
            from = i + 1;
          }
        } else if (b === NEWLINE) line++;
        continue;
      }
      if (b === NEWLINE) line++;
      if (isSpace(b)) continue;
      if (state === "start") {
        if (b !== OPEN_ARRAY) throw new ImportInputError(`line ${line}: expected the file to start with [ (a JSON array of items)`);
        state = "between";
      } else if (state === "between") {
        if (b === COMMA) continue;
        if (b === CLOSE_ARRAY) {
          state = "done";
          continue;
        }
        begin();
        from = i;
        primitive = b !== OPEN_OBJECT && b !== OPEN_ARRAY;
        if (primitive) {
          if (b === QUOTE) inString = true;
        } else maxDepth = depth = 1;
      } else {
        throw new ImportInputError(`line ${line}: unexpected content after the closing ] of the JSON array`);
      }
    }
    if (state === "element") keep(chunk, from, chunk.length);
  }
  if (state === "element") {
    yield { line: startLine, record, problem: { field: null, message: "the file ends inside this element (a bracket or quote is not closed)" } };
  } else if (state !== "done") {
    if (state === "start") throw new ImportInputError("The file is empty.", true);
    throw new ImportInputError("The JSON array is not closed: the file ends before its closing ].");
  }
}
