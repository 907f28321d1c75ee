import { eq } from "drizzle-orm";
import { llmProviders } from "~db/schema";
import type { Db } from "~/db.server";
import type { Actor } from "~/modules/auth/actor";
import { recordAudit } from "~/modules/audit/record-audit.server";
import { ConflictError, NotFoundError } from "~/utils/errors";
import { constraintViolation, headerColumns, keyColumns, parseProviderInput } from "./provider-columns.server";
import { assertProviderAdmin, toProviderView } from "./queries.server";
import { providerUpdateSchema, type ProviderUpdate, type ProviderView } from "./schemas";

/**
 * Changes a provider (instance admins). Fields left out stay; a stored key or a header given
 * without a value keeps what is stored (the form's "leave empty to keep"), so nobody has to retype
 * a secret to rename a provider. The audit entry lists the fields that changed, never a secret.
 */
export async function updateProvider(db: Db, actor: Actor | null, providerId: string, input: ProviderUpdate): Promise<ProviderView> {
  assertProviderAdmin(actor);
  const data = parseProviderInput(providerUpdateSchema, input);
  try {
    return await db.transaction(async (tx) => {
      const [existing] = await tx.select().from(llmProviders).where(eq(llmProviders.id, providerId)).for("update");
      if (!existing) throw new NotFoundError("No such LLM provider.");
      const key = data.apiKey ? keyColumns(providerId, data.apiKey, existing) : {};
      const headers = data.headers ? headerColumns(providerId, data.headers, existing.headers) : undefined;
      const [row] = await tx
        .update(llmProviders)
        .set({
          name: data.name,
          baseUrl: data.baseUrl,
          ...key,
          models: data.models,
          headers,
          maxConcurrency: data.maxConcurrency,
          enabled: data.enabled,
          updatedBy: actor?.userId ?? null,
          updatedAt: new Date(),
        })
        .where(eq(llmProviders.id, providerId))
        .returning();
      const before = toProviderView(existing);
      const after = toProviderView(row!);
      await recordAudit(tx, {
        actorUserId: actor?.userId ?? null,
        action: "llm_provider.update",
        targetType: "llm_provider",
        targetId: providerId,
        data: {
          changed: changedFields(before, after),
          keyReplaced: !!data.apiKey && existing.apiKeySealed !== row!.apiKeySealed && row!.apiKeySealed !== null,
          headerValuesReplaced: (data.headers ?? []).filter((h) => h.value).map((h) => h.name),
          name: after.name,
        },
      });
      return after;
    });
  } catch (error) {
    if (constraintViolation(error)?.constraint === "llm_providers_name_lower_key") {
      throw new ConflictError(`An LLM provider named "${data.name}" already exists.`);
    }
    throw error;
  }
}

const COMPARED = ["name", "baseUrl", "keySource", "apiKeyEnv", "models", "headerNames", "maxConcurrency", "enabled"] as const;

function changedFields(before: ProviderView, after: ProviderView): Record<string, { from: unknown; to: unknown }> {
  const out: Record<string, { from: unknown; to: unknown }> = {};
  for (const field of COMPARED) {
    if (JSON.stringify(before[field]) !== JSON.stringify(after[field])) out[field] = { from: before[field], to: after[field] };
  }
  return out;
}
