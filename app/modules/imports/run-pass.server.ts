import { setImmediate as yieldToEventLoop } from "node:timers/promises";
import { sql } from "drizzle-orm";
import type { Db } from "~/db.server";
import { ImportInputError, ImportLimitError, type ReaderLimits } from "./bytes.server";
import { CopyBatch, writeCopyBatch } from "./copy-batch.server";
import { mapRow, type Targets } from "./map-row";
import { prepareRow, type PreparedRow } from "./prepare-row.server";
import { openRecords } from "./read-records.server";
import { emptyCounts, MAX_STORED_ERRORS, type FileType, type ImportCounts, type ImportOptions, type RowError } from "./schemas";
import type { Progress } from "./tracker.server";
import { addOutputs, insertRows } from "./write-rows.server";

/** A batch is written when it reaches this many rows or this many bytes of JSON, whichever first. */
const BATCH_ROWS = 2_000;
const BATCH_BYTES = 4 * 1024 * 1024;
/** How long reading may hold the event loop while a batch is being written (its COPY data goes out a chunk a turn). */
const YIELD_EVERY_MS = 0.5;
/** Batches written or waiting to be, while the next is read. */
const WRITES_AHEAD = 2;

export type PassInput = {
  db: Db;
  projectId: string;
  source: string;
  bytes: AsyncIterable<Uint8Array>;
  options: ImportOptions;
  targets: Targets;
  limits: ReaderLimits;
  /** Read and check everything, write nothing (all-or-nothing's first pass). */
  dryRun: boolean;
  maxRecords?: number;
  emptyMessage?: string;
  keepIds: boolean;
  signal?: AbortSignal;
  bytesRead: () => number;
  /** Records the progress a batch brings, inside the batch's own transaction (an import's record). */
  record?: (tx: Db, progress: Progress) => Promise<void>;
  /** Called after each batch is committed, with the errors so far (a list that only grows). */
  onProgress: (progress: Progress, errors: readonly RowError[]) => Promise<void> | void;
};

export type PassResult = { progress: Progress; errors: RowError[]; fileType: FileType; ids: number[]; firstValue?: unknown };

export class TooManyRecordsError extends Error {}

type Batch = PreparedRow[] | CopyBatch;
/** What writing a batch did: whichever counts its writer keeps, and the rows the database refused. */
type BatchCounts = Partial<Omit<ImportCounts, "rejected" | "received">> & { rejected: RowError[] };
const sizeOf = (batch: Batch) => (batch instanceof CopyBatch ? batch.received : batch.length);

async function projectOrder(db: Db, projectId: string): Promise<string | undefined> {
  const [row] = await db.execute<{ item_order: string }>(sql`select item_order from projects where id = ${projectId}`);
  return row?.item_order;
}

/** A pass that stopped part-way, with what it had committed by then. */
export class PassStopped extends Error {
  constructor(
    readonly reason: unknown,
    readonly progress: Progress,
    readonly errors: RowError[],
  ) {
    super(reason instanceof Error ? reason.message : String(reason), { cause: reason });
  }
}

/**
 * One pass over the input: read → map → validate → write in batches. While a batch is being
 * written the next ones are parsed, and at most two batches wait, so memory stays flat however
 * large the input. Counts and `lastLine` only move when a batch has committed, so after a crash
 * they say how far the import really got.
 */
