import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type postgres from "postgres";
import { sqlOf, type Db } from "~/db.server";
import type { PreparedRow } from "./prepare-row.server";
import { batchTransaction, insertRows, isDataError, keyOf, sqlState, type InsertResult, type Recorder } from "./write-rows.server";

/** One row of a CopyBatch: what its write needs besides the bytes. */
type CopyRow = Pick<PreparedRow, "line" | "record" | "externalId" | "inputKey" | "outputsKey"> & { chunk: number; start: number; end: number };

const CHUNK_BYTES = 256 * 1024;
const COLUMNS = ["project_id", "external_id", "input_key", "outputs_key", "input", "outputs", "reference", "metadata", "priority", "gold", "source", "random_key", "status"] as const;

/**
 * A batch of new items, encoded in COPY's text format as each row is prepared. What the batch
 * holds while it waits and while it is written is bytes outside the JavaScript heap plus a few
 * small fields a row: holding two batches of row objects instead made garbage collection the
 * largest cost of an import (ADR 0009). A key met again within the batch is counted and dropped.
 */
export class CopyBatch {
  readonly rows: CopyRow[] = [];
  /** Rows dropped as repeats of an earlier row of the batch. */
  repeats = 0;
  /** Bytes of COPY data. */
  bytes = 0;
  private readonly seen = new Set<string>();
  private readonly chunks: Buffer[] = [];
  private chunk = Buffer.allocUnsafe(CHUNK_BYTES);
  private at = 0;
  private readonly head: string;
  private readonly tail: string;

  constructor(
    projectId: string,
    readonly source: string,
    /** The project's queue is in random order: each item gets a random queue key (items.randomKey). */
    private readonly random: boolean,
  ) {
    this.head = `${projectId}\t`;
    this.tail = `\t${copyEscape(source)}\t`;
  }

  /** Rows taken, repeats included. */
  get received(): number {
    return this.rows.length + this.repeats;
  }

  add(r: PreparedRow): void {
    const key = keyOf(r);
    if (this.seen.has(key)) {
      this.repeats++;
      return;
    }
    this.seen.add(key);
    const parts = [
      this.head, copyNullable(r.externalId), "\t", r.inputKey, "\t", r.outputsKey, "\t", copyJson(r.input), "\t", copyJson(r.outputs), "\t",
      copyNullable(r.reference), "\t", copyJson(r.metadata), "\t", String(r.priority), "\t", r.gold === null ? "\\N" : copyJson(r.gold), this.tail,
      // why: a gold item is a training item, out of the regular queue and of progress (status 'gold').
      this.random ? String(Math.floor(Math.random() * 2147483647)) : "\\N", "\t", r.gold === null ? "open" : "gold", "\n",
    ];
    // why: a UTF-16 code unit is at most 3 bytes of UTF-8, so this bound never overflows the chunk.
    let most = 0;
    for (const part of parts) most += part.length * 3;
    if (this.at + most > this.chunk.length) {
      this.seal();
      this.chunk = Buffer.allocUnsafe(Math.max(CHUNK_BYTES, most));
    }
    const start = this.at;
    for (const part of parts) this.at += this.chunk.write(part, this.at);
    this.rows.push({ line: r.line, record: r.record, externalId: r.externalId, inputKey: r.inputKey, outputsKey: r.outputsKey, chunk: this.chunks.length, start, end: this.at });
    this.bytes += this.at - start;
  }

  /** The COPY data of the rows, in order, leaving out those at the indexes in `skip`. */
  *data(skip: ReadonlySet<number> = new Set()): Generator<Buffer> {
    this.seal();
    if (skip.size === 0) {
      yield* this.chunks;
      return;
    }
    let run: { chunk: number; start: number; end: number } | null = null;
    for (let i = 0; i < this.rows.length; i++) {
      const row = this.rows[i]!;
      if (skip.has(i)) continue;
      if (run && run.chunk === row.chunk && run.end === row.start) {
        run.end = row.end;
        continue;
      }
      if (run) yield this.chunks[run.chunk]!.subarray(run.start, run.end);
      run = { chunk: row.chunk, start: row.start, end: row.end };
    }
    if (run) yield this.chunks[run.chunk]!.subarray(run.start, run.end);
  }

  /** Row `i` as a PreparedRow again, read back from its COPY line (for the row-by-row retry). */
  row(i: number): PreparedRow {
    this.seal();
    const row = this.rows[i]!;
    const fields = this.chunks[row.chunk]!.toString("utf8", row.start, row.end - 1).split("\t").map(copyUnescape);
    const field = (name: (typeof COLUMNS)[number]) => fields[COLUMNS.indexOf(name)] ?? null;
    const outputs = field("outputs")!;
    return {
      line: row.line,
      record: row.record,
      externalId: row.externalId,
      inputKey: row.inputKey,
      outputsKey: row.outputsKey,
      input: field("input")!,
      outputs,
      outputList: JSON.parse(outputs) as PreparedRow["outputList"],
      reference: field("reference"),
      metadata: field("metadata")!,
      priority: Number(field("priority")),
      gold: field("gold"),
      suggestions: [],
      size: row.end - row.start,
    };
  }

  private seal() {
    if (this.at === 0) return;
    this.chunks.push(this.chunk.subarray(0, this.at));
    this.chunk = this.chunk.subarray(this.at);
    this.at = 0;
  }
}

