import { and, eq, sql, type SQL } from "drizzle-orm";
import { llmProviders, llmRuns, promptVersions, type LlmRunFilter } from "~db/schema";
import type { Db } from "~/db.server";
import type { Actor } from "~/modules/auth/actor";
import { recordAudit } from "~/modules/audit/record-audit.server";
import { authorizeProject } from "~/modules/projects/authorize.server";
import { ConflictError, ValidationError } from "~/utils/errors";
import { parseOrThrow } from "~/utils/validation";
import { newLlmRunSchema, type NewLlmRun } from "./schemas";

export type CreatedLlmRun = { id: string; kind: "generate" | "judge"; state: "queued"; total: number };

/**
 * Records a generation or judge run of one model on one prompt version over the items the filter
 * chooses (frozen now: items added later are not in it), for a background job to work through.
 * Managers and engineers only; the provider must be enabled and offer the model, and the prompt
 * version must be the project's and made for this kind of run.
 */
export async function createLlmRun(db: Db, actor: Actor, projectId: string, input: NewLlmRun): Promise<CreatedLlmRun> {
  const access = await authorizeProject(db, actor, projectId, "llm.run");
  if (access.archived) throw new ConflictError("The project is archived.");
  const data = parseOrThrow(newLlmRunSchema, input);
  const [provider] = await db.select({ enabled: llmProviders.enabled, models: llmProviders.models, name: llmProviders.name }).from(llmProviders).where(eq(llmProviders.id, data.providerId));
  if (!provider || !provider.enabled) throw new ValidationError("providerId: No enabled provider has this id.", [{ field: "providerId", message: "No enabled provider has this id." }]);
  if (!provider.models.some((m) => m.id === data.model)) {
    const message = `${provider.name} offers ${provider.models.map((m) => m.id).join(", ") || "no models"}, not ${data.model}.`;
    throw new ValidationError(`model: ${message}`, [{ field: "model", message }]);
  }
  const [prompt] = await db
    .select({ purpose: promptVersions.purpose })
    .from(promptVersions)
    .where(and(eq(promptVersions.id, data.promptVersionId), eq(promptVersions.projectId, projectId)));
  if (!prompt) throw new ValidationError("promptVersionId: The project has no such prompt version.", [{ field: "promptVersionId", message: "The project has no such prompt version." }]);
  if (prompt.purpose !== data.kind) {
    const message = `This prompt version is for ${prompt.purpose === "judge" ? "judging" : "generation"}; a ${data.kind} run needs one made for ${data.kind === "judge" ? "judging" : "generation"}.`;
    throw new ValidationError(`promptVersionId: ${message}`, [{ field: "promptVersionId", message }]);
  }

  return db.transaction(async (tx) => {
    const [run] = await tx
      .insert(llmRuns)
      .values({
        projectId,
        kind: data.kind,
        providerId: data.providerId,
        model: data.model,
        promptVersionId: data.promptVersionId,
        filter: data.filter as LlmRunFilter,
        params: { timeoutMs: Math.round(data.timeoutSeconds * 1000), maxAttempts: data.maxAttempts },
        budgetUsd: data.budgetUsd ?? null,
        createdBy: actor.userId,
      })
      .returning({ id: llmRuns.id });
    const inserted = await tx.execute(sql`
      insert into llm_run_items (run_id, item_id)
      select ${run!.id}, i.id from items i where i.project_id = ${projectId} and ${filterSql(data.filter as LlmRunFilter)}`);
    const total = inserted.count;
    if (total === 0) throw new ValidationError("filter: No item of the project matches the filter.", [{ field: "filter", message: "No item of the project matches the filter." }]);
    await tx.update(llmRuns).set({ total }).where(eq(llmRuns.id, run!.id));
    await recordAudit(tx, { actorUserId: actor.userId, action: "llm_run.create", targetType: "llm_run", targetId: run!.id, data: { projectId, kind: data.kind, model: data.model, total } });
    return { id: run!.id, kind: data.kind, state: "queued" as const, total };
  });
}

function filterSql(filter: LlmRunFilter): SQL {
  switch (filter.type) {
    case "all":
      return sql`true`;
    case "unreviewed":
      return sql`not exists (select 1 from annotations a where a.item_id = i.id and a.status = 'submitted')`;
    case "ids":
      return sql`i.id = any(${sql.param(filter.ids)}::bigint[])`;
    case "metadata":
      return sql`i.metadata #>> ${sql.param(filter.field.split("."))}::text[] = ${filter.value}`;
  }
}
