/**
 * A model as bytes for a bytea column: "LOUPECLF", a format byte, then gzip of a JSON header
 * (labels, params) and the float32 weights of the buckets training touched only — a bucket no
 * training text hashed to has zero weights and no effect, and most of a 2^17 table is such.
 */
import { gunzipSync, gzipSync } from "node:zlib";
import { ClassifierInputError, classifierParams, MAX_WEIGHTS, type ClassifierModel } from "./softmax";

const MAGIC = "LOUPECLF";
const FORMAT = 1;
// why: the bytes come from a database row anyone with write access could change; a gzip bomb
// must not take the server's memory. This holds the largest model training allows.
const MAX_UNZIPPED = 4 * MAX_WEIGHTS + 16 * 2 ** 20;

/** Bytes that are not a model this code can read. */
export class ModelBytesError extends Error {
  override name = "ModelBytesError";
}

export function encodeModel(model: ClassifierModel): Uint8Array {
  const classes = model.labels.length;
  // why: a bucket no training text reached still counts in a new text's l2 norm, with the idf of
  // a term seen in no document, which is the largest; one number stands for all those buckets.
  const unseenIdf = model.idf.reduce((max, v) => Math.max(max, v), 0);
  const used: number[] = [];
  for (let bucket = 0; bucket < model.idf.length; bucket++) {
    const row = model.weights.subarray(bucket * classes, (bucket + 1) * classes);
    if (model.idf[bucket] !== unseenIdf || row.some((w) => w !== 0)) used.push(bucket);
  }
  const header = Buffer.from(JSON.stringify({ version: model.version, labels: model.labels, params: model.params, unseenIdf }));
  const rows = Int32Array.from(used);
  const idf = Float32Array.from(used, (b) => model.idf[b]!);
  const weights = new Float32Array(used.length * classes);
  used.forEach((bucket, i) => weights.set(model.weights.subarray(bucket * classes, (bucket + 1) * classes), i * classes));
  const sizes = Buffer.alloc(8);
  sizes.writeUInt32LE(header.length, 0);
  sizes.writeUInt32LE(used.length, 4);
  // why: typed arrays are in the platform's byte order; every platform Node supports for Loupe
  // (x64, arm64) is little-endian, and decodeModel reads them back the same way.
  const body = Buffer.concat([sizes, header, bytesOf(rows), bytesOf(idf), bytesOf(weights), bytesOf(model.bias)]);
  return new Uint8Array(Buffer.concat([Buffer.from(MAGIC, "latin1"), Buffer.from([FORMAT]), gzipSync(body, { level: 6 })]));
}

/** Reads bytes from encodeModel back, checking every part; ModelBytesError says what is wrong. */
export function decodeModel(bytes: Uint8Array): ClassifierModel {
  const input = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (input.length < MAGIC.length + 1 || input.toString("latin1", 0, MAGIC.length) !== MAGIC) {
    throw new ModelBytesError("These bytes are not a Loupe classifier model (the signature is missing).");
  }
  const format = input[MAGIC.length];
  if (format !== FORMAT) throw new ModelBytesError(`The model is in format ${format}; this version of Loupe reads format ${FORMAT}.`);
  let body: Buffer;
  try {
    body = gunzipSync(input.subarray(MAGIC.length + 1), { maxOutputLength: MAX_UNZIPPED });
  } catch (error) {
    throw new ModelBytesError(`The model's bytes are damaged: ${error instanceof Error ? error.message : String(error)}.`);
  }
  const reader = new Reader(body);
  const headerLength = reader.uint32();
  const rowCount = reader.uint32();
  const header = parseHeader(reader.take(headerLength));
  const classes = header.labels.length;
  const buckets = 1 << header.params.hashBits;
  if (buckets * classes > MAX_WEIGHTS) throw new ModelBytesError(`The model's header asks for ${buckets} × ${classes} weights; at most ${MAX_WEIGHTS} are read.`);
  const rows = new Int32Array(reader.copy(rowCount * 4));
  const idfRows = new Float32Array(reader.copy(rowCount * 4));
  const weightRows = new Float32Array(reader.copy(rowCount * classes * 4));
  const bias = new Float32Array(reader.copy(classes * 4));
  if (!reader.done()) throw new ModelBytesError("The model's bytes have data past their end.");
  const idf = new Float32Array(buckets).fill(header.unseenIdf);
  const weights = new Float32Array(buckets * classes);
  let previous = -1;
  rows.forEach((bucket, i) => {
    if (!(bucket > previous && bucket < buckets)) throw new ModelBytesError(`The model's bucket list is damaged at entry ${i + 1}.`);
    previous = bucket;
    idf[bucket] = idfRows[i]!;
    weights.set(weightRows.subarray(i * classes, (i + 1) * classes), bucket * classes);
  });
  for (const part of [idfRows, weightRows, bias]) {
    if (!part.every(Number.isFinite)) throw new ModelBytesError("The model's weights hold a value that is not a finite number.");
  }
  return { version: 1, labels: header.labels, params: header.params, idf, weights, bias };
}

function parseHeader(bytes: Buffer): Pick<ClassifierModel, "labels" | "params"> & { unseenIdf: number } {
  let header: { version?: unknown; labels?: unknown; params?: unknown; unseenIdf?: unknown };
  try {
    header = JSON.parse(bytes.toString("utf8")) as typeof header;
  } catch {
    throw new ModelBytesError("The model's header is not valid JSON.");
  }
  if (header?.version !== 1) throw new ModelBytesError(`The model's header has version ${String(header?.version)}; expected 1.`);
  const labels = header.labels;
  if (!Array.isArray(labels) || labels.length < 2 || !labels.every((l) => typeof l === "string") || new Set(labels).size !== labels.length) {
    throw new ModelBytesError("The model's header must list two or more distinct class names.");
  }
  const unseenIdf = header.unseenIdf;
  if (typeof unseenIdf !== "number" || !Number.isFinite(unseenIdf)) throw new ModelBytesError("The model's header lacks the idf of unseen terms.");
  try {
    return { labels: labels as string[], params: classifierParams(header.params as object), unseenIdf };
  } catch (error) {
    if (error instanceof ClassifierInputError) throw new ModelBytesError(`The model's header is damaged: ${error.message}`);
    throw error;
  }
}

function bytesOf(array: Int32Array | Float32Array): Buffer {
  return Buffer.from(array.buffer, array.byteOffset, array.byteLength);
}

/** Reads a body front to back; running past its end is a ModelBytesError, not a RangeError. */
class Reader {
  private offset = 0;
  constructor(private readonly body: Buffer) {}
  take(length: number): Buffer {
    if (this.offset + length > this.body.length) throw new ModelBytesError("The model's bytes end too early.");
    const part = this.body.subarray(this.offset, this.offset + length);
    this.offset += length;
    return part;
  }
  uint32(): number {
    return this.take(4).readUInt32LE(0);
  }
  /** A copy, so a typed array over it starts aligned. */
  copy(length: number): ArrayBuffer {
    const part = this.take(length);
    return part.buffer.slice(part.byteOffset, part.byteOffset + length) as ArrayBuffer;
  }
  done(): boolean {
    return this.offset === this.body.length;
  }
}
