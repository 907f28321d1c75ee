import { z } from "zod";

/** What a provider's API key variable may be called: `*_API_KEY` (OPENAI_API_KEY, AZURE_OPENAI_API_KEY…). */
export const PROVIDER_KEY_VARIABLE = /^[A-Z][A-Z0-9_]*_API_KEY$/;

// why: headers the HTTP layer owns; a provider setting them would break or smuggle requests.
const RESERVED_HEADERS = new Set(["host", "content-length", "content-type", "connection", "transfer-encoding", "te", "upgrade", "keep-alive", "trailer", "expect", "cookie"]);
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

export const MAX_PRICE_PER_MILLION = 10_000;

const price = z
  .number({ error: "Enter a price in US dollars per million tokens." })
  .min(0, { error: "A price cannot be negative." })
  .max(MAX_PRICE_PER_MILLION, { error: `Enter at most ${MAX_PRICE_PER_MILLION} dollars per million tokens.` })
  .nullable()
  .default(null);

export const providerModelSchema = z.object({
  id: z.string().trim().min(1, { error: "Enter the model's name as the provider knows it." }).max(200).describe("The model name sent to the provider, e.g. gpt-4o-mini"),
  inputPricePerMillion: price.describe("US dollars per million input tokens; null when unknown (no cost estimate)"),
  outputPricePerMillion: price.describe("US dollars per million output tokens; null when unknown"),
});

const baseUrl = z
  .string()
  .trim()
  .max(2000)
  .pipe(z.url({ error: "Enter the provider's base URL, e.g. https://api.openai.com/v1." }))
  .superRefine((value, ctx) => {
    // why: zod runs this refinement even after the URL check above failed.
    if (!URL.canParse(value)) return;
    const url = new URL(value);
    if (url.protocol !== "http:" && url.protocol !== "https:") ctx.addIssue({ code: "custom", message: "Use an http or https URL." });
    else if (url.username || url.password) ctx.addIssue({ code: "custom", message: "Put credentials in the API key or a header, not in the URL." });
    else if (url.search || url.hash) ctx.addIssue({ code: "custom", message: "The base URL takes no query or fragment; the client adds the path (e.g. /chat/completions) to it." });
  })
  .transform((value) => value.replace(/\/+$/, ""));

/**
 * Where the API key comes from. `stored` without a value keeps the key already stored (the form's
 * "leave empty to keep"); `env` names a variable the server reads; `none` for servers without auth.
 */
export const apiKeyInputSchema = z.discriminatedUnion(
  "source",
  [
    z.object({ source: z.literal("stored"), value: z.string().max(4096).optional().describe("The key; omit or leave empty to keep the stored one") }),
    z.object({
      source: z.literal("env"),
      variable: z.string().trim().regex(PROVIDER_KEY_VARIABLE, { error: "Name an environment variable ending in _API_KEY, e.g. OPENAI_API_KEY." }),
    }),
    z.object({ source: z.literal("none") }),
  ],
  { error: "Say where the API key comes from: stored, env or none." },
);

export const headerInputSchema = z.object({
  name: z
    .string()
    .trim()
    .regex(HEADER_NAME, { error: "Enter a header name (letters, digits and - only)." })
    .max(100)
    .refine((name) => !RESERVED_HEADERS.has(name.toLowerCase()), { error: "Loupe sets this header itself." }),
  value: z.string().max(8192).optional().describe("The value (a secret); omit or leave empty to keep the stored one"),
});

const fields = {
  name: z.string().trim().min(1, { error: "Enter a name." }).max(100, { error: "Use at most 100 characters." }),
  baseUrl,
  apiKey: apiKeyInputSchema,
  models: z
    .array(providerModelSchema)
    .min(1, { error: "Add at least one model." })
    .max(200)
    .refine((models) => new Set(models.map((m) => m.id)).size === models.length, { error: "Each model may be listed once." }),
  headers: z
    .array(headerInputSchema)
    .max(20)
    .refine((headers) => new Set(headers.map((h) => h.name.toLowerCase())).size === headers.length, { error: "Each header may be listed once." }),
  maxConcurrency: z.int({ error: "Enter a whole number." }).min(1, { error: "At least 1." }).max(256, { error: "At most 256." }),
  enabled: z.boolean(),
};

export const providerInputSchema = z.object({
  ...fields,
  apiKey: fields.apiKey.default({ source: "none" }),
  headers: fields.headers.default([]),
  maxConcurrency: fields.maxConcurrency.default(4),
  enabled: fields.enabled.default(true),
});
export type ProviderInput = z.input<typeof providerInputSchema>;

/** An update: what is left out stays as it is; the header list, when given, replaces the old one. */
export const providerUpdateSchema = z.object(fields).partial();
export type ProviderUpdate = z.input<typeof providerUpdateSchema>;

export type KeySource = "stored" | "env" | "none";

/** A provider as pages and the API show it: never a key or a header value. */
export type ProviderView = {
  id: string;
  name: string;
  baseUrl: string;
  keySource: KeySource;
  /** The variable holding the key when keySource is `env`. */
  apiKeyEnv: string | null;
  models: z.output<typeof providerModelSchema>[];
  headerNames: string[];
  maxConcurrency: number;
  enabled: boolean;
  createdAt: string;
  updatedAt: string;
};
