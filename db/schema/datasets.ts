import { bigint, index, integer, jsonb, pgEnum, pgTable, primaryKey, smallint, text, timestamp, unique, uuid } from "drizzle-orm/pg-core";
import { projects } from "./projects";
import { users } from "./users";

export const datasetSplits = ["train", "validation", "test"] as const;
export const datasetSplit = pgEnum("dataset_split", datasetSplits);

/** queued (asked for) → building (a job holds its build lock) → ready, or failed (and then retried). */
export const datasetStates = ["queued", "building", "ready", "failed"] as const;
export const datasetState = pgEnum("dataset_state", datasetStates);

/**
 * An immutable, versioned snapshot of reviewed items (docs/decisions/0010-dataset-snapshots.md).
 * Saving the same name again makes the next version. The row exists from the request on; a
 * background job builds it (state, progress) and, in one transaction, writes its `dataset_lines`
 * and its counts, stats and hash and marks it ready; once ready nothing here changes. Everything
 * an export reads is frozen in this row and its `dataset_lines`, so exporting a snapshot is a
 * pure function of it: later annotations, edits or deleted items change nothing.
 */
export const datasets = pgTable(
  "datasets",
  {
    id: uuid().primaryKey().defaultRandom(),
    projectId: uuid()
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    name: text().notNull(),
    version: integer().notNull(),
    /** The filter that chose the items, as given (parsed, defaults filled in). */
    filter: jsonb().$type<Record<string, unknown>>().notNull(),
    /** Dedup, redaction, split, cap, label question, approval threshold… (parsed, defaults filled in). */
    options: jsonb().$type<Record<string, unknown>>().notNull(),
    /** The export it was made for (the builder's "Preview as"); its page opens on it. Not part of the content: null when not said. */
    format: text(),
    /** The review template the snapshot was read with (its questions decide each format's rows). */
    template: jsonb().$type<{ version: number; questions: unknown[] }>().notNull(),
    /** Rows per split, what dedup and the cap removed, redactions, and per-format outcomes. */
    counts: jsonb().$type<Record<string, unknown>>().notNull(),
    /** Figures for the dataset card: label distribution, agreement, reviewers. */
    stats: jsonb().$type<Record<string, unknown>>().notNull(),
    /** SHA-256 of what the snapshot froze (what it covers depends on `content_hash_version`); '' until ready. */
    contentHash: text().notNull(),
    /** 1: the frozen items and annotations; 2: also the options, the template and every line of every format. */
    contentHashVersion: smallint().notNull().default(2),
    state: datasetState().notNull().default("queued"),
    /** Why the build failed. */
    message: text(),
    startedAt: timestamp({ withTimezone: true }),
    finishedAt: timestamp({ withTimezone: true }),
    createdBy: uuid().references(() => users.id, { onDelete: "set null" }),
    /** Frozen with the snapshot: a later rename must not change the card. */
    createdByName: text().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [unique("datasets_project_name_version_key").on(t.projectId, t.name, t.version), index("datasets_project_created_idx").on(t.projectId, t.createdAt)],
);

/**
 * How far a dataset's build has got: items written of the items its filter chose (null until
 * chosen). Apart from the dataset row, because the build's repeatable-read transaction writes
 * that row when it finishes, and a row updated meanwhile by another transaction would abort it.
 */
export const datasetBuildProgress = pgTable("dataset_build_progress", {
  datasetId: uuid()
    .primaryKey()
    .references(() => datasets.id, { onDelete: "cascade" }),
  done: integer().notNull().default(0),
  total: integer(),
  updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});

/**
 * The frozen items of a snapshot, 2,000 to a row in position order: each item's input, outputs,
 * consensus per question, split and label as one JSON line (fixed key order), redacted when asked.
 * What every format was rendered from, kept so a snapshot says exactly what it held. In chunks,
 * stored uncompressed: one row per item cost the build more than the rest of its writes together.
 */
export const datasetItemChunks = pgTable(
  "dataset_item_chunks",
  {
    datasetId: uuid().notNull(),
    /** position of the chunk's first item ÷ 2,000 */
    chunk: integer().notNull(),
    /** JSON lines, each ending with a line break */
    lines: text().notNull(),
  },
  (t) => [primaryKey({ columns: [t.datasetId, t.chunk] })],
);

/**
 * Every line an export reads, in export order, one `format` at a time:
 * - each line-based export format: the exact bytes of every row that passed the format's checks,
 *   rendered once from the frozen items (Parquet encodes the classification-jsonl lines);
 * - `annotations-jsonl`: one line per submitted annotation, the reviewer as a pseudonym.
 * An export streams its lines, so it is the same bytes every time and costs what reading them
 * costs. (Snapshots made before dataset_item_chunks existed also hold their items here, as `item`.)
 */
export const datasetLines = pgTable(
  "dataset_lines",
  {
    // why: no foreign key. A snapshot writes hundreds of thousands of lines in one transaction
    // and a per-row check of the dataset doubled the cost of writing them (ADR 0010); only the
    // build writes lines, holding its dataset's row, and deleting datasets deletes their lines
    // (trigger loupe_delete_dataset_lines, migration 0012).
    datasetId: uuid().notNull(),
    format: text().notNull(),
    seq: integer().notNull(),
    split: datasetSplit().notNull(),
    itemId: bigint({ mode: "number" }).notNull(),
    /** The line as written, line break included. */
    line: text().notNull(),
  },
  (t) => [primaryKey({ columns: [t.datasetId, t.format, t.seq] })],
);

/**
 * A reviewer's stable pseudonym within a project: random (not derived from the user id, so it
 * cannot be reversed by guessing), made the first time a snapshot includes their answers.
 */
export const reviewerPseudonyms = pgTable(
  "reviewer_pseudonyms",
  {
    projectId: uuid()
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    pseudonym: text().notNull(),
  },
  (t) => [primaryKey({ columns: [t.projectId, t.userId] }), unique("reviewer_pseudonyms_project_pseudonym_key").on(t.projectId, t.pseudonym)],
);
