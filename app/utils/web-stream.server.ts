import type { Readable } from "node:stream";

/**
 * A Node stream as a web stream that reads only when its reader asks (`pull`, high-water mark 0),
 * so a slow client holds the source back instead of the file piling up in memory. Cancelling the
 * web stream (the client went away) destroys the source.
 */
export function webStreamOf(readable: Readable): ReadableStream<Uint8Array> {
  const chunks = readable[Symbol.asyncIterator]();
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          const { value, done } = (await chunks.next()) as IteratorResult<Buffer | string>;
          if (done) controller.close();
          else controller.enqueue(typeof value === "string" ? Buffer.from(value) : value);
        } catch (error) {
          controller.error(error);
        }
      },
      cancel(reason) {
        readable.destroy(reason instanceof Error ? reason : undefined);
      },
    },
    { highWaterMark: 0 },
  );
}
