import type { z } from "zod";
import type { SealedHeader } from "~db/schema";
import { checkRequestUrl, BlockedRequestError } from "~/modules/net/guarded-fetch.server";
import { env } from "~/utils/env.server";
import { ValidationError } from "~/utils/errors";
import { issuesOf } from "~/utils/validation";
import { sealApiKey, sealHeader, type LlmProvider } from "./provider-secrets.server";
import type { ProviderUpdate } from "./schemas";

type KeyInput = NonNullable<ProviderUpdate["apiKey"]>;
type HeaderInput = NonNullable<ProviderUpdate["headers"]>[number];

/**
 * Parses provider input, also refusing a base URL the server would not be allowed to call (a
 * metadata service, or a loopback or private address without LOUPE_LLM_ALLOW_PRIVATE), with every
 * issue named at once. Host names are checked again on every connection, after DNS: this is the
 * early, friendly half of the guard.
 */
export function parseProviderInput<S extends z.ZodType<{ baseUrl?: string }>>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  const issues = result.success ? [] : issuesOf(result.error);
  const baseUrl = result.success ? result.data.baseUrl : (input as { baseUrl?: unknown } | null)?.baseUrl;
  if (typeof baseUrl === "string" && URL.canParse(baseUrl) && !issues.some((i) => i.field === "baseUrl")) {
    try {
      checkRequestUrl(new URL(baseUrl), { allowPrivate: env().llmAllowPrivate });
    } catch (error) {
      if (!(error instanceof BlockedRequestError)) throw error;
      issues.push({ field: "baseUrl", message: error.message });
    }
  }
  if (issues.length) throw new ValidationError(issues.map((i) => `${i.field}: ${i.message}`).join("; "), issues);
  return (result as { data: z.output<S> }).data;
}

/** The key columns for a key input; `stored` without a value keeps the stored key, if there is one. */
export function keyColumns(providerId: string, input: KeyInput, existing?: LlmProvider): Pick<LlmProvider, "apiKeySealed" | "apiKeyEnv"> {
  if (input.source === "env") return { apiKeySealed: null, apiKeyEnv: input.variable };
  if (input.source === "none") return { apiKeySealed: null, apiKeyEnv: null };
  if (input.value) return { apiKeySealed: sealApiKey(providerId, input.value), apiKeyEnv: null };
  if (existing?.apiKeySealed) return { apiKeySealed: existing.apiKeySealed, apiKeyEnv: null };
  throw new ValidationError("Enter the API key.", [{ field: "apiKey.value", message: "Enter the API key, or choose another key source." }]);
}

/** The sealed header list; a header given without a value keeps the value stored under its name. */
export function headerColumns(providerId: string, input: HeaderInput[], existing: SealedHeader[] = []): SealedHeader[] {
  return input.map((header, i) => {
    if (header.value) return { name: header.name, sealedValue: sealHeader(providerId, header.name, header.value) };
    const kept = existing.find((h) => h.name.toLowerCase() === header.name.toLowerCase());
    if (kept) return { name: header.name, sealedValue: kept.sealedValue };
    throw new ValidationError(`Enter a value for the header ${header.name}.`, [{ field: `headers.${i}.value`, message: `Enter a value for ${header.name}.` }]);
  });
}

/**
 * A unique-index or foreign-key violation behind an error (Drizzle wraps the driver's in `cause`).
 * A reference declared ON DELETE RESTRICT fails with 23001 (restrict_violation) rather than 23503;
 * both are a foreign key still pointing at the row, and are reported as 23503.
 */
export function constraintViolation(error: unknown): { code: "23505" | "23503"; constraint: string; table: string; detail: string } | undefined {
  for (let e = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const { code, constraint_name, table_name, detail } = e as { code?: string; constraint_name?: string; table_name?: string; detail?: string };
    if (code === "23505" || code === "23503" || code === "23001") return { code: code === "23505" ? code : "23503", constraint: constraint_name ?? "", table: table_name ?? "", detail: detail ?? "" };
  }
  return undefined;
}
