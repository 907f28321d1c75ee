import { z } from "zod";
import { db } from "~/db.server";
import { computeSampleAgreement } from "~/modules/research/agreement.server";
import { commentFilterSchema, decisionSchema, newSampleSchema, suggestThemesSchema, trendGroupings } from "~/modules/research/research-schemas";
import { createCodingSample, getCodingSample, listCodingSamples } from "~/modules/research/samples.server";
import { decideSuggestion, listPendingSuggestions, suggestThemes } from "~/modules/research/suggest-themes.server";
import { computeThemeTrends } from "~/modules/research/trends.server";
import { defineEndpoint, errorBodySchema } from "../define.server";

const err = (description: string) => ({ description, schema: errorBodySchema });
const common = { 400: err("Invalid input; `issues` names each field"), 401: err("Missing, invalid or revoked API key"), 404: err("Not found, or not visible to you") };
const projectParams = z.object({ projectId: z.uuid({ error: "Expected a project id (a UUID)." }) });
const sampleParams = z.object({ sampleId: z.uuid({ error: "Expected a coding sample id (a UUID)." }) });
const suggestionParams = z.object({ suggestionId: z.uuid({ error: "Expected a suggestion id (a UUID)." }) });

// why: the same shape as the dashboards' Estimate, under its own id so the two documents do not have to agree on who declares it.
const metric = z.object({ value: z.number().nullable().describe("null when undefined; `reason` says why"), reason: z.string().nullable(), basis: z.string().optional() }).meta({ id: "ResearchMetric" });
const estimate = metric
  .extend({
    interval: z.object({ low: z.number(), high: z.number(), level: z.number(), method: z.string() }).nullable().describe("95% interval"),
    intervalReason: z.string().nullable(),
  })
  .meta({ id: "ResearchEstimate" });

const sampleSchema = z
  .object({
    id: z.uuid(),
    projectId: z.uuid(),
    name: z.string(),
    size: z.int(),
    params: z.object({ filter: commentFilterSchema, seed: z.int(), size: z.int(), candidates: z.int() }).partial().passthrough().describe("how the sample was drawn"),
    createdAt: z.iso.datetime(),
    createdBy: z.string().nullable(),
    coders: z.array(z.object({ id: z.uuid(), name: z.string(), coded: z.int().describe("comments of the sample this coder marked coded") })),
    codedByTwoOrMore: z.int().describe("comments finished by two or more coders: the agreement's units"),
  })
  .meta({ id: "CodingSample" });

const themeAgreement = z
  .object({
    themeId: z.uuid().nullable().describe("null for the overall figures"),
    name: z.string(),
    n: z.int().describe("comments finished by two or more coders"),
    used: z.int(),
    decisions: z.int(),
    prevalence: metric,
    percentAgreement: metric,
    positiveAgreement: metric.describe("positive specific agreement"),
    cohensKappa: estimate.describe("only with exactly two coders"),
    alpha: estimate.describe("Krippendorff's α, nominal"),
    disagreements: z.array(z.int()).describe("ids of the comments where the coders differ on this theme"),
  })
  .meta({ id: "ThemeAgreement" });

export const createCodingSampleEndpoint = defineEndpoint({
  method: "post",
  path: "/api/v1/projects/{projectId}/coding-samples",
  tags: ["research"],
  summary: "Draw a coding sample: N comments at random (seeded, reproducible) from a filter, for two or more coders to code blind",
  params: projectParams,
  body: newSampleSchema.meta({ id: "NewCodingSample" }),
  responses: {
    201: { description: "Drawn", schema: z.object({ id: z.uuid(), name: z.string(), size: z.int(), seed: z.int(), candidates: z.int().describe("comments the filter matched") }) },
    ...common,
    403: err("Only the project's managers and researchers draw samples"),
    409: err("The project is archived"),
  },
  handler: async ({ actor, params, body }) => ({ status: 201, body: await createCodingSample(db, actor, params.projectId, body) }),
});

export const listCodingSamplesEndpoint = defineEndpoint({
  method: "get",
  path: "/api/v1/projects/{projectId}/coding-samples",
  tags: ["research"],
  summary: "The project's coding samples, newest first, with each coder's progress",
  params: projectParams,
  responses: { 200: { description: "Samples", schema: z.object({ samples: z.array(sampleSchema) }) }, ...common, 403: err("Your role cannot read feedback") },
  handler: async ({ actor, params }) => ({ status: 200, body: { samples: await listCodingSamples(db, actor, params.projectId) } }),
});

export const codingSampleEndpoint = defineEndpoint({
  method: "get",
  path: "/api/v1/coding-samples/{sampleId}",
  tags: ["research"],
  summary: "One coding sample with each coder's progress",
  params: sampleParams,
  responses: { 200: { description: "The sample", schema: sampleSchema }, ...common, 403: err("Your role cannot read feedback") },
  handler: async ({ actor, params }) => ({ status: 200, body: await getCodingSample(db, actor, params.sampleId) }),
});

export const codingSampleAgreementEndpoint = defineEndpoint({
  method: "get",
  path: "/api/v1/coding-samples/{sampleId}/agreement",
  tags: ["research"],
  summary: "Agreement between a sample's coders per theme and overall: Cohen's κ (two coders), Krippendorff's α with 95% bootstrap intervals, percent and positive agreement, prevalence",
  description:
    "Units are the sample's comments that two or more of its coders marked coded; each coder's yes/no per theme is whether they coded it. " +
    "Intervals are percentile bootstrap intervals over comments with a fixed seed. A figure that cannot be computed is null with its reason.",
  params: sampleParams,
  responses: {
    200: {
      description: "Agreement",
      schema: z
        .object({ sample: sampleSchema, agreement: z.object({ coders: z.int(), units: z.int(), seed: z.int(), resamples: z.int(), themes: z.array(themeAgreement), overall: themeAgreement }) })
        .meta({ id: "SampleAgreement" }),
    },
    ...common,
    403: err("Your role cannot read feedback"),
  },
  handler: async ({ actor, params }) => ({ status: 200, body: await computeSampleAgreement(db, actor, params.sampleId) }),
});

