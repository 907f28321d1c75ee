import { sql } from "drizzle-orm";
import { boolean, check, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { users } from "./users";

/** A model a provider offers, with its price in US dollars per million tokens (null: unknown, no estimate). */
export type ProviderModel = { id: string; inputPricePerMillion: number | null; outputPricePerMillion: number | null };

/** An extra request header; its value is a secret, sealed like the API key. */
export type SealedHeader = { name: string; sealedValue: string };

/**
 * An OpenAI-compatible endpoint (OpenAI, Azure OpenAI, vLLM, Ollama, llama.cpp, LiteLLM…) that
 * instance admins configure and projects pick models from. The API key is write-only: sealed
 * (app/modules/secrets) or read from the environment variable `api_key_env` names, never both.
 */
export const llmProviders = pgTable(
  "llm_providers",
  {
    id: uuid().primaryKey().defaultRandom(),
    name: text().notNull(),
    baseUrl: text().notNull(),
    /** `v1.<key id>.<iv>.<ciphertext>.<tag>`, sealed for `llm_providers/<id>/api_key`. */
    apiKeySealed: text(),
    /** The environment variable holding the key instead (a `*_API_KEY` name). */
    apiKeyEnv: text(),
    models: jsonb().$type<ProviderModel[]>().notNull().default([]),
    headers: jsonb().$type<SealedHeader[]>().notNull().default([]),
    /** How many requests jobs may have in flight to this provider at once. */
    maxConcurrency: integer().notNull().default(4),
    enabled: boolean().notNull().default(true),
    createdBy: uuid().references(() => users.id, { onDelete: "set null" }),
    updatedBy: uuid().references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("llm_providers_name_lower_key").on(sql`lower(${t.name})`),
    check("llm_providers_one_key_source", sql`${t.apiKeySealed} is null or ${t.apiKeyEnv} is null`),
    check("llm_providers_max_concurrency", sql`${t.maxConcurrency} between 1 and 256`),
  ],
);