export type CopyResult = InsertResult & { lookedUp: boolean };

/**
 * Writes a batch with `COPY` in one short transaction under the project's insert lock (see
 * batchTransaction), in file order; `record` runs in that transaction. `COPY` has no `ON
 * CONFLICT`: with `lookUp`, the batch's keys are looked up first and only the rows not there yet
 * are copied (what the lookup finds stays true until commit: every writer of items takes the
 * lock). Without it the batch is copied as is, and a duplicate key (a re-import) fails the COPY,
 * which is then done again with the lookup; `lookedUp` tells the caller to look up from then on.
 * So a new import pays no lookups and a re-import wastes one batch. Any other row PostgreSQL
 * refuses costs only itself: the batch is retried row by row. (postgres.js 3.4 never settled a
 * COPY that the server failed after its last byte, porsager/postgres#1173;
 * patches/postgres+3.4.9.patch applies the fix.)
 */
export async function writeCopyBatch(db: Db, projectId: string, batch: CopyBatch, options: { lookUp: boolean; record?: Recorder<InsertResult> }): Promise<CopyResult> {
  const result = (inserted: number, lookedUp: boolean): CopyResult => ({ inserted, duplicates: batch.received - inserted, ids: [], rejected: [], lookedUp });
  const attempt = (lookUp: boolean) =>
    batchTransaction(db, projectId, async (tx) => {
      const done = result(await copyOnce(tx, projectId, batch, lookUp), lookUp);
      await options.record?.(tx, done);
      return done;
    });
  try {
    return await attempt(options.lookUp);
  } catch (error) {
    if (!options.lookUp && sqlState(error) === "23505") {
      try {
        return await attempt(true);
      } catch (again) {
        if (!isDataError(again)) throw again;
      }
    } else if (!isDataError(error)) {
      throw error;
    }
    // why: the INSERT path retries row by row, so one row PostgreSQL refuses costs only itself.
    const repeats = batch.repeats;
    const record = options.record && ((tx: Db, r: InsertResult) => options.record!(tx, { ...r, duplicates: r.duplicates + repeats }));
    const r = await insertRows(db, projectId, batch.source, batch.rows.map((_, i) => batch.row(i)), record);
    return { ...r, duplicates: r.duplicates + repeats, lookedUp: true };
  }
}

/** Copies the batch (less what is in already, with `lookUp`) in the caller's batch transaction. */
async function copyOnce(tx: Db, projectId: string, batch: CopyBatch, lookUp: boolean): Promise<number> {
  if (batch.rows.length === 0) return 0;
  // why: Drizzle runs its transaction on a postgres.js one; COPY needs postgres.js itself.
  const client = sqlOf(tx) as unknown as postgres.TransactionSql;
  const existing = lookUp ? await existingRows(client, projectId, batch) : new Set<number>();
  if (existing.size === batch.rows.length) return 0;
  const writable = await client.unsafe(`copy items (${COLUMNS.join(", ")}) from stdin`).writable();
  await pipeline(Readable.from(batch.data(existing)), writable);
  return batch.rows.length - existing.size;
}

/**
 * The indexes of the batch's rows whose keys are in the project already. Each key is one probe
 * of its unique index, as with `ON CONFLICT`, whatever the statistics say: a LATERAL … LIMIT 1
 * cannot become a hash of the table (early in a big import the statistics are stale, and an
 * `EXISTS` here was once planned as a hash of every item: a full scan per batch).
 */
async function existingRows(tx: postgres.TransactionSql, projectId: string, batch: CopyBatch): Promise<Set<number>> {
  const keys = `[${batch.rows.map((r) => `{"e":${r.externalId === null ? "null" : JSON.stringify(r.externalId)},"k":"${r.inputKey}","l":"${r.outputsKey}"}`).join(",")}]`;
  const found = await tx<{ n: number }[]>`
    with r as materialized (select * from rows from (json_to_recordset(${keys}::text::json) as (e text, k uuid, l uuid)) with ordinality as r(e, k, l, n))
    select r.n::int as n from r
    cross join lateral (select 1 from items i where i.input_key = r.k and i.outputs_key = r.l and i.external_id is null limit 1) i
    where r.e is null
    union all
    select r.n::int from r
    cross join lateral (select 1 from items i where i.project_id = ${projectId} and i.external_id = r.e limit 1) i
    where r.e is not null`;
  return new Set(found.map((f) => f.n - 1));
}

// why: JSON text has no raw tab, newline or carriage return, so only its backslashes need doubling.
const copyJson = (json: string) => (json.includes("\\") ? json.replaceAll("\\", "\\\\") : json);
const COPY_SPECIAL = /[\\\t\n\r]/g;
const COPY_ESCAPES: Record<string, string> = { "\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r" };
const copyEscape = (text: string) => text.replace(COPY_SPECIAL, (c) => COPY_ESCAPES[c]!);
const copyNullable = (text: string | null) => (text === null ? "\\N" : copyEscape(text));
const COPY_UNESCAPES: Record<string, string> = { "\\": "\\", t: "\t", n: "\n", r: "\r" };
const copyUnescape = (field: string): string | null => (field === "\\N" ? null : field.replace(/\\(.)/g, (_, c: string) => COPY_UNESCAPES[c] ?? c));
