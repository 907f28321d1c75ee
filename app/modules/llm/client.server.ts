import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError } from "openai";
import { blockedCause, guardedFetch } from "~/modules/net/guarded-fetch.server";
import { env } from "~/utils/env.server";
import { DomainError } from "~/utils/errors";
import { providerSecrets, redactSecrets, type LlmProvider, type ProviderSecrets } from "./provider-secrets.server";

export type ClientOptions = {
  /** Per-request timeout (default 60 s). */
  timeoutMs?: number;
  /** Defaults to LOUPE_LLM_ALLOW_PRIVATE. */
  allowPrivate?: boolean;
  /** The largest answer read (default 64 MiB). */
  maxResponseBytes?: number;
};

export const DEFAULT_TIMEOUT_MS = 60_000;

/**
 * An `openai` client for a provider: its base URL, key and headers, the SSRF-guarded fetch, a
 * timeout, and no retries of its own (`maxRetries: 0`): the caller (the job runner) owns retries
 * and honours Retry-After through `retryAfterMs`. Everything the SDK would otherwise read from the
 * environment (OPENAI_API_KEY, OPENAI_BASE_URL, OPENAI_ORG_ID, OPENAI_LOG…) is set here, so the
 * operator's own OpenAI settings never reach an admin-configured provider, and the SDK logs nothing.
 */
export function openAiClientFor(provider: LlmProvider, options: ClientOptions = {}): OpenAI {
  const { apiKey, headers } = providerSecrets(provider);
  return new OpenAI({
    baseURL: provider.baseUrl,
    // why: the SDK refuses to start without some key; for a provider without one the placeholder is
    // never sent, because the Authorization header is removed below.
    apiKey: apiKey ?? "no-key",
    adminAPIKey: null,
    organization: null,
    project: null,
    webhookSecret: null,
    defaultHeaders: { ...headers, ...(apiKey === undefined ? { Authorization: null } : {}) },
    fetch: guardedFetch({ allowPrivate: options.allowPrivate ?? env().llmAllowPrivate, maxResponseBytes: options.maxResponseBytes }),
    timeout: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    maxRetries: 0,
    logLevel: "off",
  });
}

/**
 * How long the provider asked to wait before the next try, from a failed call's `retry-after-ms`
 * or `Retry-After` (seconds or an HTTP date); undefined when it did not say.
 */
export function retryAfterMs(error: unknown, now = Date.now()): number | undefined {
  if (!(error instanceof APIError) || !error.headers) return undefined;
  const ms = Number.parseFloat(error.headers.get("retry-after-ms") ?? "");
  if (Number.isFinite(ms) && ms >= 0) return ms;
  const header = error.headers.get("retry-after")?.trim();
  if (!header) return undefined;
  if (/^\d+(\.\d+)?$/.test(header)) return Number.parseFloat(header) * 1000;
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

export type ProviderErrorInfo = {
  /** The provider's HTTP status, or null when there was no answer (refused, unreachable, timed out). */
  status: number | null;
  /** What went wrong, in the provider's own words where it gave any, with secrets redacted. */
  message: string;
  /** Whether trying again later may help (timeouts, connection failures, 408/409/429/5xx). */
  retryable: boolean;
  retryAfterMs?: number;
};

/**
 * A failed provider call described for people and logs: status and the provider's message, never
 * the key (providers echo it in their errors). Pass the provider's secrets to redact them.
 */
export function describeProviderError(error: unknown, secrets?: ProviderSecrets): ProviderErrorInfo {
  const redact = (text: string) => redactSecrets(text, secrets);
  const blocked = blockedCause(error);
  if (blocked) return { status: null, message: redact(blocked.message), retryable: false };
  if (error instanceof APIConnectionTimeoutError) {
    return { status: null, message: "The provider did not answer in time.", retryable: true };
  }
  if (error instanceof APIConnectionError) {
    const cause = rootCause(error);
    const detail = cause && cause !== error ? `: ${(cause as { code?: string }).code ?? cause.message}` : "";
    return { status: null, message: redact(`Could not reach the provider${detail}.`), retryable: true };
  }
  if (error instanceof APIError && typeof error.status === "number") {
    const status = error.status;
    const text = error.message.replace(new RegExp(`^${status} `), "");
    return {
      status,
      message: redact(text),
      retryable: status === 408 || status === 409 || status === 429 || status >= 500,
      retryAfterMs: retryAfterMs(error),
    };
  }
  if (error instanceof DomainError) return { status: null, message: redact(error.message), retryable: false };
  if (error instanceof SyntaxError) return { status: null, message: redact(`The provider's answer is not valid JSON (${error.message}).`), retryable: true };
  return { status: null, message: redact(`The call failed: ${error instanceof Error ? error.message : String(error)}`), retryable: false };
}

function rootCause(error: Error): Error | undefined {
  let e: unknown = error;
  for (let depth = 0; depth < 5 && e instanceof Error && e.cause instanceof Error; depth++) e = e.cause;
  return e instanceof Error ? e : undefined;
}
