import { sql } from "drizzle-orm";
import { bigint, index, integer, jsonb, pgEnum, pgTable, primaryKey, real, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { projects } from "./projects";
import { items } from "./review";
import { users } from "./users";

export const resolutionStatus = pgEnum("resolution_status", ["resolved", "unresolved"]);
export const resolutionMethod = pgEnum("resolution_method", ["majority", "mean", "overlap", "single", "adjudicated"]);

/**
 * The consensus answer to one question of one item, made from its submitted annotations (or set
 * by a manager's adjudication). `value` has the answer shape of the question's kind, so readers
 * (datasets, exports, the quality page) never re-derive it — see docs/decisions/0008-resolutions.md:
 * rating → number (the mean; median and votes in `detail`), thumbs → "up" | "down",
 * choice → string (single) or string[] (multi: the options a majority chose), pairwise →
 * { winner: number } (an output index; a tie or a split vote stays unresolved), correction →
 * { text }, spans → Span[] (those enough reviewers agree on by overlap), flags → string[] (raised
 * by a majority). `text` questions have no consensus and get no row.
 */
export const resolutions = pgTable(
  "resolutions",
  {
    itemId: bigint({ mode: "number" })
      .notNull()
      .references(() => items.id, { onDelete: "cascade" }),
    projectId: uuid()
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    questionKey: text().notNull(),
    status: resolutionStatus().notNull(),
    /** The consensus in the question kind's answer shape; null while unresolved. */
    value: jsonb().$type<unknown>(),
    method: resolutionMethod().notNull(),
    /** Share of the item's annotations that agree with `value` (0–1); null when undefined. */
    agreement: real(),
    annotationCount: integer().notNull(),
    /** How it was reached: vote counts, rating mean/median/spread, the annotation an adjudicator picked. */
    detail: jsonb().$type<Record<string, unknown>>().notNull().default({}),
    adjudicatedBy: uuid().references(() => users.id, { onDelete: "set null" }),
    adjudicatedAt: timestamp({ withTimezone: true }),
    computedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.itemId, t.questionKey] }),
    index("resolutions_project_question_idx").on(t.projectId, t.questionKey, t.status),
    // why: the adjudication list pages a project's disagreements in item order.
    index("resolutions_disagreement_idx")
      .on(t.projectId, t.itemId)
      .where(sql`${t.method} <> 'adjudicated' and (${t.status} = 'unresolved' or ${t.agreement} < 1)`),
    // why: the same list filtered by one question, walked in item order without a sort (with the
    // index above the planner could prefer sorting a bitmap scan of the question's rows).
    index("resolutions_disagreement_question_idx")
      .on(t.projectId, t.questionKey, t.itemId)
      .where(sql`${t.method} <> 'adjudicated' and (${t.status} = 'unresolved' or ${t.agreement} < 1)`),
  ],
);

/**
 * Items whose `resolutions` may be out of date: an AFTER trigger on `annotations` (migration
 * resolution_triggers) marks an item whenever a submitted answer is written, changed or removed,
 * whatever the write path. `refreshResolutions` recomputes marked items and deletes their marks.
 */
export const resolutionStale = pgTable(
  "resolution_stale",
  {
    itemId: bigint({ mode: "number" })
      .primaryKey()
      .references(() => items.id, { onDelete: "cascade" }),
    projectId: uuid()
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    markedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("resolution_stale_project_idx").on(t.projectId, t.itemId)],
);

/**
 * Projects whose every item may be out of date (the overlap or the template changed; a trigger on
 * `projects` marks them). The refresh marks the project's items in id order from `afterItem`, a
 * chunk per transaction; a newer change sets `afterItem` back to 0, so an overtaken walk restarts.
 */
export const resolutionStaleProjects = pgTable("resolution_stale_projects", {
  projectId: uuid()
    .primaryKey()
    .references(() => projects.id, { onDelete: "cascade" }),
  afterItem: bigint({ mode: "number" }).notNull().default(0),
  markedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});
