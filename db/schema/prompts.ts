import { sql } from "drizzle-orm";
import { index, integer, jsonb, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { projects } from "./projects";
import { users } from "./users";

export const promptPurposes = ["generate", "judge"] as const;
export const promptPurpose = pgEnum("prompt_purpose", promptPurposes);

/**
 * One version of a named prompt of a project: a system prompt and a user message with variables
 * from the item, model parameters, and for a judge the template questions it answers. Immutable:
 * saving a name again makes its next version, so every generated output and judge answer names
 * exactly the prompt that made it (docs/decisions/0013-llm-jobs.md).
 */
export const promptVersions = pgTable(
  "prompt_versions",
  {
    id: uuid().primaryKey().defaultRandom(),
    projectId: uuid()
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    name: text().notNull(),
    version: integer().notNull(),
    purpose: promptPurpose().notNull(),
    system: text().notNull().default(""),
    user: text().notNull(),
    /** temperature, maxTokens, seed, topP — what the provider is sent. */
    params: jsonb().$type<{ temperature?: number; maxTokens?: number; seed?: number; topP?: number }>().notNull().default({}),
    /** A judge's questions (template keys) it answers; empty for generation. */
    questions: jsonb().$type<string[]>().notNull().default([]),
    createdBy: uuid().references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("prompt_versions_project_name_version_key").on(t.projectId, sql`lower(${t.name})`, t.version),
    index("prompt_versions_project_created_idx").on(t.projectId, t.createdAt),
  ],
);
