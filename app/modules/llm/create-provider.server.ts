import { randomUUID } from "node:crypto";
import { llmProviders } from "~db/schema";
import type { Db } from "~/db.server";
import type { Actor } from "~/modules/auth/actor";
import { recordAudit } from "~/modules/audit/record-audit.server";
import { ConflictError } from "~/utils/errors";
import { headerColumns, keyColumns, parseProviderInput } from "./provider-columns.server";
import { assertProviderAdmin, toProviderView } from "./queries.server";
import { providerInputSchema, type ProviderInput, type ProviderView } from "./schemas";

/**
 * Adds an LLM provider (instance admins; a null actor is the operator at the CLI). The key and
 * header values are sealed before they are stored and are never returned; the audit entry names
 * what changed, never a secret.
 */
export async function createProvider(db: Db, actor: Actor | null, input: ProviderInput): Promise<ProviderView> {
  assertProviderAdmin(actor);
  const data = parseProviderInput(providerInputSchema, input);
  // why: the id is chosen here because the secrets are sealed for this row before it is inserted.
  const id = randomUUID();
  const key = keyColumns(id, data.apiKey);
  const headers = headerColumns(id, data.headers);
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(llmProviders)
      .values({
        id,
        name: data.name,
        baseUrl: data.baseUrl,
        ...key,
        models: data.models,
        headers,
        maxConcurrency: data.maxConcurrency,
        enabled: data.enabled,
        createdBy: actor?.userId ?? null,
        updatedBy: actor?.userId ?? null,
      })
      .onConflictDoNothing()
      .returning();
    if (!row) throw new ConflictError(`An LLM provider named "${data.name}" already exists.`);
    const view = toProviderView(row);
    await recordAudit(tx, {
      actorUserId: actor?.userId ?? null,
      action: "llm_provider.create",
      targetType: "llm_provider",
      targetId: row.id,
      data: { name: view.name, baseUrl: view.baseUrl, keySource: view.keySource, apiKeyEnv: view.apiKeyEnv, headerNames: view.headerNames, models: view.models.map((m) => m.id) },
    });
    return view;
  });
}
