import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type postgres from "postgres";
import { sqlOf, type Database } from "~/db.server";
import { getTemplate } from "~/modules/templates/get-template.server";
import { emitEvent } from "~/modules/webhooks/emit-event.server";
import { ConflictError, DomainError } from "~/utils/errors";
import { ContentHash } from "./content-hash.server";
import { extraLabelsOf, filterCondition } from "./filter-sql.server";
import { settleRoles, type FrozenRow, type Split } from "./formats/frozen";
import { renderAnnotation, renderRecord } from "./formats/serialize";
import { LineEncoder } from "./line-encoder.server";
import { redactValue } from "./pii";
import { refreshBeforeSnapshot } from "./refresh-before-snapshot.server";
import { checkDatasetQuestions } from "./request-dataset.server";
import { datasetFilterSchema, datasetOptionsSchema } from "./schemas";
import { ensurePseudonyms, frozenItems, prepareSnapshotItems, selectSnapshotItems, snapshotAnnotations, storeItemChunk } from "./snapshot-sql.server";
import { SnapshotTally } from "./snapshot-tally";

export type BuiltDataset = { id: string; name: string; version: number; counts: { items: number; train: number; validation: number; test: number; annotations: number }; contentHash: string };
export type BuildProgress = { done: number; total: number | null };
/** Where a build's time went, in ms (for the benchmark): each phase, and in the two writing phases the time spent waiting for PostgreSQL's reads and COPYs versus rendering in Node. */
export type BuildProfile = Record<string, number>;
type BuildOptions = { onProgress?: (p: BuildProgress) => void; signal?: AbortSignal; profile?: BuildProfile };
type State = "queued" | "building" | "ready" | "failed";
export type BuildOutcome = { built: BuiltDataset } | { skipped: "busy" | "missing" | State };

// why: big enough that a query and a COPY per batch cost little, small enough to keep memory flat.
const BATCH = 2000;
const PROGRESS_MS = 250;

/** The session advisory lock a build holds while it runs: a `building` dataset whose lock is free has lost its build. */
export const buildLock = (datasetId: string) => `hashtextextended('dataset-build:' || '${datasetId.replace(/[^0-9a-f-]/gi, "")}', 0)`;

/**
 * Builds a queued snapshot (what the background job runs, and `createDataset` for callers that
 * wait): takes the dataset's build lock, marks it building, and in one repeatable-read
 * transaction freezes its items and writes every line, the counts, stats and content hash, and
 * marks it ready — so a snapshot is whole or absent, never half there. Progress (items written of
 * the items chosen) is kept in `dataset_build_progress`. On an error the dataset says failed and
 * why, and the error is rethrown; a build already running, or a dataset not queued, is left alone.
 */
export async function buildDataset(db: Database, datasetId: string, options: BuildOptions = {}): Promise<BuildOutcome> {
  const client = sqlOf(db);
  const conn = await client.reserve();
  try {
    const [{ locked }] = await conn.unsafe<[{ locked: boolean }]>(`select pg_try_advisory_lock(${buildLock(datasetId)}) as locked`);
    if (!locked) return { skipped: "busy" };
    try {
      const [row] = await conn<[ClaimedRow?]>`
        update datasets set state = 'building', started_at = now(), finished_at = null, message = null
        where id = ${datasetId} and state = 'queued'
        returning id, project_id, name, version, filter, options, created_by`;
      if (!row) {
        const [current] = await conn<[{ state: State }?]>`select state from datasets where id = ${datasetId}`;
        return { skipped: current?.state ?? "missing" };
      }
      try {
        return { built: await freeze(db, conn, row, options) };
      } catch (error) {
        // why: the lock is still held, so no sweep can call this build interrupted meanwhile.
        await client`update datasets set state = 'failed', finished_at = now(), message = ${failureMessage(error, options.signal)} where id = ${datasetId} and state = 'building'`;
        throw error;
      }
    } finally {
      await conn.unsafe(`select pg_advisory_unlock(${buildLock(datasetId)})`).catch(() => {});
    }
  } finally {
    conn.release();
  }
}

type ClaimedRow = { id: string; project_id: string; name: string; version: number; filter: unknown; options: unknown; created_by: string | null };

