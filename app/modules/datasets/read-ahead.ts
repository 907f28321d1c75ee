/**
 * Iterates `source` while already asking it for the next element: with a postgres.js cursor the
 * next batch travels from the server while this one is turned into bytes, instead of after.
 * At most one element is held ahead, so memory stays bounded by two batches.
 */
export async function* readAhead<T>(source: AsyncIterable<T>): AsyncGenerator<T> {
  const iterator = source[Symbol.asyncIterator]();
  let pending = iterator.next();
  try {
    for (;;) {
      const current = await pending;
      if (current.done) return;
      pending = iterator.next();
      yield current.value;
    }
  } finally {
    // why: a consumer that stops early (a closed download) must release the cursor's connection.
    await pending.catch(() => undefined);
    await iterator.return?.();
  }
}
