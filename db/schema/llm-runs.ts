import { sql } from "drizzle-orm";
import { bigint, check, doublePrecision, index, integer, jsonb, pgEnum, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { llmProviders } from "./llm";
import { projects } from "./projects";
import { promptVersions } from "./prompts";
import { items } from "./review";
import { users } from "./users";

export const llmRunKinds = ["generate", "judge"] as const;
export const llmRunKind = pgEnum("llm_run_kind", llmRunKinds);
export const llmRunStates = ["queued", "running", "done", "failed", "cancelled"] as const;
export const llmRunState = pgEnum("llm_run_state", llmRunStates);
export const llmRunItemStates = ["pending", "running", "done", "failed"] as const;
export const llmRunItemState = pgEnum("llm_run_item_state", llmRunItemStates);

/** Which items a run asks about: every item, those nobody has answered, listed ids, or a metadata field's value. */
export type LlmRunFilter = { type: "all" } | { type: "unreviewed" } | { type: "ids"; ids: number[] } | { type: "metadata"; field: string; value: string };

/** How a run calls its provider (what the prompt version's params do not say). */
export type LlmRunParams = { timeoutMs: number; maxAttempts: number };

/**
 * One generation or judge job: a model of a provider × a prompt version × the items a filter chose.
 * Counts, tokens and spend are kept current by the runners as items finish (docs/decisions/0013-llm-jobs.md).
 */
export const llmRuns = pgTable(
  "llm_runs",
  {
    id: uuid().primaryKey().defaultRandom(),
    projectId: uuid()
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    kind: llmRunKind().notNull(),
    // why: RESTRICT, so a provider that did work cannot vanish from under its record (ADR 0011).
    providerId: uuid()
      .notNull()
      .references(() => llmProviders.id, { onDelete: "restrict" }),
    model: text().notNull(),
    // why: NO ACTION, not RESTRICT: deleting a project removes its prompt versions and runs in one statement.
    promptVersionId: uuid()
      .notNull()
      .references(() => promptVersions.id),
    filter: jsonb().$type<LlmRunFilter>().notNull(),
    params: jsonb().$type<LlmRunParams>().notNull(),
    /** Spend at which the run stops (failed, "budget reached"); null: no cap. */
    budgetUsd: doublePrecision(),
    state: llmRunState().notNull().default("queued"),
    /** Why the run failed or stopped. */
    message: text(),
    total: integer().notNull().default(0),
    done: integer().notNull().default(0),
    failed: integer().notNull().default(0),
    tokensIn: bigint({ mode: "number" }).notNull().default(0),
    tokensOut: bigint({ mode: "number" }).notNull().default(0),
    costUsd: doublePrecision().notNull().default(0),
    /** Calls whose cost could not be estimated (a model without prices): the spend shown is a floor. */
    costUnknownCalls: integer().notNull().default(0),
    createdBy: uuid().references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    startedAt: timestamp({ withTimezone: true }),
    finishedAt: timestamp({ withTimezone: true }),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("llm_runs_project_created_idx").on(t.projectId, t.createdAt),
    check("llm_runs_budget_positive", sql`${t.budgetUsd} is null or ${t.budgetUsd} > 0`),
  ],
);

/**
 * One item of a run. `running` items carry the advisory-lock key of the runner that claimed them:
 * while that runner's connection holds the lock the claim is live; once it is gone (the process
 * died) the item is claimed again. A done item is never asked again.
 */
export const llmRunItems = pgTable(
  "llm_run_items",
  {
    runId: uuid()
      .notNull()
      .references(() => llmRuns.id, { onDelete: "cascade" }),
    itemId: bigint({ mode: "number" })
      .notNull()
      .references(() => items.id, { onDelete: "cascade" }),
    state: llmRunItemState().notNull().default("pending"),
    claimedBy: bigint({ mode: "number" }),
    attempts: integer().notNull().default(0),
    /** The provider's message (secrets redacted), or why the answer was refused. */
    error: text(),
    latencyMs: integer(),
    tokensIn: integer(),
    tokensOut: integer(),
    costUsd: doublePrecision(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.runId, t.itemId] }),
    // why: the claim walks only the items left to do, however many are finished.
    index("llm_run_items_open_idx").on(t.runId, t.itemId).where(sql`${t.state} in ('pending', 'running')`),
    index("llm_run_items_failed_idx").on(t.runId, t.itemId).where(sql`${t.state} = 'failed'`),
  ],
);

/**
 * The ledger of generated outputs: one row per (item, model, prompt version), written in the same
 * transaction that appends the output to `items.outputs`. Its unique index is what keeps a resumed
 * run, a retry or a second app copy from storing an item's answer twice.
 */
export const llmOutputs = pgTable(
  "llm_outputs",
  {
    id: bigint({ mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    itemId: bigint({ mode: "number" })
      .notNull()
      .references(() => items.id, { onDelete: "cascade" }),
    model: text().notNull(),
    promptVersionId: uuid()
      .notNull()
      .references(() => promptVersions.id),
    runId: uuid().references(() => llmRuns.id, { onDelete: "set null" }),
    providerId: uuid()
      .notNull()
      .references(() => llmProviders.id, { onDelete: "restrict" }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("llm_outputs_item_model_prompt_key").on(t.itemId, t.model, t.promptVersionId)],
);
