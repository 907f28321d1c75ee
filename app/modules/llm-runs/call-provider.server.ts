import type OpenAI from "openai";
import type { ChatCompletion, ChatCompletionCreateParamsNonStreaming } from "openai/resources/chat/completions";
import { describeProviderError } from "~/modules/llm/client.server";
import type { ProviderSecrets } from "~/modules/llm/provider-secrets.server";

export type RetryPolicy = {
  maxAttempts: number;
  timeoutMs: number;
  /** First back-off when the provider did not say how long to wait; doubles per try, up to 8 s, with jitter. */
  backoffBaseMs: number;
  /** The longest wait honoured, Retry-After included. */
  maxWaitMs: number;
};

export type CallResult =
  | { ok: true; completion: ChatCompletion; latencyMs: number; attempts: number }
  | { ok: false; error: string; attempts: number };

/**
 * One chat completion with Loupe's retries: 408/409/429/5xx, timeouts and dropped connections are
 * tried again up to `maxAttempts` times, waiting what the provider's `Retry-After` (or
 * `retry-after-ms`) asks, else an exponential back-off. The wait ends early when the signal aborts
 * (a cancel or a shutdown), which then rejects. A final failure is the provider's own message,
 * secrets redacted. `latencyMs` is the successful try's.
 */
export async function callWithRetries(client: OpenAI, body: ChatCompletionCreateParamsNonStreaming, policy: RetryPolicy, secrets: ProviderSecrets, signal: AbortSignal): Promise<CallResult> {
  for (let attempt = 1; ; attempt++) {
    signal.throwIfAborted();
    const started = performance.now();
    try {
      const completion = await client.chat.completions.create(body, { signal, timeout: policy.timeoutMs, maxRetries: 0 });
      return { ok: true, completion, latencyMs: Math.round(performance.now() - started), attempts: attempt };
    } catch (error) {
      signal.throwIfAborted();
      const info = describeProviderError(error, secrets);
      const message = info.status === null ? info.message : `${info.status}: ${info.message}`;
      if (!info.retryable || attempt >= policy.maxAttempts) {
        return { ok: false, error: attempt > 1 ? `${message} (after ${attempt} tries)` : message, attempts: attempt };
      }
      const backoff = Math.min(policy.backoffBaseMs * 2 ** (attempt - 1), 8000) * (1 - Math.random() * 0.25);
      await wait(Math.min(info.retryAfterMs ?? backoff, policy.maxWaitMs), signal);
    }
  }
}

function wait(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener("abort", onAbort, { once: true });
  });
}
