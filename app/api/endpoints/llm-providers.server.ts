import { z } from "zod";
import { db } from "~/db.server";
import { createProvider } from "~/modules/llm/create-provider.server";
import { deleteProvider } from "~/modules/llm/delete-provider.server";
import { getProvider, listProviders } from "~/modules/llm/queries.server";
import { providerInputSchema, providerModelSchema, providerUpdateSchema } from "~/modules/llm/schemas";
import { testProviderConnection } from "~/modules/llm/test-provider.server";
import { updateProvider } from "~/modules/llm/update-provider.server";
import { defineEndpoint, errorBodySchema } from "../define.server";

const err = (description: string) => ({ description, schema: errorBodySchema });
const common = {
  401: err("Missing, invalid or revoked API key"),
  403: err("Only instance admins manage LLM providers"),
};
const params = z.object({ providerId: z.uuid({ error: "Expected a provider id (a UUID)." }) });
const tags = ["llm providers"];

const providerSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    baseUrl: z.string(),
    keySource: z.enum(["stored", "env", "none"]).describe("Where the key comes from; the key itself is never returned"),
    apiKeyEnv: z.string().nullable().describe("The server's environment variable holding the key, when keySource is env"),
    models: z.array(providerModelSchema),
    headerNames: z.array(z.string()).describe("Extra headers sent; their values are secrets and never returned"),
    maxConcurrency: z.int(),
    enabled: z.boolean(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .meta({ id: "LlmProvider" });

const errorInfoSchema = z.object({
  status: z.int().nullable().describe("The provider's HTTP status; null when it did not answer"),
  message: z.string().describe("The provider's own error text (secrets redacted), or why the call could not be made"),
  retryable: z.boolean(),
  retryAfterMs: z.number().optional(),
});

const connectionTestSchema = z
  .object({
    ok: z.boolean(),
    latencyMs: z.int(),
    checkedWith: z.enum(["models", "completion"]).describe("models: GET /models answered; completion: no model list, a 1-token completion answered"),
    models: z.array(z.string()).describe("The models the provider lists"),
    missingModels: z.array(z.string()).describe("Configured models the provider's list lacks"),
    error: errorInfoSchema.optional(),
  })
  .meta({ id: "LlmConnectionTest" });

export const listProvidersEndpoint = defineEndpoint({
  method: "get",
  path: "/api/v1/llm/providers",
  tags,
  summary: "LLM providers (instance admins)",
  responses: { 200: { description: "Every provider, by name; keys are never returned", schema: z.object({ providers: z.array(providerSchema) }) }, ...common },
  handler: async ({ actor }) => ({ status: 200, body: { providers: await listProviders(db, actor) } }),
});

export const createProviderEndpoint = defineEndpoint({
  method: "post",
  path: "/api/v1/llm/providers",
  tags,
  summary: "Add an OpenAI-compatible provider (instance admins)",
  description:
    "The API key is write-only: `apiKey: {source: \"stored\", value}` seals it (AES-256-GCM), `{source: \"env\", variable}` names a `*_API_KEY` " +
    "environment variable of the server, `{source: \"none\"}` sends none. Header values are secrets too. The base URL may not point at a " +
    "loopback or private address unless the server runs with LOUPE_LLM_ALLOW_PRIVATE=true, nor ever at a cloud metadata service.",
  body: providerInputSchema.meta({ id: "LlmProviderInput" }),
  responses: { 201: { description: "The provider", schema: providerSchema }, 400: err("Invalid input; `issues` names each field"), ...common, 409: err("A provider with this name exists") },
  handler: async ({ actor, body }) => ({ status: 201, body: await createProvider(db, actor, body) }),
});

export const getProviderEndpoint = defineEndpoint({
  method: "get",
  path: "/api/v1/llm/providers/{providerId}",
  tags,
  summary: "One LLM provider (instance admins)",
  params,
  responses: { 200: { description: "The provider", schema: providerSchema }, ...common, 404: err("No such provider") },
  handler: async ({ actor, params }) => ({ status: 200, body: await getProvider(db, actor, params.providerId) }),
});

export const updateProviderEndpoint = defineEndpoint({
  method: "patch",
  path: "/api/v1/llm/providers/{providerId}",
  tags,
  summary: "Change an LLM provider; fields left out stay (instance admins)",
  description:
    "`apiKey: {source: \"stored\"}` without a value keeps the stored key; a header without a value keeps its stored value. A given `headers` list replaces the old one.",
  params,
  body: providerUpdateSchema.meta({ id: "LlmProviderUpdate" }),
  responses: { 200: { description: "The provider", schema: providerSchema }, 400: err("Invalid input; `issues` names each field"), ...common, 404: err("No such provider"), 409: err("A provider with this name exists") },
  handler: async ({ actor, params, body }) => ({ status: 200, body: await updateProvider(db, actor, params.providerId, body) }),
});

export const deleteProviderEndpoint = defineEndpoint({
  method: "delete",
  path: "/api/v1/llm/providers/{providerId}",
  tags,
  summary: "Delete an LLM provider that nothing uses (instance admins)",
  params,
  responses: { 204: { description: "Deleted" }, ...common, 404: err("No such provider"), 409: err("Still in use; disable it instead") },
  handler: async ({ actor, params }) => {
    await deleteProvider(db, actor, params.providerId);
    return { status: 204 };
  },
});

export const testProviderEndpoint = defineEndpoint({
  method: "post",
  path: "/api/v1/llm/providers/{providerId}/test",
  tags,
  summary: "Test the connection: one tiny call (the model list, else a 1-token completion) (instance admins)",
  description: "Answers 200 whether or not the provider did: `ok` says which, `error` carries the provider's status and message.",
  params,
  responses: { 200: { description: "What the provider answered", schema: connectionTestSchema }, ...common, 404: err("No such provider") },
  handler: async ({ actor, params }) => ({ status: 200, body: await testProviderConnection(db, actor, params.providerId) }),
});
