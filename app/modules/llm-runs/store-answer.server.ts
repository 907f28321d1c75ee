import { sqlOf, type Database, type Transaction } from "~/db.server";
import { MAX_OUTPUTS } from "~/modules/items/schemas";
import type { ItemResult, RunContext } from "./ask-item.server";

export type Finished = { itemId: number; result: ItemResult };
export type RunTally = { state: string; done: number; failed: number; total: number; costUsd: number; budgetUsd: number | null };
type Ctx = Pick<RunContext, "runId" | "providerId" | "model" | "prompt">;

/**
 * Records a batch of finished items in one transaction: their answers (outputs appended, or
 * suggestions), each item's row, and the run's counts, tokens and spend. Only the runner holding
 * an item's claim counts it. Returns the run's tally. One transaction per batch rather than per
 * item: the run's row is the one row every answer updates.
 */
export async function finishItems(db: Database, ctx: Ctx, runnerKey: string, batch: Finished[]): Promise<RunTally> {
  return db.transaction(async (tx) => {
    const refusals = await storeOutputs(tx, ctx, batch.filter((f) => f.result.output));
    await storeJudgeAnswers(tx, ctx, batch.filter((f) => f.result.answers?.length));
    const rows = batch.map(({ itemId, result: r }) => {
      const refusal = refusals.get(itemId);
      return {
        item_id: itemId,
        state: refusal ? "failed" : r.state,
        error: refusal ?? r.error,
        attempts: r.attempts,
        latency_ms: r.latencyMs,
        tokens_in: r.tokensIn,
        tokens_out: r.tokensOut,
        cost_usd: r.costUsd,
      };
    });
    const sql = sqlOf(tx);
    const counted = await sql<{ state: string }[]>`
      update llm_run_items ri set state = u.state, error = u.error, attempts = ri.attempts + u.attempts, claimed_by = null,
        latency_ms = u.latency_ms, tokens_in = u.tokens_in, tokens_out = u.tokens_out, cost_usd = u.cost_usd, updated_at = now()
      from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
        as u(item_id bigint, state llm_run_item_state, error text, attempts int, latency_ms int, tokens_in int, tokens_out int, cost_usd float8)
      where ri.run_id = ${ctx.runId} and ri.item_id = u.item_id and ri.state = 'running' and ri.claimed_by = ${runnerKey}::int8
      returning u.state::text as state`;
    const sum = (pick: (r: ItemResult) => number | null | boolean) => batch.reduce((total, f) => total + Number(pick(f.result) ?? 0), 0);
    const [tally] = await sql<RunTally[]>`
      update llm_runs set
        done = done + ${counted.filter((c) => c.state === "done").length}, failed = failed + ${counted.filter((c) => c.state === "failed").length},
        tokens_in = tokens_in + ${sum((r) => r.tokensIn)}, tokens_out = tokens_out + ${sum((r) => r.tokensOut)},
        cost_usd = cost_usd + ${sum((r) => r.costUsd)}, cost_unknown_calls = cost_unknown_calls + ${sum((r) => r.costUnknown)}, updated_at = now()
      where id = ${ctx.runId}
      returning state, done, failed, total, cost_usd as "costUsd", budget_usd as "budgetUsd"`;
    return tally!;
  });
}

/**
 * Appends generated outputs to their items, each once: under the items' row locks (taken in id
 * order; the lock every review submit also takes, so an item reviewed meanwhile is refused rather
 * than changed under its answers) a ledger row — unique per item, model and prompt version — is
 * inserted, and the output appended only where that insert took. An output already stored (by
 * another copy's runner, or an earlier run) leaves the item as it is and counts as done. Returns
 * why each refused item was refused.
 */
async function storeOutputs(tx: Transaction, ctx: Ctx, entries: Finished[]): Promise<Map<number, string>> {
  const refusals = new Map<number, string>();
  if (!entries.length) return refusals;
  const sql = sqlOf(tx);
  const ids = entries.map((e) => e.itemId).sort((a, b) => a - b);
  const items = await sql<{ id: string; n: number; reviewed: boolean }[]>`
    select i.id, jsonb_array_length(i.outputs)::int as n,
      exists (select 1 from annotations a where a.item_id = i.id and a.status = 'submitted') as reviewed
    from items i where i.id = any(${ids}::bigint[]) order by i.id for no key update`;
  const stored = new Set(
    (await sql<{ item_id: string }[]>`
      select item_id from llm_outputs where item_id = any(${ids}::bigint[]) and model = ${ctx.model} and prompt_version_id = ${ctx.prompt.id}`).map((r) => Number(r.item_id)),
  );
  const byId = new Map(items.map((i) => [Number(i.id), i]));
  const toAdd: Finished[] = [];
  for (const entry of entries) {
    const item = byId.get(entry.itemId);
    if (stored.has(entry.itemId)) continue;
    if (!item) refusals.set(entry.itemId, "The item was deleted.");
    else if (item.reviewed) refusals.set(entry.itemId, "The item was reviewed while its output was being written, so the output was not added.");
    else if (item.n >= MAX_OUTPUTS) refusals.set(entry.itemId, `The item already has ${MAX_OUTPUTS} outputs, the most an item holds.`);
    else toAdd.push(entry);
  }
  if (!toAdd.length) return refusals;
  const added = await sql<{ item_id: string }[]>`
    insert into llm_outputs (item_id, model, prompt_version_id, run_id, provider_id)
    select unnest(${toAdd.map((e) => e.itemId)}::bigint[]), ${ctx.model}, ${ctx.prompt.id}, ${ctx.runId}, ${ctx.providerId}
    on conflict (item_id, model, prompt_version_id) do nothing returning item_id`;
  const took = new Set(added.map((r) => Number(r.item_id)));
  const outputs = toAdd.filter((e) => took.has(e.itemId)).map((e) => ({ id: e.itemId, o: e.result.output }));
  await sql`
    update items i set outputs = i.outputs || jsonb_build_array(u.o)
    from jsonb_to_recordset(${JSON.stringify(outputs)}::jsonb) as u(id bigint, o jsonb)
    where i.id = u.id`;
  return refusals;
}

/** Stores judges' valid answers as suggestions, one per (item, question, prompt version, model): a repeat is a no-op. */
async function storeJudgeAnswers(tx: Transaction, ctx: Ctx, entries: Finished[]): Promise<void> {
  if (!entries.length) return;
  const rows = entries.flatMap((e) => e.result.answers!.map((a) => ({ item_id: e.itemId, key: a.questionKey, value: a.value, confidence: a.confidence, rationale: e.result.rationale ?? null })));
  await sqlOf(tx)`
    insert into suggestions (item_id, question_key, value, confidence, source, origin, model, prompt_version_id, run_id, rationale)
    select a.item_id, a.key, a.value, a.confidence, ${ctx.model}, 'llm', ${ctx.model}, ${ctx.prompt.id}, ${ctx.runId}, a.rationale
    from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as a(item_id bigint, key text, value jsonb, confidence real, rationale text)
    order by a.item_id
    on conflict (item_id, question_key, prompt_version_id, model) where origin = 'llm' do nothing`;
}
