import { isUtf8 } from "node:buffer";
import { formatBytes } from "~/utils/format-bytes";
import type { RecordProblem } from "./schemas";

export type { RecordProblem };

/** The whole input cannot be read (empty, not gzip, no header…): nothing to import. */
export class ImportInputError extends Error {
  constructor(
    message: string,
    readonly empty = false,
  ) {
    super(message);
  }
}

/** The input went past a limit, and nothing after that point was read (413). */
export class ImportLimitError extends ImportInputError {}

/**
 * What a reader yields: one row's parsed value, or why it could not be parsed. `stop` marks a
 * problem the reader cannot read past (the rest of the input is not read; the import stops there).
 */
export type RawRecord = { line: number; record: number } & ({ value: unknown } | { problem: RecordProblem; stop?: true });

export type ReaderLimits = {
  maxRecordBytes: number;
  maxDepth: number;
  /** Decompressed bytes a gzipped input may hold; unlimited when not given. */
  maxInflatedBytes?: number;
  /** The settings the limits come from, named in the messages that stop an import. */
  settings?: { maxRecordBytes?: string; maxInflatedBytes?: string };
};

/** "the 10 MB limit (LOUPE_IMPORT_MAX_RECORD_BYTES)": a limit as a stop message names it. */
export const limitText = (limit: number, setting?: string) => `the ${formatBytes(limit)} limit${setting ? ` (${setting})` : ""}`;

export const tooLong = (limit: number, what = "line"): RecordProblem => ({
  field: null,
  message: `the ${what} is longer than the ${formatBytes(limit)} limit`,
});

/**
 * Checks one row's bytes before they are decoded: no NUL (PostgreSQL text cannot hold it) and
 * valid UTF-8, naming the byte (1-based, within the row) where either goes wrong.
 */
export function checkBytes(bytes: Uint8Array, field: string | null = null): RecordProblem | null {
  const nul = bytes.indexOf(0);
  if (nul >= 0) return { field, message: `NUL byte at byte ${nul + 1} (text cannot contain NUL)` };
  if (isUtf8(bytes)) return null;
  return { field, message: `invalid UTF-8 at byte ${firstInvalidUtf8(bytes) + 1}` };
}

/** Index of the first byte that does not belong to a well-formed UTF-8 sequence. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    const [length, min, max] = b >= 0xc2 && b <= 0xdf ? [2, 0x80, 0xbf] : b === 0xe0 ? [3, 0xa0, 0xbf] : b === 0xed ? [3, 0x80, 0x9f] : b >= 0xe1 && b <= 0xef ? [3, 0x80, 0xbf] : b === 0xf0 ? [4, 0x90, 0xbf] : b === 0xf4 ? [4, 0x80, 0x8f] : b >= 0xf1 && b <= 0xf3 ? [4, 0x80, 0xbf] : [0, 0, 0];
    if (length === 0) return i;
    // why: the second byte has the narrower range (it rules out overlong forms and surrogates).
    const second = bytes[i + 1];
    if (second === undefined || second < min || second > max) return i;
    for (let k = 2; k < length; k++) {
      const next = bytes[i + k];
      if (next === undefined || next < 0x80 || next > 0xbf) return i;
    }
    i += length;
  }
  return -1;
}

/** Whether a parsed JSON value nests deeper than `limit` (it looks no deeper than that, so a deep value costs little). */
export function depthOver(value: unknown, limit: number): boolean {
  const deeper = (v: object, depth: number): boolean => {
    if (depth > limit) return true;
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        const child: unknown = v[i];
        if (typeof child === "object" && child !== null && deeper(child, depth + 1)) return true;
      }
      return false;
    }
    for (const key in v) {
      const child = (v as Record<string, unknown>)[key];
      if (typeof child === "object" && child !== null && deeper(child, depth + 1)) return true;
    }
    return false;
  };
  return typeof value === "object" && value !== null && deeper(value, 1);
}

/** JSON.parse's complaint, without its echo of the input, with V8's 0-based position as a 1-based character. */
export function jsonProblem(error: unknown): RecordProblem {
  const raw = error instanceof Error ? error.message : String(error);
  const reason = raw
    .replace(/ \(line \d+ column \d+\)$/, "")
    .replace(/^(Unexpected token .+?), (?:\.\.\.)?"[\s\S]*" is not valid JSON$/, "$1")
    .replace(/^"[\s\S]*" is not valid JSON$/, "Unexpected input")
    .replace(/ in JSON at position (\d+)$/, (_, n: string) => ` at character ${Number(n) + 1}`)
    .replace(/ at position (\d+)$/, (_, n: string) => ` at character ${Number(n) + 1}`);
  return { field: null, message: `not valid JSON (${reason})` };
}

/** Bytes as a Buffer without copying (web streams hand out plain Uint8Arrays). */
export function asBuffer(chunk: Uint8Array): Buffer {
  return Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}
