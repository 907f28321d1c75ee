import { and, eq, sql } from "drizzle-orm";
import { importErrors, imports } from "~db/schema";
import type { Db } from "~/db.server";
import { emitEvent } from "~/modules/webhooks/emit-event.server";
import { MAX_STORED_ERRORS, type ImportCounts, type RowError } from "./schemas";

/** A running import beats its heartbeat this often; one silent for STALE_SECONDS has died. */
const HEARTBEAT_MS = 2_000;
export const STALE_SECONDS = 20;
const FLUSH_MS = 500;

export type Progress = ImportCounts & { bytesRead: number; lastLine: number };

/**
 * Keeps an import's progress row (see db/schema/imports.ts) current while it runs, so a page can
 * poll it and a crash is recognised by its silence: counts, bytes and the last line in each
 * batch's own transaction (`record`), so the row never says more or less than is committed; the
 * first 1,000 errors (at most every half second); and a heartbeat.
 */
export class ImportTracker {
  private pending: { progress: Progress | null; errors: RowError[] } | null = null;
  /** How many of the import's errors (a list that only grows) have been handed to a write. */
  private reported = 0;
  private writing: Promise<void> = Promise.resolve();
  private lastFlush = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly db: Db,
    readonly importId: string,
  ) {}

  async start(): Promise<void> {
    await this.db
      .update(imports)
      .set({ state: "running", startedAt: sql`now()`, heartbeatAt: sql`now()`, message: null })
      .where(eq(imports.id, this.importId));
    this.timer = setInterval(() => {
      this.writing = this.writing.then(() => this.beat()).catch(() => {});
    }, HEARTBEAT_MS);
    this.timer.unref();
  }

  /** Writes the counts a batch brings, in that batch's transaction. */
  async record(tx: Db, progress: Progress): Promise<void> {
    await tx
      .update(imports)
      .set({ ...pickProgress(progress), heartbeatAt: sql`now()` })
      .where(and(eq(imports.id, this.importId), eq(imports.state, "running")));
  }

  /**
   * Notes the import's errors so far (the whole list: the ones not stored yet are taken from its
   * end, up to the first 1,000), and progress not recorded by batches (a check pass reading the
   * input); writes them now if the last write is old enough.
   */
  report(progress: Progress | null, errors: readonly RowError[]): Promise<void> {
    this.pending = { progress: progress && pickProgress(progress), errors: errors.slice(this.reported, MAX_STORED_ERRORS) };
    if (Date.now() - this.lastFlush < FLUSH_MS) return Promise.resolve();
    return this.flush();
  }

  flush(): Promise<void> {
    const batch = this.pending;
    this.pending = null;
    this.lastFlush = Date.now();
    if (!batch) return this.writing;
    const first = this.reported + 1;
    this.reported += batch.errors.length;
    this.writing = this.writing.then(() => this.write(batch.progress, batch.errors, first));
    return this.writing;
  }

  /** Final counts, the errors not stored yet, and the state; stops the heartbeat. */
  async finish(state: "succeeded" | "failed", progress: Progress, errors: readonly RowError[], message: string | null): Promise<void> {
    clearInterval(this.timer);
    this.pending = { progress: pickProgress(progress), errors: errors.slice(this.reported, MAX_STORED_ERRORS) };
    await this.flush().catch(() => {});
    await this.db.transaction(async (tx) => {
      const [row] = await tx
        .update(imports)
        .set({ state, message, finishedAt: sql`now()`, heartbeatAt: sql`now()` })
        .where(eq(imports.id, this.importId))
        .returning({ projectId: imports.projectId });
      if (!row) return;
      const { received, inserted, matched, duplicates, unmatched, rejected, outputsAdded } = pickProgress(progress);
      // why: keyed by the import, so a second finish of the same import queues nothing more.
      await emitEvent(tx, row.projectId, "import.finished", {
        key: this.importId,
        data: { import_id: this.importId, state, counts: { received, inserted, matched, duplicates, unmatched, rejected, outputs_added: outputsAdded }, errors: errors.length },
      });
    });
  }

  private async write(progress: Progress | null, errors: RowError[], firstSeq: number) {
    if (progress) {
      await this.db
        .update(imports)
        .set({ ...progress, heartbeatAt: sql`now()` })
        .where(and(eq(imports.id, this.importId), eq(imports.state, "running")));
    }
    if (errors.length) {
      await this.db
        .insert(importErrors)
        .values(errors.map((e, i) => ({ importId: this.importId, seq: firstSeq + i, line: e.line, field: e.field, message: e.message })))
        .onConflictDoNothing();
    }
  }

  private async beat() {
    await this.db
      .update(imports)
      .set({ heartbeatAt: sql`now()` })
      .where(and(eq(imports.id, this.importId), eq(imports.state, "running")));
  }
}

function pickProgress(p: Progress): Progress {
  const { received, inserted, matched, duplicates, unmatched, rejected, outputsAdded, bytesRead, lastLine } = p;
  return { received, inserted, matched, duplicates, unmatched, rejected, outputsAdded, bytesRead, lastLine };
}

const INTERRUPTED = "Interrupted at line %s: the process running it stopped. Import the file again to finish; rows already imported are skipped.";

/** What an import whose process died says (the sweep writes it; pages show it before the sweep). */
export const interruptedMessage = (line: number) => INTERRUPTED.replace("%s", String(line));

/**
 * Marks imports whose process died as failed, saying how far they got: those running on this
 * server instance when it starts again, and any whose heartbeat went quiet. Returns their ids.
 */
export async function markInterruptedImports(db: Db, options: { instanceId?: string } = {}): Promise<string[]> {
  const mine = options.instanceId ? sql`or ${imports.instanceId} = ${options.instanceId}` : sql``;
  const rows = await db.transaction(async (tx) => {
    const marked = await tx
      .update(imports)
      .set({
        state: "failed",
        finishedAt: sql`now()`,
        message: sql`format(${INTERRUPTED}, ${imports.lastLine})`,
      })
      .where(sql`${imports.state} = 'running' and (${imports.heartbeatAt} < now() - make_interval(secs => ${STALE_SECONDS}) ${mine})`)
      .returning({ id: imports.id, projectId: imports.projectId, received: imports.received, inserted: imports.inserted, matched: imports.matched, duplicates: imports.duplicates, unmatched: imports.unmatched, rejected: imports.rejected, outputsAdded: imports.outputsAdded });
    for (const { id, projectId, outputsAdded, ...counts } of marked) {
      await emitEvent(tx, projectId, "import.finished", { key: id, data: { import_id: id, state: "failed", interrupted: true, counts: { ...counts, outputs_added: outputsAdded } } });
    }
    return marked;
  });
  return rows.map((r) => r.id);
}
