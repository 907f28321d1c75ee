import { bigint, index, integer, jsonb, pgEnum, pgTable, primaryKey, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { projects } from "./projects";
import { users } from "./users";

export const importStates = ["queued", "running", "succeeded", "failed"] as const;
export const importState = pgEnum("import_state", importStates);

/**
 * One import of items (an uploaded file, an NDJSON stream, a CLI run): its options, where it is
 * and what it did so far. The writer updates it after every batch and beats `heartbeat_at`
 * while it runs, so a page can draw a progress bar that survives a reload, and an import whose
 * process died is recognised (a stale heartbeat) and shown as failed with how far it got.
 */
export const imports = pgTable(
  "imports",
  {
    id: uuid().primaryKey().defaultRandom(),
    projectId: uuid()
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    createdBy: uuid().references(() => users.id, { onDelete: "set null" }),
    /** upload | api | cli */
    origin: text().notNull(),
    fileName: text(),
    /** The stored upload a background job reads; null once it is done with it. */
    filePath: text(),
    /** The server instance whose disk holds `file_path` (its job queue serves this import). */
    instanceId: text(),
    /** Bytes in the file or stream when known, for the progress bar. */
    totalBytes: bigint({ mode: "number" }),
    /** Format (preset), mapping, mode, policy, gold: what `importItems` was asked to do. */
    options: jsonb().$type<Record<string, unknown>>().notNull().default({}),
    state: importState().notNull().default("queued"),
    bytesRead: bigint({ mode: "number" }).notNull().default(0),
    /** The last line (or CSV record's first line) read so far. */
    lastLine: bigint({ mode: "number" }).notNull().default(0),
    received: integer().notNull().default(0),
    inserted: integer().notNull().default(0),
    matched: integer().notNull().default(0),
    duplicates: integer().notNull().default(0),
    unmatched: integer().notNull().default(0),
    outputsAdded: integer().notNull().default(0),
    rejected: integer().notNull().default(0),
    /** Why it failed, or a note on how it ended. */
    message: text(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    startedAt: timestamp({ withTimezone: true }),
    finishedAt: timestamp({ withTimezone: true }),
    heartbeatAt: timestamp({ withTimezone: true }),
  },
  (t) => [index("imports_project_created_idx").on(t.projectId, t.createdAt.desc())],
);

/** The first 1,000 rejected rows of an import, in file order (all are counted in `imports.rejected`). */
export const importErrors = pgTable(
  "import_errors",
  {
    importId: uuid()
      .notNull()
      .references(() => imports.id, { onDelete: "cascade" }),
    seq: integer().notNull(),
    line: bigint({ mode: "number" }).notNull(),
    field: text(),
    message: text().notNull(),
  },
  (t) => [primaryKey({ columns: [t.importId, t.seq] })],
);
