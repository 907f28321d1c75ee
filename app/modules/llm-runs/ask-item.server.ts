import type OpenAI from "openai";
import type { ChatCompletion, ChatCompletionCreateParamsNonStreaming, ChatCompletionMessageParam } from "openai/resources/chat/completions";
import type { ProviderModel } from "~db/schema";
import { buildJudgeRequest } from "~/modules/judge/build-request";
import { answerConfidence } from "~/modules/judge/confidence";
import { readJudgeAnswer } from "~/modules/judge/read-answer";
import type { ChatMessage, StoredInput } from "~/modules/items/schemas";
import { MAX_OUTPUTS } from "~/modules/items/schemas";
import { estimateCostUsd } from "~/modules/llm/cost";
import type { ProviderSecrets } from "~/modules/llm/provider-secrets.server";
import { RenderError, renderPrompt, type PromptItem } from "~/modules/prompts/render";
import type { SavedPromptVersion } from "~/modules/prompts/save-prompt-version.server";
import type { Question } from "~/modules/templates/schemas";
import { callWithRetries, type RetryPolicy } from "./call-provider.server";

/** What every item of a run is asked with. */
export type RunContext = {
  runId: string;
  kind: "generate" | "judge";
  providerId: string;
  model: string;
  price: Pick<ProviderModel, "inputPricePerMillion" | "outputPricePerMillion"> | undefined;
  prompt: SavedPromptVersion;
  /** The judge's questions, in the prompt version's order (empty for generation). */
  questions: Question[];
  client: OpenAI;
  secrets: ProviderSecrets;
  policy: RetryPolicy;
};

/** A claimed item as the claim read it. */
export type ClaimedItem = {
  id: number;
  input: StoredInput;
  outputs: { text: string; model?: string }[];
  reference: string | null;
  metadata: Record<string, unknown>;
  reviewed: boolean;
  /** Generation: this model and prompt version's output is already stored. */
  hasOutput: boolean;
  /** Judge: how many of the questions this model and prompt version already answered. */
  answered: number;
};

export type JudgeSuggestion = { questionKey: string; value: unknown; confidence: number | null };

/** How an item ended, and (for an answer to keep) what to write in the transaction that records it. */
export type ItemResult = {
  state: "done" | "failed";
  error: string | null;
  attempts: number;
  latencyMs: number | null;
  tokensIn: number | null;
  tokensOut: number | null;
  costUsd: number | null;
  /** Whether a call was made whose cost could not be estimated. */
  costUnknown: boolean;
  /** Generation: the output to append to the item. */
  output?: Record<string, unknown>;
  /** Judge: the valid answers to store as suggestions, with the reply's rationale. */
  answers?: JudgeSuggestion[];
  rationale?: string | null;
};

const skipped = (state: "done" | "failed", error: string | null = null): ItemResult => ({ state, error, attempts: 0, latencyMs: null, tokensIn: null, tokensOut: null, costUsd: null, costUnknown: false });

/**
 * Asks the provider about one item (generation: the prompt's answer; judge: the questions) and
 * says how it went. Nothing is asked when the answer is already stored, or when it could not be
 * kept (an item already reviewed or full, for generation), so nothing is paid twice. Rejects only
 * when the signal aborts.
 */
