import { sql } from "drizzle-orm";
import { boolean, check, index, integer, pgEnum, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
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
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // why: unique per creator, so a taken name tells nobody about projects they cannot see.
    uniqueIndex("projects_creator_name_lower_key").on(t.createdBy, sql`lower(${t.name})`),
    check("projects_overlap_range", sql`${t.overlap} between 1 and 50`),
    check("projects_lease_minutes_range", sql`${t.leaseMinutes} between 1 and 1440`),
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
