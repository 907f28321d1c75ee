import { asc, eq, sql } from "drizzle-orm";
import { llmProviders } from "~db/schema";
import type { Db } from "~/db.server";
import type { Actor } from "~/modules/auth/actor";
import { ForbiddenError, NotFoundError } from "~/utils/errors";
import type { LlmProvider } from "./provider-secrets.server";
import type { ProviderView } from "./schemas";

/** Providers are the instance's: only its admins (or the operator at the CLI, a null actor) manage them. */
export function assertProviderAdmin(actor: Actor | null): void {
  if (actor && !actor.isAdmin) throw new ForbiddenError("Only instance admins can manage LLM providers.");
}

/** A provider row as pages and the API may show it: no key, no header values. */
export function toProviderView(row: LlmProvider): ProviderView {
  return {
    id: row.id,
    name: row.name,
    baseUrl: row.baseUrl,
    keySource: row.apiKeySealed ? "stored" : row.apiKeyEnv ? "env" : "none",
    apiKeyEnv: row.apiKeyEnv,
    models: row.models,
    headerNames: row.headers.map((h) => h.name),
    maxConcurrency: row.maxConcurrency,
    enabled: row.enabled,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export async function listProviders(db: Db, actor: Actor | null): Promise<ProviderView[]> {
  assertProviderAdmin(actor);
  const rows = await db.select().from(llmProviders).orderBy(asc(sql`lower(${llmProviders.name})`));
  return rows.map(toProviderView);
}

export async function getProvider(db: Db, actor: Actor | null, providerId: string): Promise<ProviderView> {
  assertProviderAdmin(actor);
  return toProviderView(await providerRow(db, providerId));
}

/** A provider by name (case-insensitive), for the CLI. */
export async function findProviderByName(db: Db, actor: Actor | null, name: string): Promise<ProviderView> {
  assertProviderAdmin(actor);
  const [row] = await db.select().from(llmProviders).where(sql`lower(${llmProviders.name}) = lower(${name})`);
  if (!row) throw new NotFoundError(`No LLM provider is named "${name}".`);
  return toProviderView(row);
}

/**
 * The whole row, secrets sealed, for server-side use (building a client for a job or a connection
 * test). Never hand it to a page or an API answer: use `toProviderView`.
 */
export async function providerRow(db: Db, providerId: string): Promise<LlmProvider> {
  const [row] = await db.select().from(llmProviders).where(eq(llmProviders.id, providerId));
  if (!row) throw new NotFoundError("No such LLM provider.");
  return row;
}

export type ProviderChoice = { id: string; name: string; models: ProviderView["models"] };

/** Enabled providers and their models, for anyone choosing a model (managers and engineers set up jobs). */
export async function listProviderChoices(db: Db): Promise<ProviderChoice[]> {
  return db
    .select({ id: llmProviders.id, name: llmProviders.name, models: llmProviders.models })
    .from(llmProviders)
    .where(eq(llmProviders.enabled, true))
    .orderBy(asc(sql`lower(${llmProviders.name})`));
}
