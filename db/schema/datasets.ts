import { bigint, index, integer, jsonb, pgEnum, pgTable, primaryKey, text, timestamp, unique, uuid } from "drizzle-orm/pg-core";
import { projects } from "./projects";
import { users } from "./users";

export const datasetSplits = ["train", "validation", "test"] as const;
export const datasetSplit = pgEnum("dataset_split", datasetSplits);

/**
 * An immutable, versioned snapshot of reviewed items (docs/decisions/0009-dataset-snapshots.md).
 * Saving the same name again makes the next version; nothing here is ever updated. Everything an
 * export reads is frozen in this row and its `dataset_rows` / `dataset_annotations`, so exporting
 * a snapshot is a pure function of it: later annotations, edits or deleted items change nothing.
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
    /** The review template the snapshot was read with (its questions decide each format's rows). */
    template: jsonb().$type<{ version: number; questions: unknown[] }>().notNull(),
    /** Rows per split, what dedup and the cap removed, redactions, and per-format outcomes. */
    counts: jsonb().$type<Record<string, unknown>>().notNull(),
    /** Figures for the dataset card: label distribution, agreement, reviewers. */
    stats: jsonb().$type<Record<string, unknown>>().notNull(),
    /** SHA-256 over the frozen rows and annotations, in export order. */
    contentHash: text().notNull(),
    createdBy: uuid().references(() => users.id, { onDelete: "set null" }),
    /** Frozen with the snapshot: a later rename must not change the card. */
    createdByName: text().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [unique("datasets_project_name_version_key").on(t.projectId, t.name, t.version), index("datasets_project_created_idx").on(t.projectId, t.createdAt)],
);

/**
 * One item of a snapshot as the exports see it: input, outputs and the consensus per question,
 * copied (and redacted, when asked) when the snapshot was made. `position` is the export order.
 */
export const datasetRows = pgTable(
  "dataset_rows",
  {
    datasetId: uuid()
      .notNull()
      .references(() => datasets.id, { onDelete: "cascade" }),
    position: integer().notNull(),
    // why: no foreign key: deleting an item later must not change a snapshot that contains it.
    itemId: bigint({ mode: "number" }).notNull(),
    externalId: text(),
    split: datasetSplit().notNull(),
    input: jsonb().$type<unknown>().notNull(),
    outputs: jsonb().$type<unknown[]>().notNull(),
    /** Question key → { status, value, method, agreement, annotations } from `resolutions`. */
    resolutions: jsonb().$type<Record<string, unknown>>().notNull(),
    /** The class the split was stratified by (null without a label question or label). */
    label: text(),
  },
  (t) => [primaryKey({ columns: [t.datasetId, t.position] })],
);

/** Every submitted annotation of a snapshot's items, frozen, with the reviewer as a pseudonym. */
export const datasetAnnotations = pgTable(
  "dataset_annotations",
  {
    datasetId: uuid()
      .notNull()
      .references(() => datasets.id, { onDelete: "cascade" }),
    /** The export order: by item position, then by when the answers were submitted. */
    seq: integer().notNull(),
    /** The item's position in `dataset_rows`. */
    position: integer().notNull(),
    itemId: bigint({ mode: "number" }).notNull(),
    split: datasetSplit().notNull(),
    reviewer: text().notNull(),
    values: jsonb().$type<Record<string, unknown>>().notNull(),
    templateVersion: integer().notNull(),
    durationMs: integer(),
    submittedAt: timestamp({ withTimezone: true }),
    updatedAt: timestamp({ withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.datasetId, t.seq] })],
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
