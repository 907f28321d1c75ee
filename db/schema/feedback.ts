import { sql } from "drizzle-orm";
import {
  type AnyPgColumn,
  bigint,
  boolean,
  check,
  customType,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  real,
  smallint,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { projects } from "./projects";
import { annotations, items } from "./review";
import { users } from "./users";

/** PostgreSQL tsvector (Drizzle has no built-in column for it); only ever written by the database. */
const tsvector = customType<{ data: string }>({ dataType: () => "tsvector" });

/**
 * The text-search configuration of feedback comments. English stemming ("suggestions" finds
 * "suggestion"); comments in other languages still match word for word, and pg_trgm covers typos.
 */
export const FEEDBACK_TS_CONFIG = "english";

/** Where a comment came from: an end user of the product (the feedback API or widget), or a reviewer's text answer. */
export const feedbackSources = ["end_user", "reviewer"] as const;
export const feedbackSource = pgEnum("feedback_source", feedbackSources);

/** thumbs: score 0 (down) or 1 (up); stars: score 1–5. */
export const feedbackScoreKinds = ["thumbs", "stars"] as const;
export const feedbackScoreKind = pgEnum("feedback_score_kind", feedbackScoreKinds);

/** A project's feedback settings: privacy and what inline outputs do. One row per project that has changed them. */
export const feedbackSettings = pgTable(
  "feedback_settings",
  {
    projectId: uuid()
      .primaryKey()
      .references(() => projects.id, { onDelete: "cascade" }),
    /** Replace emails, card numbers, IBANs, IP addresses and phone numbers in comments on ingest (app/modules/datasets/pii.ts). */
    redactPii: boolean().notNull().default(false),
    /** End-user feedback older than this many days is deleted by a job; null keeps it. */
    retentionDays: integer(),
    /** The share (0–1) of inline outputs that a feedback record brings in which go into the review queue; the rest are stored but not queued. */
    queueSampleRate: real().notNull().default(0),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check("feedback_settings_retention_range", sql`${t.retentionDays} between 1 and 36500`),
    check("feedback_settings_sample_range", sql`${t.queueSampleRate} between 0 and 1`),
  ],
);

/**
 * A project's ingest key: write-only (it can add feedback to one project and read nothing),
 * revocable, limited to the browser origins listed (an empty list: no browser origin, servers
 * only) and to `ratePerMinute` records a minute. Only the key's SHA-256 is kept.
 */
export const ingestKeys = pgTable(
  "ingest_keys",
  {
    id: uuid().primaryKey().defaultRandom(),
    projectId: uuid()
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    name: text().notNull(),
    prefix: text().notNull(),
    keyHash: text().notNull().unique(),
    /** Exact origins (`https://app.example.com`) a browser may send feedback from with this key. */
    allowedOrigins: text().array().notNull().default(sql`'{}'::text[]`),
    ratePerMinute: integer().notNull().default(600),
    createdBy: uuid().references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    lastUsedAt: timestamp({ withTimezone: true }),
    revokedAt: timestamp({ withTimezone: true }),
  },
  (t) => [index("ingest_keys_project_idx").on(t.projectId), check("ingest_keys_rate_range", sql`${t.ratePerMinute} between 1 and 1000000`)],
);

/**
 * One comment with its score: an end user's feedback on an output of the product, or a reviewer's
 * free-text answer (source "reviewer", one row per annotation and text question). `comment` is
 * stored as received, or redacted when the project asks (then `pii` counts what was replaced).
 */
export const feedback = pgTable(
  "feedback",
  {
    id: bigint({ mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    projectId: uuid()
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    source: feedbackSource().notNull().default("end_user"),
    ingestKeyId: uuid().references(() => ingestKeys.id, { onDelete: "set null" }),
    /** The client's own id for the record: sending it again is a no-op (idempotency). */
    clientId: text(),
    /** The output the feedback is about, when Loupe has it as an item (by trace id, external id, or stored inline). */
    itemId: bigint({ mode: "number" }).references(() => items.id, { onDelete: "set null" }),
    traceId: text(),
    externalId: text(),
    /** A reviewer's answer: the annotation and its text question. */
    annotationId: uuid().references(() => annotations.id, { onDelete: "cascade" }),
    questionKey: text(),
    scoreKind: feedbackScoreKind(),
    score: smallint(),
    comment: text().notNull().default(""),
    commentTsv: tsvector().generatedAlwaysAs(sql`to_tsvector('english'::regconfig, comment)`),
    /** A pseudonymous user id from the product (never an email; delete-by-user-id finds rows by it). */
    userId: text(),
    segment: text(),
    model: text(),
    promptVersion: text(),
    metadata: jsonb().$type<Record<string, unknown>>().notNull().default({}),
    /** What redaction replaced, by kind; null when nothing was redacted. */
    pii: jsonb().$type<Record<string, number>>(),
    /** When it happened (the client's time), and when Loupe received it. */
    occurredAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    receivedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("feedback_client_id_key").on(t.projectId, t.clientId).where(sql`${t.clientId} is not null`),
    uniqueIndex("feedback_annotation_question_key").on(t.annotationId, t.questionKey).where(sql`${t.annotationId} is not null`),
    // why: the inbox lists a project's comments newest first, keyset-paged.
    index("feedback_project_occurred_idx").on(t.projectId, t.occurredAt.desc(), t.id.desc()),
    index("feedback_project_user_idx").on(t.projectId, t.userId).where(sql`${t.userId} is not null`),
    index("feedback_item_idx").on(t.itemId).where(sql`${t.itemId} is not null`),
    index("feedback_comment_tsv_idx").using("gin", t.commentTsv),
    index("feedback_comment_trgm_idx").using("gin", sql`${t.comment} gin_trgm_ops`),
    check("feedback_score_range", sql`(${t.scoreKind} is null and ${t.score} is null)
      or (${t.scoreKind} = 'thumbs' and ${t.score} in (0, 1))
      or (${t.scoreKind} = 'stars' and ${t.score} between 1 and 5)`),
  ],
);

/** A project's codebook: themes with a description and examples, nested one level (a parent has no parent). */
export const themes = pgTable(
  "themes",
  {
    id: uuid().primaryKey().defaultRandom(),
    projectId: uuid()
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    parentId: uuid().references((): AnyPgColumn => themes.id, { onDelete: "cascade" }),
    name: text().notNull(),
    description: text().notNull().default(""),
    examples: jsonb().$type<string[]>().notNull().default([]),
    position: integer().notNull().default(0),
    createdBy: uuid().references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("themes_project_name_key").on(t.projectId, sql`lower(${t.name})`), index("themes_parent_idx").on(t.parentId)],
);

/**
 * One coder's theme on one comment, with a memo and the quote inside the comment that carries the
 * theme (character offsets [quote_start, quote_end) in `feedback.comment`, as JavaScript counts them).
 */
export const codings = pgTable(
  "codings",
  {
    feedbackId: bigint({ mode: "number" })
      .notNull()
      .references(() => feedback.id, { onDelete: "cascade" }),
    themeId: uuid()
      .notNull()
      .references(() => themes.id, { onDelete: "cascade" }),
    coderId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    projectId: uuid()
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    memo: text().notNull().default(""),
    quoteStart: integer(),
    quoteEnd: integer(),
    /** human, or llm when a researcher accepted an LLM's suggestion. */
    origin: text().notNull().default("human"),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.feedbackId, t.themeId, t.coderId] }),
    index("codings_theme_idx").on(t.themeId),
    index("codings_project_coder_idx").on(t.projectId, t.coderId),
    check("codings_quote_range", sql`(${t.quoteStart} is null and ${t.quoteEnd} is null) or (0 <= ${t.quoteStart} and ${t.quoteStart} < ${t.quoteEnd})`),
  ],
);

