import { sql } from "drizzle-orm";
import {
  bigint,
  check,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  real,
  text,
  timestamp,
  unique,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { projects } from "./projects";
import { promptVersions } from "./prompts";
import { users } from "./users";

/** One version of a project's review template; editing makes a new version, old ones stay. */
export const reviewTemplates = pgTable(
  "review_templates",
  {
    projectId: uuid()
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    version: integer().notNull(),
    questions: jsonb().$type<unknown[]>().notNull(),
    createdBy: uuid().references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [unique().on(t.projectId, t.version)],
);

/**
 * open: in the review queue; done: answered as often as the project's overlap (or routed to a
 * machine); held: stored (an output end-user feedback is about) but not in the queue; gold: a
 * training item with a known answer (`items.gold`), out of the regular queue and of progress,
 * handed to each reviewer at most once at the project's gold rate and in onboarding rounds.
 */
// why "gold" is last: PostgreSQL appends enum values (ALTER TYPE … ADD VALUE).
export const itemStatus = pgEnum("item_status", ["open", "done", "held", "gold"]);

/**
 * One unit of review. `status` is "done" once `submitted_count` reaches the project's overlap;
 * the queue's partial indexes cover only open items, so finished ones never slow a claim.
 */
export const items = pgTable(
  "items",
  {
    id: bigint({ mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    projectId: uuid()
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    externalId: text(),
    /**
     * What identifies the item's content when it has no external id, with `outputsKey`:
     * `loupe_key(project id, input JSON)`, the first 16 bytes of a SHA-256 as a uuid (see
     * itemKey in app/modules/imports/prepare-row.server.ts). It also finds an item by its exact
     * input ("add outputs" imports). Outputs added later change neither key.
     */
    inputKey: uuid().notNull(),
    /** `loupe_key(outputs JSON)` as first imported. */
    outputsKey: uuid().notNull(),
    input: jsonb().$type<unknown>().notNull(),
    outputs: jsonb().$type<unknown[]>().notNull(),
    reference: text(),
    metadata: jsonb().$type<Record<string, unknown>>().notNull().default({}),
    source: text().notNull().default("api"),
    priority: integer().notNull().default(0),
    /**
     * The item's place in a random-order queue; null in priority-order projects, which need no
     * such index entry (a random key is a random insert into an index: see ADR 0009). Set when
     * the item is written into a random-order project, or for all its items when a project
     * switches to random order.
     */
    randomKey: integer(),
    /**
     * How unsure the project's latest classifier is about this item: 1 − the margin between its
     * top two class probabilities, in [0, 1]. Null when no model has predicted it. Written by
     * setItemUncertainties; the "uncertain" queue order hands out the highest first.
     */
    uncertainty: real(),
    status: itemStatus().notNull().default("open"),
    submittedCount: integer().notNull().default(0),
    /**
     * Answers a manager asked for beyond the project's overlap ("send back for more answers" in the
     * data manager): the item wants overlap + extra_answers answers before it is done or resolved.
     */
    extraAnswers: integer().notNull().default(0),
    /**
     * When the item got its consensus: every question that has one is resolved (it had the
     * answers its overlap wants), or a manager adjudicated it. Null while unresolved; see
     * resolution.ts.
     */
    resolvedAt: timestamp({ withTimezone: true }),
    /**
     * Known-correct answers the item came with (an imported gold label), question key → value in
     * the answer shape of app/modules/templates/answers.ts; null when it has none. Never shown to
     * reviewers; quality and dataset work compare against it.
     */
    gold: jsonb().$type<Record<string, unknown>>(),
    /** Why the gold answer is right, shown to a reviewer after they answer the item in training. */
    goldExplanation: text(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("items_project_external_id_key").on(t.projectId, t.externalId).where(sql`${t.externalId} is not null`),
    // why: without an external id, the content is what makes a re-import a no-op. The project is
    // inside input_key, so the key needs no project_id column: a smaller index, kept in memory.
    uniqueIndex("items_content_key").on(t.inputKey, t.outputsKey).where(sql`${t.externalId} is null`),
    // why: "add outputs" imports find an item by its exact input; items without an external id
    // are found through items_content_key's leading column.
    index("items_external_input_key_idx").on(t.inputKey).where(sql`${t.externalId} is not null`),
    // why: on -priority rather than priority desc, so that "after this place in the queue" is a row
    // comparison on columns of one direction, which a btree scans as a range (queue_cursors).
    index("items_queue_priority_idx").on(t.projectId, sql`(-${t.priority})`, t.id).where(sql`${t.status} = 'open'`),
    index("items_queue_random_idx").on(t.projectId, t.randomKey, t.id).where(sql`${t.status} = 'open' and ${t.randomKey} is not null`),
    // why: the "uncertain" order as one ascending key, so the claim and its cursor scan one index
    // range with no sort: predicted items by uncertainty, highest first (-uncertainty in [-1, 0]),
    // then unpredicted ones by priority, highest first (1,000,001 − priority in [1, 2,000,001],
    // exact in a real). loupe_claim_item spells it exactly so, or the planner cannot use the index.
    index("items_queue_uncertain_idx")
      .on(t.projectId, sql`(case when ${t.uncertainty} is null then (1000001 - ${t.priority})::real else -${t.uncertainty} end)`, t.id)
      .where(sql`${t.status} = 'open'`),
    // why: gold items are handed out apart from the regular queue (they are never "open"). On
    // `gold is not null` rather than status = 'gold': a new enum value cannot be used in the
    // migration (one transaction) that adds it; gold items' queries say both.
    index("items_project_gold_idx").on(t.projectId, t.id).where(sql`${t.gold} is not null`),
    index("items_project_resolved_idx").on(t.projectId, t.id).where(sql`${t.resolvedAt} is not null`),
    // why: keyset pages of a project's items (GET /api/v1/projects/:id/items).
    index("items_project_id_idx").on(t.projectId, t.id),
    // why: the data manager sorts a project's items by priority in both directions (every status,
    // so the queue's partial index on open items cannot serve it); keyset on (priority, id).
    index("items_project_priority_idx").on(t.projectId, t.priority, t.id),
    // why: the data manager's full-text search over input and outputs: an expression index (no
    // table rewrite, no second copy of the text) on db/functions/loupe_item_search.sql.
    index("items_search_idx").using("gin", sql`loupe_item_search(${t.input}, ${t.outputs})`),
    // why: the API's bound; it also keeps -priority (the queue index) from overflowing.
    check("items_extra_answers_range", sql`${t.extraAnswers} between 0 and 50`),
    check("items_uncertainty_range", sql`${t.uncertainty} between 0 and 1`),
    check("items_priority_range", sql`${t.priority} between -1000000 and 1000000`),
  ],
);

export const suggestions = pgTable(
  "suggestions",
  {
    id: bigint({ mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    itemId: bigint({ mode: "number" })
      .notNull()
      .references(() => items.id, { onDelete: "cascade" }),
    questionKey: text().notNull(),
    value: jsonb().$type<unknown>().notNull(),
    /** The model's confidence in [0, 1] where known (logprobs, a classifier's probability). */
    confidence: real(),
    /** How the suggestion is shown: "import", the judge's model, "classifier v4". */
    source: text().notNull(),
    /** Where it came from: a file's labels, an LLM judge run, or the in-app classifier. */
    origin: text().$type<SuggestionOrigin>().notNull().default("import"),
    /** An LLM's model id, and the judge prompt version that asked it. */
    model: text(),
    promptVersionId: uuid().references(() => promptVersions.id, { onDelete: "set null" }),
    /** The run (an LLM job or a classifier version) that made it. */
    runId: uuid(),
    /** The judge's reasons, shown beside the suggestion. */
    rationale: text(),
    /** A classifier's probabilities of its most likely classes (class → probability, at most 5), highest first. */
    probabilities: jsonb().$type<Record<string, number>>(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index().on(t.itemId),
    index("suggestions_prompt_version_idx").on(t.promptVersionId, t.questionKey).where(sql`${t.promptVersionId} is not null`),
    // why: a judge run that is resumed or retried, or runs on two app copies, stores one answer per
    // item, question, judge prompt version and model.
    uniqueIndex("suggestions_llm_answer_key")
      .on(t.itemId, t.questionKey, t.promptVersionId, t.model)
      .where(sql`${t.origin} = 'llm'`),
    // why: routing walks one classifier model's predictions in item order.
    index("suggestions_classifier_run_idx").on(t.runId, t.itemId).where(sql`${t.origin} = 'classifier'`),
    check("suggestions_origin_known", sql`${t.origin} in ('import', 'llm', 'classifier')`),
  ],
);

export const suggestionOrigins = ["import", "llm", "classifier"] as const;
export type SuggestionOrigin = (typeof suggestionOrigins)[number];

export const assignmentState = pgEnum("assignment_state", ["leased", "submitted", "skipped"]);

/**
 * Who holds, answered or skipped which item. One row per (item, reviewer) — the reason a
 * reviewer never gets an item twice. A lease is live while `state = 'leased'` and unexpired.
 */
export const assignments = pgTable(
  "assignments",
  {
    id: uuid().primaryKey().defaultRandom(),
    itemId: bigint({ mode: "number" })
      .notNull()
      .references(() => items.id, { onDelete: "cascade" }),
    projectId: uuid()
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    state: assignmentState().notNull().default("leased"),
    expiresAt: timestamp({ withTimezone: true }).notNull(),
    skipReason: text(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    unique("assignments_item_user_key").on(t.itemId, t.userId),
    index("assignments_live_leases_idx").on(t.itemId, t.expiresAt).where(sql`${t.state} = 'leased'`),
    index("assignments_user_project_idx").on(t.userId, t.projectId, t.state),
    // why: "items held by others" (after a claim finds nothing) reads a project's leases only.
    index("assignments_project_leases_idx").on(t.projectId, t.expiresAt).where(sql`${t.state} = 'leased'`),
  ],
);

export const annotationStatus = pgEnum("annotation_status", ["draft", "submitted"]);

/** One reviewer's answer to one item; `version` guards edits (optimistic concurrency). */
export const annotations = pgTable(
  "annotations",
  {
    id: uuid().primaryKey().defaultRandom(),
    itemId: bigint({ mode: "number" })
      .notNull()
      .references(() => items.id, { onDelete: "cascade" }),
    projectId: uuid()
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    templateVersion: integer().notNull(),
    values: jsonb().$type<Record<string, unknown>>().notNull(),
    status: annotationStatus().notNull().default("draft"),
    version: integer().notNull().default(1),
    idempotencyKey: text(),
    durationMs: integer(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    submittedAt: timestamp({ withTimezone: true }),
  },
  (t) => [
    unique("annotations_item_user_key").on(t.itemId, t.userId),
    uniqueIndex("annotations_user_idempotency_key").on(t.userId, t.idempotencyKey).where(sql`${t.idempotencyKey} is not null`),
    index("annotations_user_recent_idx").on(t.userId, t.projectId, t.updatedAt.desc()),
    index("annotations_project_submitted_idx").on(t.projectId, t.submittedAt),
  ],
);

/** Every saved state of an annotation, newest version last (the audit trail of edits). */
export const annotationHistory = pgTable(
  "annotation_history",
  {
    id: bigint({ mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    annotationId: uuid()
      .notNull()
      .references(() => annotations.id, { onDelete: "cascade" }),
    version: integer().notNull(),
    status: annotationStatus().notNull(),
    values: jsonb().$type<Record<string, unknown>>().notNull(),
    changedBy: uuid().references(() => users.id, { onDelete: "set null" }),
    changedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index().on(t.annotationId, t.version)],
);

/**
 * Where each reviewer's walk through a project's queue stands: the place, in the queue's order,
 * of the last item they took going forward. `loupe_claim_item` starts its scan there, so a
 * reviewer ahead of the others does not step over every open item they already answered (with a
 * high overlap, items stay open long). A hint, not a rule: the whole queue is still walked
 * before a claim says nothing is left.
 */
export const queueCursors = pgTable(
  "queue_cursors",
  {
    projectId: uuid()
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    priority: integer().notNull(),
    itemId: bigint({ mode: "number" }).notNull(),
    randomKey: integer(),
    /** The place in the "uncertain" order (items_queue_uncertain_idx's key); null when set in another order. */
    uncertainKey: real(),
  },
  (t) => [primaryKey({ columns: [t.projectId, t.userId] })],
);