const cell = { coded: z.int(), count: z.int(), share: estimate.describe("count / coded with a Wilson 95% interval; null below minCount"), inboxHref: z.string().describe("the inbox filtered to these comments") };

export const themeTrendsEndpoint = defineEndpoint({
  method: "get",
  path: "/api/v1/projects/{projectId}/theme-trends",
  tags: ["research"],
  summary: "Each theme's count and share of coded comments over time and by model / segment / prompt version / source, with intervals, beside end users' scores per model",
  params: projectParams,
  query: z.object({
    groupBy: z.enum(trendGroupings).optional(),
    interval: z.enum(["day", "week"]).optional(),
    from: z.iso.date().optional(),
    to: z.iso.date().optional(),
    minCount: z.coerce.number().int().min(1).optional().describe("groups and periods with fewer coded comments show no share (30 by default)"),
  }),
  responses: {
    200: {
      description: "Trends",
      schema: z
        .object({
          coded: z.int(),
          periods: z.array(z.string()),
          groups: z.array(z.string()),
          themes: z.array(
            z.object({
              themeId: z.uuid(),
              name: z.string(),
              ...cell,
              series: z.array(z.object({ period: z.string(), ...cell, change: z.object({ change: z.enum(["up", "down", "none"]).nullable() }).passthrough() })),
              groups: z.array(z.object({ group: z.string(), ...cell })),
            }),
          ),
          scores: z.array(
            z.object({ model: z.string(), thumbs: z.object({ n: z.int(), up: z.int(), rate: estimate }), rating: z.object({ n: z.int(), mean: estimate }), insightHref: z.string(), inboxHref: z.string() }),
          ),
        })
        .passthrough()
        .meta({ id: "ThemeTrends" }),
    },
    ...common,
    403: err("Your role cannot read feedback"),
  },
  handler: async ({ actor, params, query }) => ({ status: 200, body: await computeThemeTrends(db, actor, params.projectId, query) }),
});

const pendingSchema = z
  .object({
    id: z.uuid(),
    feedbackId: z.int(),
    comment: z.string(),
    themeId: z.uuid(),
    theme: z.string(),
    source: z.string().describe("provider / model"),
    rationale: z.string(),
    quoteStart: z.int().nullable(),
    quoteEnd: z.int().nullable(),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: "ThemeSuggestion" });

export const requestThemeSuggestionsEndpoint = defineEndpoint({
  method: "post",
  path: "/api/v1/projects/{projectId}/theme-suggestions",
  tags: ["research"],
  summary: "Ask a provider's model to suggest codebook themes for up to 50 uncoded comments; answers are stored as pending suggestions",
  description:
    "Synchronous: the answer comes when every comment has been asked (within the provider's concurrency limit, with retries). Only theme names " +
    "of the codebook and quotes that occur in the comment are kept; the rest are dropped and counted. Nothing is applied until a researcher accepts it.",
  params: projectParams,
  body: suggestThemesSchema.meta({ id: "ThemeSuggestionRequest" }),
  responses: {
    200: {
      description: "What was asked and stored",
      schema: z.object({
        asked: z.int(),
        stored: z.int(),
        droppedUnknownTheme: z.int(),
        droppedQuoteNotFound: z.int(),
        failed: z.array(z.object({ feedbackId: z.int(), error: z.string() })),
        tokens: z.object({ input: z.int(), output: z.int() }),
        costUsd: z.number(),
        costComplete: z.boolean(),
      }),
    },
    ...common,
    403: err("Only the project's managers and engineers run models"),
    409: err("The project is archived, or its codebook is empty"),
  },
  handler: async ({ actor, params, body }) => ({ status: 200, body: await suggestThemes(db, actor, params.projectId, body) }),
});

export const listThemeSuggestionsEndpoint = defineEndpoint({
  method: "get",
  path: "/api/v1/projects/{projectId}/theme-suggestions",
  tags: ["research"],
  summary: "The project's pending theme suggestions, oldest first (up to 100)",
  params: projectParams,
  responses: { 200: { description: "Pending", schema: z.object({ total: z.int(), suggestions: z.array(pendingSchema) }) }, ...common, 403: err("Your role cannot read feedback") },
  handler: async ({ actor, params }) => ({ status: 200, body: await listPendingSuggestions(db, actor, params.projectId) }),
});

export const decideThemeSuggestionEndpoint = defineEndpoint({
  method: "post",
  path: "/api/v1/theme-suggestions/{suggestionId}",
  tags: ["research"],
  summary: "Accept (codes the comment for you, origin `llm`, with the quote) or reject a pending suggestion",
  params: suggestionParams,
  body: decisionSchema.meta({ id: "ThemeSuggestionDecision" }),
  responses: {
    200: {
      description: "Decided",
      schema: z.object({ id: z.uuid(), state: z.enum(["accepted", "rejected"]), coding: z.object({ feedbackId: z.int(), themeId: z.uuid(), coderId: z.uuid(), origin: z.literal("llm") }).nullable() }),
    },
    ...common,
    403: err("Only the project's managers and researchers code comments"),
    409: err("Already decided, or the project is archived"),
  },
  handler: async ({ actor, params, body }) => ({ status: 200, body: await decideSuggestion(db, actor, params.suggestionId, body) }),
});
