/**
 * Reads `read` until `done` holds for its value, and returns that value. For a condition that
 * another process or a background build brings about: the deadline only stops a test that would
 * otherwise hang, it is not a timing assumption (a loaded machine just takes more reads).
 */
export async function waitFor<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string, deadlineMs = 120_000): Promise<T> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`Gave up waiting for ${what}; last seen: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