export async function askItem(ctx: RunContext, item: ClaimedItem, signal: AbortSignal): Promise<ItemResult> {
  if (ctx.kind === "generate") {
    if (item.hasOutput) return skipped("done");
    if (item.reviewed) return skipped("failed", "The item already has submitted annotations, so no output is added to it.");
    if (item.outputs.length >= MAX_OUTPUTS) return skipped("failed", `The item already has ${MAX_OUTPUTS} outputs, the most an item holds.`);
  } else if (item.answered >= ctx.questions.length) return skipped("done");

  const promptItem: PromptItem = { input: item.input, outputs: item.outputs, reference: item.reference, metadata: item.metadata };
  let messages;
  let judge: ReturnType<typeof buildJudgeRequest> | undefined;
  try {
    if (ctx.kind === "judge") {
      judge = buildJudgeRequest(ctx.prompt, ctx.questions, promptItem);
      messages = judge.messages;
    } else messages = renderPrompt(ctx.prompt, promptItem);
  } catch (error) {
    if (error instanceof RenderError) return skipped("failed", error.message);
    throw error;
  }
  const { temperature, maxTokens, seed, topP } = ctx.prompt.params;
  const body: ChatCompletionCreateParamsNonStreaming = {
    model: ctx.model,
    messages: toApiMessages(messages),
    ...(temperature !== undefined ? { temperature } : {}),
    ...(maxTokens !== undefined ? { max_tokens: maxTokens } : {}),
    ...(seed !== undefined ? { seed } : {}),
    ...(topP !== undefined ? { top_p: topP } : {}),
    ...(judge ? { response_format: { type: "json_schema", json_schema: { name: "judge_answer", schema: judge.schema as Record<string, unknown>, strict: true } }, logprobs: true } : {}),
  };
  const call = await callWithRetries(ctx.client, body, ctx.policy, ctx.secrets, signal);
  if (!call.ok) return { ...skipped("failed", call.error), attempts: call.attempts };

  const { completion } = call;
  const tokensIn = completion.usage?.prompt_tokens ?? null;
  const tokensOut = completion.usage?.completion_tokens ?? null;
  const costUsd = ctx.price ? estimateCostUsd(ctx.price, completion.usage) : null;
  const paid: ItemResult = { state: "done", error: null, attempts: call.attempts, latencyMs: call.latencyMs, tokensIn, tokensOut, costUsd, costUnknown: costUsd === null };
  const content = completion.choices[0]?.message.content;
  if (typeof content !== "string" || content === "") return { ...paid, state: "failed", error: `The provider's answer has no text (finish reason: ${completion.choices[0]?.finish_reason ?? "none"}).` };

  if (!judge) {
    const output = {
      text: content,
      model: ctx.model,
      promptVersion: { id: ctx.prompt.id, name: ctx.prompt.name, version: ctx.prompt.version },
      params: ctx.prompt.params,
      latencyMs: call.latencyMs,
      tokens: { input: tokensIn, output: tokensOut },
      costUsd,
      runId: ctx.runId,
    };
    return { ...paid, output };
  }

  const read = readJudgeAnswer(ctx.questions, content, { outputs: item.outputs, shown: judge.shown });
  if ("error" in read) return { ...paid, state: "failed", error: read.error };
  const confidence = confidenceOf(completion, ctx.questions);
  const answers: JudgeSuggestion[] = [];
  const problems: string[] = [];
  for (const q of ctx.questions) {
    const answer = read.answers[q.key]!;
    if ("error" in answer) problems.push(`${q.key}: ${answer.error}`);
    else answers.push({ questionKey: q.key, value: answer.value, confidence: confidence[q.key] ?? null });
  }
  const result: ItemResult = problems.length ? { ...paid, state: "failed", error: `Invalid answer — ${problems.join("; ")}` } : paid;
  return { ...result, answers, rationale: read.rationale };
}

function confidenceOf(completion: ChatCompletion, questions: Question[]): Record<string, number | null> {
  const tokens = completion.choices[0]?.logprobs?.content;
  if (!tokens?.length) return {};
  return answerConfidence(
    tokens.map((t) => ({ token: t.token, logprob: t.logprob })),
    questions.map((q) => q.key),
  );
}

/**
 * An item's chat as the API takes it. Loupe keeps no tool-call ids, without which the API refuses a
 * `tool` message, so a tool's result is sent as a user message that says what it is.
 */
function toApiMessages(messages: ChatMessage[]): ChatCompletionMessageParam[] {
  return messages.map((m): ChatCompletionMessageParam =>
    m.role === "tool" ? { role: "user", content: `Tool result:\n${m.content}` } : ({ role: m.role, content: m.content, ...(m.name ? { name: m.name } : {}) } as ChatCompletionMessageParam),
  );
}
