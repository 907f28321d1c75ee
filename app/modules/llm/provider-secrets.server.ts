import type { llmProviders } from "~db/schema";
import { openSecret, sealSecret } from "~/modules/secrets/sealed-secret.server";
import { providerKeyFromEnvironment } from "~/utils/env.server";
import { DomainError } from "~/utils/errors";

export type LlmProvider = typeof llmProviders.$inferSelect;

/** Where a provider's sealed API key and header values belong (the associated data they are sealed with). */
export const apiKeyContext = (providerId: string) => `llm_providers/${providerId}/api_key`;
export const headerContext = (providerId: string, name: string) => `llm_providers/${providerId}/headers/${name.toLowerCase()}`;

export const sealApiKey = (providerId: string, key: string) => sealSecret(key, apiKeyContext(providerId));
export const sealHeader = (providerId: string, name: string, value: string) => sealSecret(value, headerContext(providerId, name));

/** A provider whose settings cannot be used as they are (its key variable is unset on this server). */
export class ProviderConfigError extends DomainError {
  override readonly status = 409;
}

export type ProviderSecrets = {
  /** The API key, or undefined for a provider without one. */
  apiKey: string | undefined;
  headers: Record<string, string>;
};

/**
 * The provider's key and header values in plain text, for building its client and nothing else:
 * never return them from a route or put them in a message (see `redactSecrets`).
 */
export function providerSecrets(provider: LlmProvider): ProviderSecrets {
  let apiKey: string | undefined;
  if (provider.apiKeySealed) apiKey = openSecret(provider.apiKeySealed, apiKeyContext(provider.id));
  else if (provider.apiKeyEnv) {
    apiKey = providerKeyFromEnvironment(provider.apiKeyEnv);
    if (!apiKey) {
      throw new ProviderConfigError(
        `The environment variable ${provider.apiKeyEnv}, which holds the API key of "${provider.name}", is not set on this server.`,
      );
    }
  }
  const headers = Object.fromEntries(provider.headers.map((h) => [h.name, openSecret(h.sealedValue, headerContext(provider.id, h.name))]));
  return { apiKey, headers };
}

const REDACTED = "[redacted]";
const MAX_MESSAGE = 1000;

/**
 * The text with every secret replaced, cut to a readable length: for anything that came back from a
 * provider (which may echo the key it was sent) before it is shown, stored or logged.
 */
export function redactSecrets(text: string, secrets: ProviderSecrets | undefined): string {
  let out = text;
  const values = secrets ? [secrets.apiKey, ...Object.values(secrets.headers)] : [];
  // why: longest first, so a secret containing another is replaced whole.
  for (const value of values.filter((v): v is string => !!v && v.length >= 4).sort((a, b) => b.length - a.length)) {
    out = out.split(value).join(REDACTED);
  }
  return out.length > MAX_MESSAGE ? `${out.slice(0, MAX_MESSAGE)}…` : out;
}
