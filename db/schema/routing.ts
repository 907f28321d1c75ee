import { sql } from "drizzle-orm";
import { bigint, boolean, check, doublePrecision, index, jsonb, pgTable, primaryKey, real, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { classifierModels } from "./classifier";
import { llmProviders } from "./llm";
import { projects } from "./projects";
import { promptVersions } from "./prompts";
import { items } from "./review";

/**
 * How a classification project splits its unlabelled items between the classifier, an LLM judge
 * and people (docs/decisions/0017-text-classifier.md): the classifier's top probability ≥ `high`
 * is a machine label (but a `spotCheck` share of those still goes to people); between `low` and
 * `high` the LLM judge is asked, and its answer accepted when confident enough (and, optionally,
 * one of the classifier's top two); the rest go to people.
 */
export const routingPolicies = pgTable(
  "routing_policies",
  {
    projectId: uuid()
      .primaryKey()
      .references(() => projects.id, { onDelete: "cascade" }),
    high: doublePrecision().notNull().default(0.9),
    low: doublePrecision().notNull().default(0.5),
    spotCheck: doublePrecision().notNull().default(0.05),
    llmProviderId: uuid().references(() => llmProviders.id, { onDelete: "set null" }),
    llmModel: text(),
    llmPromptVersionId: uuid().references(() => promptVersions.id, { onDelete: "set null" }),
    // why: double precision, as the probabilities they are compared with: a real would round a threshold across them.
    /** The LLM's answer is accepted at or above this confidence; null: whatever its confidence. */
    llmMinConfidence: doublePrecision(),
    /** Accept the LLM's answer only when it is one of the classifier's two most probable classes. */
    requireTop2: boolean().notNull().default(false),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check("routing_policies_thresholds", sql`0 <= ${t.low} and ${t.low} <= ${t.high} and ${t.high} <= 1`),
    check("routing_policies_spot_check", sql`${t.spotCheck} between 0 and 1`),
  ],
);

export const machineLabelSources = ["classifier", "llm"] as const;

/**
 * A label a machine gave an item under the project's routing policy: its value in the question's
 * answer shape, which machine (the classifier's model, or the LLM suggestion accepted) and how sure
 * it was. The item leaves the review queue (status done); a person's label, when one comes, wins.
 */
export const machineLabels = pgTable(
  "machine_labels",
  {
    itemId: bigint({ mode: "number" })
      .notNull()
      .references(() => items.id, { onDelete: "cascade" }),
    projectId: uuid()
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    questionKey: text().notNull(),
    value: jsonb().$type<unknown>().notNull(),
    source: text().$type<(typeof machineLabelSources)[number]>().notNull(),
    confidence: real(),
    modelId: uuid().references(() => classifierModels.id, { onDelete: "set null" }),
    /** The LLM's model id, for source llm. */
    llmModel: text(),
    promptVersionId: uuid().references(() => promptVersions.id, { onDelete: "set null" }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.itemId, t.questionKey] }),
    index("machine_labels_project_idx").on(t.projectId, t.questionKey, t.source),
    check("machine_labels_source_known", sql`${t.source} in ('classifier', 'llm')`),
  ],
);