async function freeze(db: Database, conn: postgres.ReservedSql, claimed: ClaimedRow, { onProgress, signal, profile = {} }: BuildOptions): Promise<BuiltDataset> {
  const client = sqlOf(db);
  const { id, project_id: projectId } = claimed;
  const template = await getTemplate(db, projectId);
  if (!template) throw new ConflictError("The project no longer has a review template.");
  const filter = datasetFilterSchema.parse(claimed.filter);
  const options = datasetOptionsSchema.parse(claimed.options);
  checkDatasetQuestions(projectId, filter, options, template.questions);
  const roles = settleRoles(template.questions, options);
  const where = filterCondition(projectId, filter, template.questions);
  const progress = new ProgressRow(client, id, onProgress);
  const time = timer(profile);

  await progress.report(0, null, true);
  await time("refresh consensus", () => refreshBeforeSnapshot(db, projectId));
  await time("pseudonyms", () => ensurePseudonyms(client, projectId));
  // why: one connection and one repeatable-read transaction read the items and write every line,
  // so the snapshot is one moment, and it commits whole (a killed build leaves nothing behind).
  await conn`begin isolation level repeatable read`;
  try {
    // why: choosing a million items sorts and hashes them a few times; at the default 4 MB each
    // spilled to disk and the choice took a third of the build. For this transaction only.
    await conn`set local work_mem = '128MB'`;
    const extra = extraLabelsOf(filter);
    const chosen = await time("choose items", () => selectSnapshotItems(conn, where, roles, options, extra));
    await time("choose items", () => prepareSnapshotItems(conn, projectId, extra));
    await progress.report(0, chosen.selected, true);
    const tally = new SnapshotTally(roles, chosen);
    const hash = new ContentHash(options, template.questions);
    const redactions = tally.counts.redactions;
    const seq = new Map<string, number>();
    const add = (encoder: LineEncoder, format: string, split: Split, itemId: number, text: string) => {
      hash.line(format, text);
      const n = seq.get(format) ?? 0;
      seq.set(format, n + 1);
      encoder.add(format, n, split, itemId, text);
    };
    const batches = Array.from({ length: Math.ceil(chosen.selected / BATCH) }, (_, k) => [k * BATCH, Math.min(chosen.selected, (k + 1) * BATCH)] as const);

    let redacted: string[] = [];
    await pipelined(
      conn,
      id,
      batches,
      profile,
      "items",
      ([from, to]) => frozenItems(conn, id, from / BATCH, from, to, !options.redactPii),
      (chunk, encoder, [, to]) => {
        for (let start = 0, end = chunk.indexOf("\n"); end !== -1; start = end + 1, end = chunk.indexOf("\n", start)) {
          const line = chunk.slice(start, end + 1);
          let row = JSON.parse(line) as FrozenRow;
          if (options.redactPii) {
            row = { ...row, input: redactValue(row.input, redactions), outputs: redactValue(row.outputs, redactions), resolutions: redactValue(row.resolutions, redactions) };
            const text = `${JSON.stringify(row)}\n`;
            redacted.push(text);
            hash.line("item", text);
          } else hash.line("item", line);
          for (const { format, record } of tally.addRow(row)) {
            if (format !== "parquet") add(encoder, format, row.split, row.itemId, renderRecord(format, record));
          }
        }
        void progress.report(to, chosen.selected);
        signal?.throwIfAborted();
      },
      // Redacted items are kept as Node wrote them (unredacted ones PostgreSQL kept as it read them).
      ([from]) => {
        if (!options.redactPii) return null;
        const lines = redacted.join("");
        redacted = [];
        return storeItemChunk(conn, id, from / BATCH, lines);
      },
    );
    await pipelined(conn, id, batches, profile, "annotations", ([from, to]) => snapshotAnnotations(conn, projectId, from, to), (annotations, encoder) => {
      for (const raw of annotations) {
        const a = options.redactPii ? { ...raw, values: redactValue(raw.values, redactions) } : raw;
        tally.addAnnotation(a.split, a.reviewer);
        add(encoder, "annotations-jsonl", a.split, a.itemId, renderAnnotation(a));
      }
      signal?.throwIfAborted();
    });

    const contentHash = hash.digest();
    const finishing = performance.now();
    const finished = await conn`
      update datasets set state = 'ready', finished_at = now(), template = ${JSON.stringify(template)}::jsonb, counts = ${JSON.stringify(tally.counts)}::jsonb,
             stats = ${JSON.stringify(tally.stats())}::jsonb, content_hash = ${contentHash}
      where id = ${id} returning id`;
    // why: lines have no foreign key; a dataset deleted meanwhile (with its project) must not leave them behind.
    if (finished.length === 0) throw new ConflictError("The dataset was deleted while it was being built.");
    await conn`insert into audit_log (actor_user_id, action, target_type, target_id, data)
               values (${claimed.created_by}, 'dataset.create', 'dataset', ${id}, ${JSON.stringify({ projectId, name: claimed.name, version: claimed.version, items: chosen.selected, contentHash })}::jsonb)`;
    const { items: split, annotations: annotated } = tally.counts;
    await emitEvent(conn, projectId, "dataset.ready", {
      key: id,
      data: {
        dataset_id: id,
        name: claimed.name,
        version: claimed.version,
        items: split.train + split.validation + split.test,
        annotations: annotated.train + annotated.validation + annotated.test,
        content_hash: contentHash,
        links: { api: `/api/v1/datasets/${id}`, page: `/projects/${projectId}/datasets/${id}` },
      },
    });
    await conn`commit`;
    profile["finish and commit"] = (profile["finish and commit"] ?? 0) + performance.now() - finishing;
    await progress.report(chosen.selected, chosen.selected, true);
    const { items, annotations } = tally.counts;
    return {
      id,
      name: claimed.name,
      version: claimed.version,
      contentHash,
      counts: { items: items.train + items.validation + items.test, ...items, annotations: annotations.train + annotations.validation + annotations.test },
    };
  } catch (error) {
    await conn`rollback`.catch(() => {});
    throw error;
  } finally {
    await progress.settled();
  }
}

