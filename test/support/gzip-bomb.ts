import fs from "node:fs";
import { gzipSync } from "node:zlib";

const MEMBER_BYTES = 16 * 1024 * 1024;

/**
 * A gzip stream that inflates to `prefix` followed by `unit` repeated to about `inflatedBytes`,
 * made as it is read: one gzip member of 16 MB is compressed once and sent again and again (a
 * stream of concatenated members is valid gzip, and gunzip reads them all). So a test can send
 * gigabytes of decompressed content without holding or compressing them, and a server that stops
 * reading early costs the test nothing more.
 */
export function gzipBomb(options: { inflatedBytes: number; unit?: string; prefix?: string }) {
  const unit = Buffer.from(options.unit ?? "\0");
  const fill = Buffer.alloc(Math.floor(MEMBER_BYTES / unit.length) * unit.length, unit);
  const member = gzipSync(fill, { level: 9 });
  const head = gzipSync(Buffer.from(options.prefix ?? ""));
  const members = Math.ceil(options.inflatedBytes / fill.length);
  return {
    /** What the whole stream inflates to. */
    inflatedBytes: Buffer.byteLength(options.prefix ?? "") + members * fill.length,
    compressedBytes: head.length + members * member.length,
    *chunks(): Generator<Buffer> {
      yield head;
      for (let i = 0; i < members; i++) yield member;
    },
    /** The stream as a web stream, one member a pull (a request body). */
    stream(): ReadableStream<Uint8Array> {
      const chunks = this.chunks();
      return new ReadableStream({
        pull(controller) {
          const next = chunks.next();
          if (next.done) controller.close();
          else controller.enqueue(new Uint8Array(next.value));
        },
      });
    },
    /** Writes the stream to a file (a few megabytes for gigabytes inflated). */
    writeTo(file: string) {
      const fd = fs.openSync(file, "w");
      try {
        for (const chunk of this.chunks()) fs.writeSync(fd, chunk);
      } finally {
        fs.closeSync(fd);
      }
    },
  };
}
