import { z } from "zod";
import { tally } from "./consensus-rules";
import { questionBase } from "./fields";
import type { KindModule } from "./types";

export const ratingSchema = z
  .object({
    ...questionBase,
    kind: z.literal("rating"),
    min: z.int().min(0).max(10).default(1),
    max: z.int().min(1).max(10).default(5),
    minLabel: z.string().trim().max(60).optional(),
    maxLabel: z.string().trim().max(60).optional(),
  })
  .refine((q) => q.max > q.min, { error: "The top of the scale must be above the bottom.", path: ["max"] });
export type RatingQuestion = z.output<typeof ratingSchema>;

const expected = (q: RatingQuestion) => `Expected a whole number from ${q.min} to ${q.max}.`;
const inScale = (q: RatingQuestion, value: unknown) => Number.isInteger(value) && (value as number) >= q.min && (value as number) <= q.max;

/** A score on a scale. Consensus: the mean (with median and spread); agreement is the modal share. */
export const rating: KindModule<RatingQuestion> = {
  kind: "rating",
  label: "Rating scale",
  schema: ratingSchema,
  defaults: () => ({ min: 1, max: 5 }),
  check: (q, value) => (inScale(q, value) ? null : expected(q)),
  readForm(_q, name, fields) {
    const raw = fields.text(name)?.trim();
    if (raw === undefined) return undefined;
    return /^-?\d+$/.test(raw) ? Number(raw) : raw;
  },
  describeAnswer: (_q, value) => (typeof value === "number" ? String(Math.round(value * 100) / 100) : String(value)),
  consensus(_q, votes) {
    const sorted = votes.map((v) => v.value as number).sort((a, b) => a - b);
    const n = sorted.length;
    const mean = sorted.reduce((a, b) => a + b, 0) / n;
    const median = n % 2 ? sorted[(n - 1) / 2]! : (sorted[n / 2 - 1]! + sorted[n / 2]!) / 2;
    const counts = tally(sorted.map(String));
    const modal = Math.max(...counts.values());
    return {
      status: "resolved",
      value: mean,
      method: "mean",
      // why: the share giving the most common rating, so "agreement ≥ 0.8" means the same for every kind.
      agreement: modal / n,
      detail: { mean, median, spread: sorted[n - 1]! - sorted[0]!, votes: Object.fromEntries(counts) },
    };
  },
  // why: on a 1–5 or 0–9 scale the key pressed IS the score, which is what a reviewer expects.
  asResolution: (_q, answer) => answer,
  digit: (q, digit) => (digit >= q.min && digit <= q.max ? digit : null),
  agreement: () => ({ measure: "category", compare: "number" }),
  calibration: () => ({ measure: "score", score: (value) => (typeof value === "number" && Number.isFinite(value) ? value : null) }),
  modelAnswer: {
    schema: (q) => ({
      type: "integer",
      minimum: q.min,
      maximum: q.max,
      description: `A whole number from ${q.min}${q.minLabel ? ` (${q.minLabel})` : ""} to ${q.max}${q.maxLabel ? ` (${q.maxLabel})` : ""}.`,
    }),
    read: (q, raw) => (inScale(q, raw) ? { value: raw } : { error: `${JSON.stringify(raw)}: ${expected(q)}` }),
  },
};