export async function runPass(input: PassInput): Promise<PassResult> {
  const { db, options, targets } = input;
  const opened = await openRecords(input.bytes, { fileType: options.fileType, limits: input.limits, empty: input.emptyMessage, signal: input.signal });
  const committed: Progress = { ...emptyCounts(), bytesRead: 0, lastLine: 0 };
  const errors: RowError[] = [];
  const ids: number[] = [];
  let seen = 0;
  let firstValue: unknown;
  // why: new items that need no ids back (no suggestions, no keepIds) are encoded for COPY as they
  // are read, so a waiting batch is bytes rather than row objects (copy-batch.server.ts).
  let copying = options.mode !== "add-outputs" && !input.dryRun && !input.keepIds && !targets.label;
  const random = copying && (await projectOrder(db, input.projectId)) === "random";
  const emptyBatch = (): Batch => (copying ? new CopyBatch(input.projectId, input.source, random) : []);
  let lookUp = false;
  let asyncCommits = false;
  let batch = emptyBatch();
  let batchSize = 0;
  let batchRejected = 0;
  /** The last write started; each starts when the one before has committed. */
  let writing: Promise<void> | null = null;
  const queued: Promise<void>[] = [];
  let failure: unknown;

  const reject = (error: RowError) => {
    if (errors.length < MAX_STORED_ERRORS) errors.push(error);
  };
  const write = async (rows: Batch, rejectedBefore: number, lastLine: number, last: boolean) => {
    const received = sizeOf(rows);
    const after = (r: BatchCounts): Progress => ({
      received: committed.received + received + rejectedBefore,
      inserted: committed.inserted + (r.inserted ?? 0),
      matched: committed.matched + (r.matched ?? 0),
      duplicates: committed.duplicates + (r.duplicates ?? 0),
      unmatched: committed.unmatched + (r.unmatched ?? 0),
      outputsAdded: committed.outputsAdded + (r.outputsAdded ?? 0),
      rejected: committed.rejected + rejectedBefore + r.rejected.length,
      lastLine: Math.max(committed.lastLine, lastLine),
      bytesRead: input.bytesRead(),
    });
    // why: the import's record is updated in the batch's own transaction, so it never says more
    // or less than is committed, whenever the process dies.
    let recorded: Progress | undefined;
    const record = input.record && !input.dryRun ? (tx: Db, r: BatchCounts) => input.record!(tx, (recorded = after(r))) : undefined;
    let r: BatchCounts = { rejected: [] };
    if (received === 0) {
      // Only rejected rows: nothing to commit.
    } else if (rows instanceof CopyBatch) {
      const copied = await writeCopyBatch(db, input.projectId, rows, { lookUp, record });
      lookUp ||= copied.lookedUp;
      r = copied;
    } else if (options.mode === "add-outputs") {
      r = await addOutputs(db, input.projectId, rows, input.dryRun, record);
    } else if (!input.dryRun) {
      const inserted = await insertRows(db, input.projectId, input.source, rows, record);
      if (input.keepIds) ids.push(...inserted.ids);
      r = inserted;
    } else {
      r = { inserted: rows.length, rejected: [] };
    }
    for (const e of r.rejected) reject(e);
    const next = recorded ?? after(r);
    if (received && !input.dryRun) asyncCommits = true;
    else if (record) await input.record!(db, next);
    // why: batches commit without waiting for their WAL flush; one durable commit at the end (a
    // transaction that only takes an id) flushes them all before the import reports success.
    if (last && asyncCommits) await db.execute(sql`select txid_current()`);
    Object.assign(committed, next);
    await input.onProgress({ ...committed }, errors);
  };
  // why: batches are written one after another; with one more waiting, neither the reading nor
  // the writing stalls when the other is briefly slower.
  const flush = async (lastLine: number, last = false) => {
    if (queued.length >= WRITES_AHEAD) await queued.shift();
    if (failure) throw failure;
    const rows = batch;
    const rejected = batchRejected;
    batch = emptyBatch();
    batchSize = 0;
    batchRejected = 0;
    writing = (writing ?? Promise.resolve())
      .then(() => (failure ? undefined : write(rows, rejected, lastLine, last)))
      .catch((error: unknown) => {
        failure = error;
      });
    queued.push(writing);
  };

  let lastLine = 0;
  let lastYield = 0;
  /** Where the input went past a limit: the rows read before it are still written. */
  let limit: ImportLimitError | undefined;
  try {
    try {
      for await (const raw of opened.records) {
        input.signal?.throwIfAborted();
        lastLine = raw.line;
        if (++seen > (input.maxRecords ?? Infinity)) throw new TooManyRecordsError();
        // why: rows already read arrive without a turn of the event loop, so a batch being written
        // would wait for this loop to stop before its next round trip; let it take one now and then.
        if (writing && performance.now() - lastYield > YIELD_EVERY_MS) {
          await yieldToEventLoop();
          lastYield = performance.now();
        }
        if ("problem" in raw) {
          reject({ line: raw.line, record: raw.record, ...raw.problem });
          batchRejected++;
          if (raw.stop) limit = new ImportLimitError(`Stopped at line ${raw.line}: ${raw.problem.message}.`);
        } else {
          if (seen === 1) firstValue = raw.value;
          const mapped = mapRow(raw.value, options, targets);
          const prepared = "item" in mapped ? prepareRow(mapped.item, raw.line, raw.record, input.projectId, mapped.sources) : mapped;
          if ("problem" in prepared) {
            reject({ line: raw.line, record: raw.record, ...prepared.problem });
            batchRejected++;
          } else {
            if (batch instanceof CopyBatch && prepared.suggestions.length) {
              // why: attaching suggestions needs the new items' ids: the rest of the pass goes by INSERT.
              copying = false;
              await flush(raw.line - 1);
            }
            if (batch instanceof CopyBatch) batch.add(prepared);
            else batch.push(prepared);
            batchSize += prepared.size;
          }
        }
        if (limit) break;
        if (sizeOf(batch) >= BATCH_ROWS || batchSize >= BATCH_BYTES || batchRejected >= BATCH_ROWS) await flush(lastLine);
      }
    } catch (error) {
      if (!(error instanceof ImportLimitError)) throw error;
      limit = error;
    }
    await flush(lastLine, true);
    await writing;
    if (failure) throw failure;
    if (limit) throw limit;
  } catch (error) {
    // why: the batch being written must finish (or fail) before the counts are reported.
    await writing;
    throw new PassStopped(error, { ...committed }, errors);
  }
  if (seen === 0) throw new ImportInputError(input.emptyMessage ?? "The file has no rows.", true);
  return { progress: committed, errors, fileType: opened.fileType, ids, firstValue };
}
