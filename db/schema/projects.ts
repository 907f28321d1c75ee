import { sql } from "drizzle-orm";
import { boolean, check, index, integer, pgEnum, pgTable, primaryKey, real, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { users } from "./users";

export const projectRoles = ["manager", "reviewer", "researcher", "engineer"] as const;
export const projectRole = pgEnum("project_role", projectRoles);

// why "uncertain" is added last: PostgreSQL appends enum values (ALTER TYPE … ADD VALUE).
export const itemOrders = ["priority", "random", "uncertain"] as const;
export const itemOrder = pgEnum("item_order", itemOrders);

export const projects = pgTable(
  "projects",
  {
    id: uuid().primaryKey().defaultRandom(),
    name: text().notNull(),
    description: text().notNull().default(""),
    createdBy: uuid().references(() => users.id, { onDelete: "set null" }),
    archivedAt: timestamp({ withTimezone: true }),
    guidelines: text().notNull().default(""),
    /** Annotations wanted per item. */
    overlap: integer().notNull().default(1),
    leaseMinutes: integer().notNull().default(30),
    itemOrder: itemOrder().notNull().default("priority"),
    /** The template version new annotations answer; 0 until a template is set. */
    templateVersion: integer().notNull().default(0),
    /** Members without the right to see people (reviewers, researchers, engineers) see names instead of pseudonyms. */
    showReviewerNames: boolean().notNull().default(false),
    /** Against anchoring: reviewers see no suggestion (judge, import, classifier) for an item until they have submitted their own answer. */
    hideSuggestionsUntilAnswered: boolean().notNull().default(false),
    /**
     * Blind review: what reviewers (members who may not read items) are shown of who or what made
     * an output. Nothing by default; "model" shows the outputs' model names, any other entry a
     * metadata field of that name. Everything else is left out of the review screen and the API.
     */
    reviewerVisibleFields: text().array().notNull().default(sql`'{}'::text[]`),
    /** The share of a reviewer's claims, in [0, 1], that hand out a gold item they have not answered yet (when one is left). */
    goldRate: real().notNull().default(0),
    /** Gold items a new reviewer answers first, each followed by its right answer and explanation; 0: no onboarding round. */
    onboardingItems: integer().notNull().default(0),
    /** The share of the onboarding round a reviewer must answer right before the real queue opens; null: no pass mark. */
    onboardingPassMark: real(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // why: unique per creator, so a taken name tells nobody about projects they cannot see.
    uniqueIndex("projects_creator_name_lower_key").on(t.createdBy, sql`lower(${t.name})`),
    check("projects_overlap_range", sql`${t.overlap} between 1 and 50`),
    check("projects_lease_minutes_range", sql`${t.leaseMinutes} between 1 and 1440`),
    check("projects_gold_rate_range", sql`${t.goldRate} between 0 and 1`),
    check("projects_onboarding_items_range", sql`${t.onboardingItems} between 0 and 200`),
    check("projects_onboarding_pass_mark_range", sql`${t.onboardingPassMark} between 0 and 1`),
  ],
);

export const projectMembers = pgTable(
  "project_members",
  {
    projectId: uuid()
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    role: projectRole().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.projectId, t.userId] }), index().on(t.userId)],
);

/**
 * A reviewer's onboarding round in a project: open while they answer its gold items, then passed
 * or failed against the pass mark. A manager may let a reviewer in by hand (`passedBy`), or clear
 * the row for a new round on gold items they have not answered.
 */
export const reviewerOnboarding = pgTable(
  "reviewer_onboarding",
  {
    projectId: uuid()
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    /** open: answering; passed: the real queue is open to them; failed: below the pass mark. */
    state: text().$type<"open" | "passed" | "failed">().notNull().default("open"),
    answered: integer().notNull().default(0),
    correct: integer().notNull().default(0),
    startedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp({ withTimezone: true }),
    /** The manager who let the reviewer in by hand; null when they passed on their answers. */
    passedBy: uuid().references(() => users.id, { onDelete: "set null" }),
  },
  (t) => [primaryKey({ columns: [t.projectId, t.userId] }), check("reviewer_onboarding_state_known", sql`${t.state} in ('open', 'passed', 'failed')`)],
);

/**
 * One-time invite links: an admin (for the instance) or a manager (for a project, with a role)
 * invites an email; the person opening the link sets their name and password. Only the token's
 * SHA-256 is kept; a link works once, until it expires or is revoked.
 */
export const invites = pgTable(
  "invites",
  {
    id: uuid().primaryKey().defaultRandom(),
    tokenHash: text().notNull().unique(),
    email: text().notNull(),
    /** The project the invite adds the person to, with `role`; null for an instance-only invite (admins). */
    projectId: uuid().references(() => projects.id, { onDelete: "cascade" }),
    role: projectRole(),
    createdBy: uuid().references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp({ withTimezone: true }).notNull(),
    usedAt: timestamp({ withTimezone: true }),
    usedBy: uuid().references(() => users.id, { onDelete: "set null" }),
    revokedAt: timestamp({ withTimezone: true }),
    /** When the invite was last sent by email (SMTP configured), and the last send error in words. */
    sentAt: timestamp({ withTimezone: true }),
    sendError: text(),
  },
  (t) => [
    index().on(t.projectId),
    index("invites_email_lower_idx").on(sql`lower(${t.email})`),
    check("invites_role_with_project", sql`(${t.projectId} is null) = (${t.role} is null)`),
  ],
);
