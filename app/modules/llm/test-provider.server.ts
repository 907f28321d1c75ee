import { performance } from "node:perf_hooks";
import { APIError } from "openai";
import type { Db } from "~/db.server";
import type { Actor } from "~/modules/auth/actor";
import { describeProviderError, openAiClientFor, type ClientOptions, type ProviderErrorInfo } from "./client.server";
import { providerSecrets, type ProviderSecrets } from "./provider-secrets.server";
import { assertProviderAdmin, providerRow } from "./queries.server";

export type ConnectionTest = {
  ok: boolean;
  /** Time from the first byte sent to the answer, across the calls made. */
  latencyMs: number;
  /** `models`: the provider listed its models; `completion`: it has no model list, so one 1-token completion answered. */
  checkedWith: "models" | "completion";
  /** The models the provider lists (empty after a completion check). */
  models: string[];
  /** Configured models the provider's list does not contain. */
  missingModels: string[];
  /** Why it failed, in the provider's words (status + message), never the key. */
  error?: ProviderErrorInfo;
};

const TEST_TIMEOUT_MS = 15_000;
const MAX_LISTED = 500;

/**
 * Makes one tiny call to a provider (instance admins): its model list, or, where it has none
 * (404/405), a 1-token completion with its first model. Never throws for the provider's failures:
 * they come back as `error`, with secrets redacted.
 */
export async function testProviderConnection(db: Db, actor: Actor | null, providerId: string, options: ClientOptions = {}): Promise<ConnectionTest> {
  assertProviderAdmin(actor);
  const provider = await providerRow(db, providerId);
  const configured = provider.models.map((m) => m.id);
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  let secrets: ProviderSecrets | undefined;
  let checkedWith: ConnectionTest["checkedWith"] = "models";
  try {
    secrets = providerSecrets(provider);
    const client = openAiClientFor(provider, { timeoutMs: TEST_TIMEOUT_MS, ...options });
    try {
      const page = await client.models.list();
      const models = page.data.slice(0, MAX_LISTED).map((m) => m.id);
      return { ok: true, latencyMs: elapsed(), checkedWith: "models", models, missingModels: configured.filter((id) => !models.includes(id)) };
    } catch (error) {
      if (!(error instanceof APIError && (error.status === 404 || error.status === 405)) || configured.length === 0) throw error;
      checkedWith = "completion";
      await client.chat.completions.create({ model: configured[0]!, messages: [{ role: "user", content: "ping" }], max_tokens: 1 });
      return { ok: true, latencyMs: elapsed(), checkedWith: "completion", models: [], missingModels: [] };
    }
  } catch (error) {
    return { ok: false, latencyMs: elapsed(), checkedWith, models: [], missingModels: [], error: describeProviderError(error, secrets) };
  }
}