/** A coder has finished a comment (with any number of themes, none included): the inbox's "coded" filter and the agreement's unit. */
export const feedbackCoded = pgTable(
  "feedback_coded",
  {
    feedbackId: bigint({ mode: "number" })
      .notNull()
      .references(() => feedback.id, { onDelete: "cascade" }),
    coderId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    projectId: uuid()
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    codedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.feedbackId, t.coderId] }), index("feedback_coded_project_idx").on(t.projectId, t.coderId)],
);

/** A sample of comments that several researchers code blind (each sees only their own themes) to check the codebook. */
export const codingSamples = pgTable(
  "coding_samples",
  {
    id: uuid().primaryKey().defaultRandom(),
    projectId: uuid()
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    name: text().notNull(),
    /** The filter and seed the sample was drawn with, so it can be told how it was made. */
    params: jsonb().$type<Record<string, unknown>>().notNull().default({}),
    createdBy: uuid().references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("coding_samples_project_idx").on(t.projectId)],
);

export const codingSampleItems = pgTable(
  "coding_sample_items",
  {
    sampleId: uuid()
      .notNull()
      .references(() => codingSamples.id, { onDelete: "cascade" }),
    feedbackId: bigint({ mode: "number" })
      .notNull()
      .references(() => feedback.id, { onDelete: "cascade" }),
    position: integer().notNull(),
  },
  (t) => [primaryKey({ columns: [t.sampleId, t.feedbackId] })],
);

