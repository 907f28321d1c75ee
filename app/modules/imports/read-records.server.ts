import { Readable } from "node:stream";
import { constants, createGunzip } from "node:zlib";
import type { FileType } from "./schemas";
import { asBuffer, ImportInputError, ImportLimitError, limitText, type RawRecord, type ReaderLimits } from "./bytes.server";
import { readCsv } from "./read-csv.server";
import { readJsonArray } from "./read-json-array.server";
import { readJsonl } from "./read-jsonl.server";

export type Opened = { fileType: FileType; records: AsyncGenerator<RawRecord> };

/**
 * Opens a byte stream as rows: gunzips it when it starts with the gzip signature (up to the
 * limit on decompressed bytes), drops a UTF-8 BOM, and reads it as the given file type or,
 * without one, as what its first byte says (`[` a JSON array, `{` JSON lines, anything else CSV).
 * An empty input is an error. Reading stops at the next chunk once `signal` is aborted.
 */
export async function openRecords(
  bytes: AsyncIterable<Uint8Array>,
  options: {
    fileType?: FileType;
    limits: ReaderLimits;
    empty?: string;
    /** The first part of a file only (a preview). */
    partial?: boolean;
    signal?: AbortSignal;
  },
): Promise<Opened> {
  const peeked = await peek(bytes, 2);
  const gzipped = isGzip(peeked.head);
  const content = guard(gzipped ? gunzip(peeked.stream, options.partial ?? false) : peeked.stream, gzipped ? options.limits : undefined, options.signal);
  const text = await peek(content, 4);
  const start = await skipBomAndSpace(text.stream, text.head);
  if (start.first === undefined) throw new ImportInputError(options.empty ?? "The file is empty.", true);
  const fileType = options.fileType ?? (start.first === "[" ? "json" : start.first === "{" ? "jsonl" : "csv");
  const reader = fileType === "json" ? readJsonArray : fileType === "jsonl" ? readJsonl : readCsv;
  return { fileType, records: reader(start.stream, options.limits) };
}

/**
 * Checks the content as it is read: the abort signal, and for a gzipped input its decompressed
 * size, so a small file that inflates to gigabytes is refused at the limit rather than read.
 */
async function* guard(content: AsyncIterable<Uint8Array>, limits: ReaderLimits | undefined, signal: AbortSignal | undefined): AsyncGenerator<Uint8Array> {
  const max = limits?.maxInflatedBytes ?? Number.POSITIVE_INFINITY;
  let inflated = 0;
  for await (const chunk of content) {
    signal?.throwIfAborted();
    inflated += chunk.byteLength;
    if (inflated > max) throw new ImportLimitError(`The decompressed input is larger than ${limitText(max, limits?.settings?.maxInflatedBytes)}.`);
    yield chunk;
  }
}

function gunzip(stream: AsyncIterable<Uint8Array>, partial: boolean): AsyncIterable<Uint8Array> {
  // why: the first kilobytes of a gzip file decompress fine; without this the cut end is an error.
  // 64 KB chunks rather than zlib's 16 KB: a quarter of the turns through the readers.
  const unzip = createGunzip({ chunkSize: 64 * 1024, ...(partial ? { finishFlush: constants.Z_SYNC_FLUSH } : {}) });
  const input = Readable.from(stream);
  input.on("error", (error) => unzip.destroy(error));
  input.pipe(unzip);
  return (async function* () {
    try {
      for await (const chunk of unzip) yield chunk as Buffer;
    } catch (error) {
      const code = (error as { code?: string }).code ?? "";
      if (code.startsWith("Z_")) throw new ImportInputError(`The file starts like gzip but cannot be decompressed (${(error as Error).message}).`);
      throw error;
    } finally {
      input.destroy();
    }
  })();
}

/** Whether bytes start with the gzip signature. */
export const isGzip = (head: Uint8Array) => head[0] === 0x1f && head[1] === 0x8b;

/** The first `n` bytes (fewer at the end), and a stream that still yields everything. */
export async function peek(stream: AsyncIterable<Uint8Array>, n: number) {
  const iterator = stream[Symbol.asyncIterator]();
  const held: Buffer[] = [];
  let size = 0;
  while (size < n) {
    const next = await iterator.next();
    if (next.done) break;
    const chunk = asBuffer(next.value);
    held.push(chunk);
    size += chunk.length;
  }
  const head = Buffer.concat(held).subarray(0, n);
  async function* rest() {
    yield* held;
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
  }
  return { head, stream: rest() };
}

/** Drops a leading BOM and finds the first character that is not white space. */
async function skipBomAndSpace(stream: AsyncIterable<Uint8Array>, head: Buffer) {
  const bom = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf;
  const iterator = stream[Symbol.asyncIterator]();
  const held: Buffer[] = [];
  let first: string | undefined;
  let skip = bom ? 3 : 0;
  while (first === undefined) {
    const next = await iterator.next();
    if (next.done) break;
    let chunk = asBuffer(next.value);
    if (skip) {
      const cut = Math.min(skip, chunk.length);
      chunk = chunk.subarray(cut);
      skip -= cut;
    }
    held.push(chunk);
    for (const b of chunk) {
      if (b !== 0x20 && b !== 0x0a && b !== 0x0d && b !== 0x09) {
        first = String.fromCharCode(b);
        break;
      }
    }
  }
  async function* rest() {
    yield* held;
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
  }
  return { first, stream: rest() };
}
