import { db, type Transaction } from "~/db.server";

class Rollback extends Error {}

/** Runs `fn` in a transaction that is always rolled back, for tests that need a blank slate. */
export async function withRollback(fn: (tx: Transaction) => Promise<void>): Promise<void> {
  try {
    await db.transaction(async (tx) => {
      await fn(tx);
      throw new Rollback();
    });
  } catch (error) {
    if (!(error instanceof Rollback)) throw error;
  }
}
