import { sqlOf, type Database, type Transaction } from "~/db.server";
import { MAX_OUTPUTS } from "~/modules/items/schemas";
import type { ItemResult, RunContext } from "./ask-item.server";

/**
 * Appends a generated output to its item, once: the ledger row (unique per item, model and prompt
 * version) is inserted first and the output appended only when that insert took, all under the
 * item's row lock — the lock every review submit also takes, so an item reviewed meanwhile is
 * refused rather than changed under its answers. Returns why it was refused, or null.
 */
export async function storeOutput(tx: Transaction, ctx: Pick<RunContext, "runId" | "providerId" | "model" | "prompt">, itemId: number, output: Record<string, unknown>): Promise<string | null> {
  const sql = sqlOf(tx);
  const [item] = await sql<{ n: number; reviewed: boolean }[]>`
    select jsonb_array_length(i.outputs)::int as n,
      exists (select 1 from annotations a where a.item_id = i.id and a.status = 'submitted') as reviewed
    from items i where i.id = ${itemId} for no key update`;
  if (!item) return "The item was deleted.";
  if (item.reviewed || item.n >= MAX_OUTPUTS) {
    const [stored] = await sql`select 1 from llm_outputs where item_id = ${itemId} and model = ${ctx.model} and prompt_version_id = ${ctx.prompt.id}`;
    if (stored) return null;
    return item.reviewed ? "The item was reviewed while its output was being written, so the output was not added." : `The item already has ${MAX_OUTPUTS} outputs, the most an item holds.`;
  }
  const [ledger] = await sql`
    insert into llm_outputs (item_id, model, prompt_version_id, run_id, provider_id)
    values (${itemId}, ${ctx.model}, ${ctx.prompt.id}, ${ctx.runId}, ${ctx.providerId})
    on conflict (item_id, model, prompt_version_id) do nothing returning id`;
  // why: stored already (another copy's runner, or a run before this one): done, nothing to add.
  if (!ledger) return null;
  await sql`update items set outputs = outputs || jsonb_build_array(${JSON.stringify(output)}::jsonb) where id = ${itemId}`;
  return null;
}

/** Stores a judge's valid answers as suggestions, one per (item, question, prompt version, model): a repeat is a no-op. */
export async function storeJudgeAnswers(
  tx: Transaction,
  ctx: Pick<RunContext, "runId" | "model" | "prompt">,
  itemId: number,
  answers: { questionKey: string; value: unknown; confidence: number | null }[],
  rationale: string | null,
): Promise<string | null> {
  if (!answers.length) return null;
  const sql = sqlOf(tx);
  await sql`
    insert into suggestions (item_id, question_key, value, confidence, source, origin, model, prompt_version_id, run_id, rationale)
    select ${itemId}, a.key, a.value, a.confidence, ${ctx.model}, 'llm', ${ctx.model}, ${ctx.prompt.id}, ${ctx.runId}, ${rationale}
    from jsonb_to_recordset(${JSON.stringify(answers.map((a) => ({ key: a.questionKey, value: a.value, confidence: a.confidence })))}::jsonb)
      as a(key text, value jsonb, confidence real)
    on conflict (item_id, question_key, prompt_version_id, model) where origin = 'llm' do nothing`;
  return null;
}

export type RunTally = { state: string; done: number; failed: number; total: number; costUsd: number; budgetUsd: number | null };

/**
 * Records how an item ended, in one transaction with its answer (if any) and the run's counts,
 * tokens and spend. Only the runner holding the item's claim records it. Returns the run's tally.
 */
export async function finishItem(db: Database, runId: string, runnerKey: string, itemId: number, result: ItemResult): Promise<RunTally> {
  return db.transaction(async (tx) => {
    let { state, error } = result;
    if (result.store) {
      const refusal = await result.store(tx);
      if (refusal) [state, error] = ["failed", refusal];
    }
    const sql = sqlOf(tx);
    const mine = await sql`
      update llm_run_items set state = ${state}, error = ${error}, attempts = attempts + ${result.attempts}, claimed_by = null,
        latency_ms = ${result.latencyMs}, tokens_in = ${result.tokensIn}, tokens_out = ${result.tokensOut}, cost_usd = ${result.costUsd}, updated_at = now()
      where run_id = ${runId} and item_id = ${itemId} and state = 'running' and claimed_by = ${runnerKey}::int8
      returning 1`;
    const counted = mine.length > 0;
    const [tally] = await sql<RunTally[]>`
      update llm_runs set
        done = done + ${counted && state === "done" ? 1 : 0}, failed = failed + ${counted && state === "failed" ? 1 : 0},
        tokens_in = tokens_in + ${result.tokensIn ?? 0}, tokens_out = tokens_out + ${result.tokensOut ?? 0},
        cost_usd = cost_usd + ${result.costUsd ?? 0}, cost_unknown_calls = cost_unknown_calls + ${result.costUnknown ? 1 : 0}, updated_at = now()
      where id = ${runId}
      returning state, done, failed, total, cost_usd as "costUsd", budget_usd as "budgetUsd"`;
    return tally!;
  });
}