/**
 * Runs `fetch` for each batch and `render` on its rows, and writes what `render` encoded with one
 * binary COPY per batch (after `store`'s statement, if it has one), all on one connection. Once a batch's rows are in (and the last COPY is
 * done), the next batch's query is sent and this batch is rendered while PostgreSQL runs it; this
 * batch's COPY then queues behind that query, so PostgreSQL always has work. At most one query and
 * one COPY are in flight, so memory holds about two batches.
 */
async function pipelined<B, R>(
  conn: postgres.ReservedSql,
  datasetId: string,
  batches: readonly B[],
  profile: BuildProfile,
  phase: string,
  fetch: (batch: B) => Promise<R>,
  render: (rows: R, encoder: LineEncoder, batch: B) => void,
  store: (batch: B) => Promise<unknown> | null = () => null,
) {
  const time = timer(profile);
  let next = batches.length ? fetch(batches[0]!) : null;
  let copying: Promise<void> = Promise.resolve();
  try {
    for (const [k, batch] of batches.entries()) {
      const rows = await time(`${phase}: waiting for the read`, () => next!);
      // why: nothing may be sent on a connection while it is in COPY mode, so the next query waits for the last COPY.
      await time(`${phase}: waiting for the COPY`, () => copying);
      next = k + 1 < batches.length ? fetch(batches[k + 1]!) : null;
      const encoder = new LineEncoder(datasetId);
      await time(`${phase}: rendering, hashing, encoding`, async () => render(rows, encoder, batch));
      const stored = store(batch);
      copying = Promise.all([stored, encoder.rows > 0 ? copyLines(conn, encoder.end()) : null]).then(() => {});
    }
    await time(`${phase}: waiting for the COPY`, () => copying);
  } catch (error) {
    // why: settle what is still in flight before the caller rolls back on this connection.
    await Promise.allSettled([next, copying]);
    throw error;
  }
}

/** Adds the time `fn` takes to `profile[what]`. */
const timer =
  (profile: BuildProfile) =>
  async <T>(what: string, fn: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    try {
      return await fn();
    } finally {
      profile[what] = (profile[what] ?? 0) + performance.now() - started;
    }
  };

/** Writes one batch's encoded lines with `COPY dataset_lines … FROM STDIN (FORMAT binary)`; settles once PostgreSQL has taken them. */
async function copyLines(conn: postgres.ReservedSql, chunks: Buffer[]): Promise<void> {
  const writable = await conn.unsafe("copy dataset_lines (dataset_id, format, seq, split, item_id, line) from stdin with (format binary)").writable();
  await pipeline(Readable.from(chunks, { objectMode: false }), writable);
}

/** A build's progress in `dataset_build_progress` (what the page and the status API read), written at most every PROGRESS_MS. */
class ProgressRow {
  private writing: Promise<unknown> = Promise.resolve();
  private last = 0;

  constructor(
    private readonly client: postgres.Sql,
    private readonly datasetId: string,
    private readonly onProgress?: (p: BuildProgress) => void,
  ) {}

  report(done: number, total: number | null, force = false): Promise<unknown> {
    this.onProgress?.({ done, total });
    if (!force && Date.now() - this.last < PROGRESS_MS) return this.writing;
    this.last = Date.now();
    this.writing = this.writing
      .then(
        () => this.client`
          insert into dataset_build_progress (dataset_id, done, total, updated_at) values (${this.datasetId}, ${done}, ${total}, now())
          on conflict (dataset_id) do update set done = excluded.done, total = excluded.total, updated_at = now()`,
      )
      .catch(() => {});
    return this.writing;
  }

  settled(): Promise<unknown> {
    return this.writing;
  }
}

function failureMessage(error: unknown, signal?: AbortSignal): string {
  if (signal?.aborted) return `Stopped before the end: ${signal.reason instanceof Error ? signal.reason.message : String(signal.reason)} Retry it to build it again.`;
  // why: a domain error speaks to the user; anything else may quote data or internals, so it goes to the log only.
  if (error instanceof DomainError) return `The build failed: ${error.message}`;
  return "The build failed on an unexpected error (the server log has the details). Retry it; if it fails again, tell your admin.";
}
