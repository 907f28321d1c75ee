import { z } from "zod";
import { feedbackSources } from "~db/schema/feedback";

/**
 * Schemas of the research insight features (coding samples, agreement, theme trends, LLM theme
 * suggestions), shared by the pages' forms and the API. Browser-safe.
 */
const emptyIsAbsent = (v: unknown) => (v === "" || v === null ? undefined : v);
const date = z.preprocess(emptyIsAbsent, z.iso.date({ error: "Expected a date as YYYY-MM-DD." }).optional());

/** Which comments a sample or a suggestion run draws from. Dates are of the comment (occurred_at, UTC), inclusive. */
export const commentFilterSchema = z
  .object({
    source: z.preprocess(emptyIsAbsent, z.enum(feedbackSources, { error: "Expected source to be end_user or reviewer." }).optional()),
    from: date.describe("first day (UTC), inclusive"),
    to: date.describe("last day (UTC), inclusive"),
    scoreKind: z.preprocess(emptyIsAbsent, z.enum(["thumbs", "stars"], { error: "Expected scoreKind to be thumbs or stars." }).optional()),
    score: z.preprocess(emptyIsAbsent, z.coerce.number().int({ error: "Expected a whole number." }).min(0).max(5).optional()).describe("thumbs: 0 or 1; stars: 1–5"),
    uncodedOnly: z.boolean().default(false).describe("only comments no one has finished coding"),
  })
  .refine((f) => !f.from || !f.to || f.from <= f.to, { error: "The start date is after the end date.", path: ["to"] });
export type CommentFilter = z.output<typeof commentFilterSchema>;

export const MAX_SAMPLE_SIZE = 1000;

export const newSampleSchema = z.object({
  name: z.string().trim().min(1, { error: "Give the sample a name." }).max(200, { error: "At most 200 characters." }),
  size: z.coerce
    .number({ error: "Expected a number of comments." })
    .int({ error: "Expected a whole number." })
    .min(2, { error: "At least 2 comments." })
    .max(MAX_SAMPLE_SIZE, { error: `At most ${MAX_SAMPLE_SIZE} comments.` }),
  seed: z.coerce
    .number({ error: "Expected a whole number." })
    .int({ error: "Expected a whole number." })
    .min(0, { error: "From 0 to 4294967295." })
    .max(0xffffffff, { error: "From 0 to 4294967295." })
    .optional()
    .describe("the random seed; the same seed and filter draw the same comments (random when left out)"),
  coderIds: z.array(z.uuid({ error: "Expected user ids." })).min(2, { error: "Name two or more coders." }).max(20, { error: "At most 20 coders." }),
  filter: commentFilterSchema.default({ uncodedOnly: false }),
});
export type NewSample = z.input<typeof newSampleSchema>;

export const trendGroupings = ["model", "segment", "promptVersion", "source"] as const;
export type TrendGrouping = (typeof trendGroupings)[number];

export const trendsQuerySchema = z
  .object({
    groupBy: z.preprocess(emptyIsAbsent, z.enum(trendGroupings, { error: "Expected groupBy to be model, segment, promptVersion or source." }).default("model")),
    interval: z.preprocess(emptyIsAbsent, z.enum(["day", "week"], { error: "Expected interval to be day or week." }).default("week")),
    from: date.describe("first day of the comments (UTC), inclusive"),
    to: date.describe("last day of the comments (UTC), inclusive"),
    minCount: z.preprocess(
      emptyIsAbsent,
      z.coerce.number({ error: "Expected a whole number." }).int({ error: "Expected a whole number." }).min(1, { error: "At least 1." }).max(100_000).default(30),
    ),
  })
  .refine((q) => !q.from || !q.to || q.from <= q.to, { error: "The start date is after the end date.", path: ["to"] });
export type TrendsQuery = z.output<typeof trendsQuerySchema>;

export const MAX_SUGGEST_COMMENTS = 50;

export const suggestThemesSchema = z.object({
  providerId: z.uuid({ error: "Choose a provider." }),
  model: z.string().trim().min(1, { error: "Choose a model." }).max(200),
  limit: z.coerce
    .number({ error: "Expected a number of comments." })
    .int({ error: "Expected a whole number." })
    .min(1, { error: "At least 1 comment." })
    .max(MAX_SUGGEST_COMMENTS, { error: `At most ${MAX_SUGGEST_COMMENTS} comments a request.` })
    .default(20),
  filter: commentFilterSchema.default({ uncodedOnly: true }),
});
export type SuggestThemesInput = z.input<typeof suggestThemesSchema>;

export const decisionSchema = z.object({ decision: z.enum(["accept", "reject"], { error: "Expected decision to be accept or reject." }) });

/** The LLM's answer, as asked for: the themes it sees in the comment, each with a quote and a reason. */
export const suggestionAnswerSchema = z.object({
  themes: z.array(z.object({ name: z.string(), quote: z.string().default(""), why: z.string().default("") })),
});
