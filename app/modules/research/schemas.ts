import { z } from "zod";
import { feedbackSources } from "~db/schema/feedback";

const name = z.string().trim().min(1, { error: "Name the theme." }).max(120, { error: "Use at most 120 characters." });
const description = z.string().max(5000, { error: "Keep the description under 5,000 characters." });
const offset = z.int({ error: "Expected a whole number." }).min(0, { error: "At least 0." });

export const themeInputSchema = z.object({
  name,
  description: description.default(""),
  examples: z.array(z.string().trim().min(1).max(2000)).max(50, { error: "At most 50 examples." }).default([]),
  /** The parent theme (itself a top-level theme), or null for a top-level theme. */
  parentId: z.uuid({ error: "Expected a theme id." }).nullable().default(null),
});
export type ThemeInput = z.input<typeof themeInputSchema>;

export const themePatchSchema = z.object({
  name: name.optional(),
  description: description.optional(),
  examples: z.array(z.string().trim().min(1).max(2000)).max(50, { error: "At most 50 examples." }).optional(),
  parentId: z.uuid({ error: "Expected a theme id." }).nullable().optional(),
  position: z.int().min(0).max(1_000_000).optional(),
});
export type ThemePatch = z.input<typeof themePatchSchema>;

export const splitInputSchema = z.object({
  /** The new themes, each with the comments (feedback ids) of the split theme that move to it. */
  parts: z
    .array(
      z.object({
        name,
        description: description.default(""),
        feedbackIds: z.array(z.int().positive()).max(100_000),
      })
    )
    .min(1, { error: "Name at least one new theme." })
    .max(20, { error: "At most 20 new themes at once." }),
  /** Delete the split theme afterwards (its remaining codings go with it). */
  removeOriginal: z.boolean().default(false),
});
export type SplitInput = z.input<typeof splitInputSchema>;

/** Quote offsets into a comment, [start, end) as JavaScript counts characters; both or neither. */
const quoteShape = {
  quoteStart: offset.nullable().default(null),
  quoteEnd: offset.nullable().default(null),
};
const checkQuote = (v: { quoteStart: number | null; quoteEnd: number | null }, ctx: z.RefinementCtx) => {
  if ((v.quoteStart === null) !== (v.quoteEnd === null))
    ctx.addIssue({
      code: "custom",
      path: ["quoteEnd"],
      message: "Give both ends of the quote, or neither.",
    });
  else if (v.quoteStart !== null && v.quoteEnd !== null && v.quoteEnd <= v.quoteStart)
    ctx.addIssue({
      code: "custom",
      path: ["quoteEnd"],
      message: "The quote must end after it starts.",
    });
};

export const codingInputSchema = z
  .object({
    themeId: z.uuid({ error: "Expected a theme id." }),
    memo: z.string().max(10_000, { error: "Keep the memo under 10,000 characters." }).default(""),
    ...quoteShape,
  })
  .superRefine(checkQuote);
export type CodingInput = z.input<typeof codingInputSchema>;

export const quoteSetInputSchema = z.object({
  name: z.string().trim().min(1, { error: "Name the quote set." }).max(200, { error: "Use at most 200 characters." }),
  description: z.string().max(5000, { error: "Keep the description under 5,000 characters." }).default(""),
});
export type QuoteSetInput = z.input<typeof quoteSetInputSchema>;

export const quoteItemInputSchema = z
  .object({
    feedbackId: z.int({ error: "Expected a comment id." }).positive(),
    note: z.string().max(5000, { error: "Keep the note under 5,000 characters." }).default(""),
    ...quoteShape,
  })
  .superRefine(checkQuote);
export type QuoteItemInput = z.input<typeof quoteItemInputSchema>;

export const scoreFilters = ["up", "down", "1", "2", "3", "4", "5"] as const;
export const codedFilters = ["me", "not-me", "anyone", "none"] as const;
const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, { error: "Expected a date as YYYY-MM-DD." });
const optionalText = z.string().trim().max(200).optional();

/** The inbox's filters, as the URL and the API carry them (every field optional). */
export const inboxFilterSchema = z.object({
  q: z.string().trim().max(500, { error: "Keep the search under 500 characters." }).optional(),
  source: z.enum(feedbackSources).optional(),
  score: z.enum(scoreFilters).optional(),
  segment: optionalText,
  model: optionalText,
  promptVersion: optionalText,
  from: day.optional(),
  to: day.optional(),
  theme: z.uuid({ error: "Expected a theme id." }).optional(),
  coded: z.enum(codedFilters).optional(),
  sample: z.uuid({ error: "Expected a sample id." }).optional(),
});
export type InboxFilter = z.output<typeof inboxFilterSchema>;

/** Whole numbers as one PostgreSQL array literal parameter (Drizzle's `sql` would spread a JS array into a list). */
export function pgArray(ids: number[]): string {
  return `{${ids.map((id) => String(Math.trunc(id))).join(",")}}`;
}
