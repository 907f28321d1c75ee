import { eq } from "drizzle-orm";
import { llmProviders } from "~db/schema";
import type { Db } from "~/db.server";
import type { Actor } from "~/modules/auth/actor";
import { recordAudit } from "~/modules/audit/record-audit.server";
import { ConflictError, NotFoundError } from "~/utils/errors";
import { constraintViolation } from "./provider-columns.server";
import { assertProviderAdmin } from "./queries.server";

/**
 * Deletes a provider (instance admins). Refused while anything refers to it: a table that records
 * what a provider did (LLM jobs, generated outputs, suggestions) references `llm_providers` with
 * `ON DELETE RESTRICT`, and the violation becomes a ConflictError that says to disable it instead.
 */
export async function deleteProvider(db: Db, actor: Actor | null, providerId: string): Promise<void> {
  assertProviderAdmin(actor);
  try {
    await db.transaction(async (tx) => {
      const [row] = await tx.delete(llmProviders).where(eq(llmProviders.id, providerId)).returning({ name: llmProviders.name });
      if (!row) throw new NotFoundError("No such LLM provider.");
      await recordAudit(tx, {
        actorUserId: actor?.userId ?? null,
        action: "llm_provider.delete",
        targetType: "llm_provider",
        targetId: providerId,
        data: { name: row.name },
      });
    });
  } catch (error) {
    const violation = constraintViolation(error);
    if (violation?.code === "23503") {
      const user = /referenced from table "([^"]+)"/.exec(violation.detail)?.[1] ?? violation.table;
      throw new ConflictError(`This provider is still in use (by ${user.replaceAll("_", " ")}), so it cannot be deleted. Disable it instead to keep its history.`);
    }
    throw error;
  }
}
