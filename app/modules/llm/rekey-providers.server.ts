import { eq } from "drizzle-orm";
import { llmProviders } from "~db/schema";
import type { Db } from "~/db.server";
import type { Actor } from "~/modules/auth/actor";
import { recordAudit } from "~/modules/audit/record-audit.server";
import { SecretUnavailableError, keyring, resealSecret } from "~/modules/secrets/sealed-secret.server";
import { apiKeyContext, headerContext } from "./provider-secrets.server";
import { assertProviderAdmin } from "./queries.server";

export type RekeyResult = {
  /** Providers whose key or header values were re-encrypted under the current key. */
  resealed: string[];
  /** Providers already entirely under the current key. */
  current: string[];
  /** Providers with a value no key in the keyring opens (say which, so their keys can be entered again). */
  unavailable: { name: string; reason: string }[];
};

/**
 * Re-encrypts every provider secret under the current server secret (the last step of a rotation:
 * with the old secret in LOUPE_PREVIOUS_SECRET). Each provider is its own transaction, so one that
 * cannot be opened does not hold the others back.
 */
export async function rekeyProviders(db: Db, actor: Actor | null): Promise<RekeyResult> {
  assertProviderAdmin(actor);
  const ring = keyring();
  const result: RekeyResult = { resealed: [], current: [], unavailable: [] };
  const ids = await db.select({ id: llmProviders.id }).from(llmProviders).orderBy(llmProviders.name);
  for (const { id } of ids) {
    await db.transaction(async (tx) => {
      const [row] = await tx.select().from(llmProviders).where(eq(llmProviders.id, id)).for("update");
      if (!row) return;
      try {
        const apiKeySealed = row.apiKeySealed ? resealSecret(row.apiKeySealed, apiKeyContext(id), ring) : null;
        const headers = row.headers.map((h) => ({ name: h.name, sealedValue: resealSecret(h.sealedValue, headerContext(id, h.name), ring) }));
        const changed = apiKeySealed !== row.apiKeySealed || headers.some((h, i) => h.sealedValue !== row.headers[i]!.sealedValue);
        if (!changed) return void result.current.push(row.name);
        await tx.update(llmProviders).set({ apiKeySealed, headers }).where(eq(llmProviders.id, id));
        await recordAudit(tx, {
          actorUserId: actor?.userId ?? null,
          action: "llm_provider.rekey",
          targetType: "llm_provider",
          targetId: id,
          data: { name: row.name, keyId: ring.current.id },
        });
        result.resealed.push(row.name);
      } catch (error) {
        if (!(error instanceof SecretUnavailableError)) throw error;
        result.unavailable.push({ name: row.name, reason: error.message });
      }
    });
  }
  return result;
}