export const codingSampleCoders = pgTable(
  "coding_sample_coders",
  {
    sampleId: uuid()
      .notNull()
      .references(() => codingSamples.id, { onDelete: "cascade" }),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
  },
  (t) => [primaryKey({ columns: [t.sampleId, t.userId] })],
);

/** A named, shareable set of quotes (comments, or a passage of one) for a report. */
export const quoteSets = pgTable(
  "quote_sets",
  {
    id: uuid().primaryKey().defaultRandom(),
    projectId: uuid()
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    name: text().notNull(),
    description: text().notNull().default(""),
    createdBy: uuid().references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("quote_sets_project_idx").on(t.projectId)],
);

export const quoteSetItems = pgTable(
  "quote_set_items",
  {
    setId: uuid()
      .notNull()
      .references(() => quoteSets.id, { onDelete: "cascade" }),
    feedbackId: bigint({ mode: "number" })
      .notNull()
      .references(() => feedback.id, { onDelete: "cascade" }),
    position: integer().notNull(),
    /** The passage quoted, as offsets into the comment; null quotes the whole comment. */
    quoteStart: integer(),
    quoteEnd: integer(),
    note: text().notNull().default(""),
    addedBy: uuid().references(() => users.id, { onDelete: "set null" }),
    addedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.setId, t.feedbackId] }),
    check("quote_set_items_quote_range", sql`(${t.quoteStart} is null and ${t.quoteEnd} is null) or (0 <= ${t.quoteStart} and ${t.quoteStart} < ${t.quoteEnd})`),
  ],
);

export const themeSuggestionStates = ["pending", "accepted", "rejected"] as const;
export const themeSuggestionState = pgEnum("theme_suggestion_state", themeSuggestionStates);

/** An LLM's suggested theme for a comment, waiting for a researcher to accept or reject it; nothing is applied unseen. */
export const themeSuggestions = pgTable(
  "theme_suggestions",
  {
    id: uuid().primaryKey().defaultRandom(),
    projectId: uuid()
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    feedbackId: bigint({ mode: "number" })
      .notNull()
      .references(() => feedback.id, { onDelete: "cascade" }),
    themeId: uuid()
      .notNull()
      .references(() => themes.id, { onDelete: "cascade" }),
    /** provider name / model that suggested it */
    source: text().notNull(),
    rationale: text().notNull().default(""),
    quoteStart: integer(),
    quoteEnd: integer(),
    state: themeSuggestionState().notNull().default("pending"),
    decidedBy: uuid().references(() => users.id, { onDelete: "set null" }),
    decidedAt: timestamp({ withTimezone: true }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("theme_suggestions_feedback_theme_key").on(t.feedbackId, t.themeId),
    index("theme_suggestions_project_pending_idx").on(t.projectId, t.createdAt).where(sql`${t.state} = 'pending'`),
  ],
);
