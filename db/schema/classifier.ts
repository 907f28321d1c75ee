import { sql } from "drizzle-orm";
import { check, customType, index, integer, jsonb, pgEnum, pgTable, real, text, timestamp, uniqueIndex, uuid, boolean } from "drizzle-orm/pg-core";
import { projects } from "./projects";
import { users } from "./users";

/** PostgreSQL bytea as a Node Buffer (Drizzle has no built-in column for it). */
const bytea = customType<{ data: Buffer; driverData: Buffer }>({ dataType: () => "bytea" });

export const classifierModelStates = ["queued", "training", "ready", "failed"] as const;
export const classifierModelState = pgEnum("classifier_model_state", classifierModelStates);
export const classifierTriggers = ["manual", "auto"] as const;

/** Where a training label came from, strongest first: an imported gold answer, an adjudication, reviewers' consensus, an LLM judge. */
export const labelSources = ["gold", "adjudicated", "human", "llm"] as const;
export type LabelSource = (typeof labelSources)[number];
export type LabelSourceCounts = Record<LabelSource, number>;

/**
 * A project's in-app classifier: the classification question it learns, whether LLM judge
 * answers count as labels, and how often it retrains by itself. One row per project (a
 * project without one has no classifier).
 */
export const classifierSettings = pgTable(
  "classifier_settings",
  {
    projectId: uuid()
      .primaryKey()
      .references(() => projects.id, { onDelete: "cascade" }),
    questionKey: text().notNull(),
    /** LLM judge answers count as labels (marked `llm`) where no person's label exists. */
    includeLlm: boolean().notNull().default(false),
    /** Retrain by itself once this many labels were added since the last model; null: only on request. */
    retrainEvery: integer(),
    /** What an hour of a reviewer's time costs, in US dollars, for the distillation report's people route; null: unknown. */
    reviewerHourlyUsd: real(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check("classifier_settings_retrain_every_positive", sql`${t.retrainEvery} is null or ${t.retrainEvery} > 0`),
    check("classifier_settings_reviewer_hourly_usd_nonnegative", sql`${t.reviewerHourlyUsd} is null or ${t.reviewerHourlyUsd} >= 0`),
  ],
);

/** What a model was trained on: the labels by source, and the parameters. */
export type ClassifierTrainingSummary = { labels: LabelSourceCounts; classes: number };

/**
 * One training run of a project's classifier: a numbered version, kept in PostgreSQL (the model's
 * bytes too, so every app copy shares it), with what it was trained on, how it scored on held-out
 * labels and how far its predictions got. See docs/decisions/0017-text-classifier.md.
 */
export const classifierModels = pgTable(
  "classifier_models",
  {
    id: uuid().primaryKey().defaultRandom(),
    projectId: uuid()
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    questionKey: text().notNull(),
    version: integer().notNull(),
    state: classifierModelState().notNull().default("queued"),
    trigger: text().$type<(typeof classifierTriggers)[number]>().notNull().default("manual"),
    includeLlm: boolean().notNull().default(false),
    /** Labels there were when it was asked for; then the labels it was trained on (by source in `summary`). */
    labelCount: integer().notNull().default(0),
    summary: jsonb().$type<ClassifierTrainingSummary>(),
    params: jsonb().$type<Record<string, unknown>>().notNull().default({}),
    /** Held-out quality, reliability and learning curve (the core's ClassifierEvaluation). */
    evaluation: jsonb().$type<unknown>(),
    model: bytea(),
    /**
     * The held-out labels' predictions: [item id, label, top class, its probability, second class,
     * its probability] per item, so a routing policy can be simulated on items the model never saw.
     */
    holdout: jsonb().$type<[number, string, string, number, string | null, number | null][]>(),
    /** Items given a prediction (a suggestion from "classifier vN"). */
    predicted: integer().notNull().default(0),
    trainingMs: integer(),
    predictMs: integer(),
    attempts: integer().notNull().default(0),
    /** Why it failed. */
    message: text(),
    requestedBy: uuid().references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    startedAt: timestamp({ withTimezone: true }),
    finishedAt: timestamp({ withTimezone: true }),
  },
  (t) => [
    uniqueIndex("classifier_models_version_key").on(t.projectId, t.questionKey, t.version),
    index("classifier_models_open_idx").on(t.state).where(sql`${t.state} in ('queued', 'training')`),
    check("classifier_models_trigger_known", sql`${t.trigger} in ('manual', 'auto')`),
  ],
);
