import { asBuffer, checkBytes, depthOver, jsonProblem, tooLong, type RawRecord, type ReaderLimits } from "./bytes.server";

const NEWLINE = 0x0a;

/**
 * One JSON value per line. A line is never held beyond the record-size limit: a longer one is
 * skipped to its end and reported. Blank lines are ignored (but counted, so numbers match an editor's).
 */
export async function* readJsonl(chunks: AsyncIterable<Uint8Array>, limits: ReaderLimits): AsyncGenerator<RawRecord> {
  let line = 1;
  let record = 0;
  let carry: Buffer[] = [];
  let carried = 0;
  let overflow = false;

  const finish = (bytes: Buffer): RawRecord | null => {
    const end = bytes.length > 0 && bytes[bytes.length - 1] === 0x0d ? bytes.length - 1 : bytes.length;
    const body = bytes.subarray(0, end);
    if (isBlank(body)) return null;
    record++;
    return parseLine(body, line, record, limits);
  };

  for await (const raw of chunks) {
    const chunk = asBuffer(raw);
    let start = 0;
    for (;;) {
      const newline = chunk.indexOf(NEWLINE, start);
      const piece = chunk.subarray(start, newline === -1 ? chunk.length : newline);
      if (!overflow) {
        carried += piece.length;
        if (carried > limits.maxRecordBytes) {
          overflow = true;
          carry = [];
          record++;
          yield { line, record, problem: tooLong(limits.maxRecordBytes) };
        } else if (piece.length) {
          carry.push(piece);
        }
      }
      if (newline === -1) break;
      if (!overflow) {
        const result = finish(carry.length === 1 ? carry[0]! : Buffer.concat(carry));
        if (result) yield result;
      }
      line++;
      carry = [];
      carried = 0;
      overflow = false;
      start = newline + 1;
    }
  }
  if (!overflow && carry.length) {
    const result = finish(Buffer.concat(carry));
    if (result) yield result;
  }
}

function parseLine(bytes: Buffer, line: number, record: number, limits: ReaderLimits): RawRecord {
  const problem = checkBytes(bytes);
  if (problem) return { line, record, problem };
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString("utf8"));
  } catch (error) {
    return { line, record, problem: jsonProblem(error) };
  }
  if (depthOver(value, limits.maxDepth)) return { line, record, problem: { field: null, message: `JSON nested deeper than ${limits.maxDepth} levels` } };
  return { line, record, value };
}

function isBlank(bytes: Buffer): boolean {
  for (const b of bytes) if (b !== 0x20 && b !== 0x09 && b !== 0x0d) return false;
  return true;
}
