import { z } from "zod";
import { chatMessageSchema } from "~/modules/items/schemas";

/** The most a record's `metadata` may weigh, as JSON. */
export const MAX_METADATA_BYTES = 16 * 1024;
export const MAX_COMMENT_LENGTH = 10_000;
/** How far ahead of the server's clock a record's `timestamp` may be (clocks drift). */
export const MAX_FUTURE_MS = 24 * 60 * 60 * 1000;

// why: a pseudonymous user id is never an email; anything shaped like one is refused, not stored.
const EMAIL_LIKE = /[^\s@]+@[^\s@]+\.[^\s@]{2,}/;

const text = (field: string, max = 200) =>
  z
    .string({ error: `Expected ${field} as a string of at most ${max} characters.` })
    .max(max, { error: `Expected ${field} as a string of at most ${max} characters.` });

/**
 * An inline output a record is about: Loupe stores it as an item (held, or open when sampled
 * into the review queue). `input` is a prompt or chat messages, as in imports.
 */
export const inlineItemSchema = z.strictObject(
  {
    input: z.union(
      [
        z.string().min(1).max(1_000_000),
        z.object({ messages: z.array(chatMessageSchema).min(1).max(500) }),
        z.array(chatMessageSchema).min(1).max(500),
      ],
      { error: "Expected the input as a non-empty string or as chat messages [{role, content}]." },
    ),
    output: z.string({ error: "Expected the output as a string." }).max(1_000_000, { error: "Expected the output as a string of at most 1,000,000 characters." }),
    model: text("the model").optional(),
    promptVersion: text("the prompt version").optional(),
  },
  { error: "Expected item as an object {input, output, model?, promptVersion?}." },
);

/**
 * One feedback record as the feedback API takes it (the contract in docs: one JSON object;
 * unknown fields are refused by name). It carries a score or a comment that is not blank.
 */
export const feedbackRecordSchema = z
  .strictObject(
    {
      id: text("the record id").min(1, { error: "Expected the record id as a non-empty string." }).optional(),
      traceId: text("the trace id").min(1, { error: "Expected the trace id as a non-empty string." }).optional(),
      externalId: text("the external id").min(1, { error: "Expected the external id as a non-empty string." }).optional(),
      item: inlineItemSchema.optional(),
      thumbs: z.enum(["up", "down"], { error: 'Expected "up" or "down".' }).optional(),
      rating: z.int({ error: "Expected a whole number from 1 to 5." }).min(1, { error: "Expected a whole number from 1 to 5." }).max(5, { error: "Expected a whole number from 1 to 5." }).optional(),
      comment: z
        .string({ error: `Expected the comment as a string of at most ${MAX_COMMENT_LENGTH.toLocaleString("en")} characters.` })
        .max(MAX_COMMENT_LENGTH, { error: `Expected the comment as a string of at most ${MAX_COMMENT_LENGTH.toLocaleString("en")} characters.` })
        .optional(),
      userId: text("a pseudonymous user id")
        .refine((v) => !EMAIL_LIKE.test(v), { error: "Expected a pseudonymous user id, not an email address." })
        .optional(),
      segment: text("the segment").optional(),
      model: text("the model").optional(),
      promptVersion: text("the prompt version").optional(),
      metadata: z
        .record(z.string(), z.unknown(), { error: "Expected metadata as an object." })
        .refine((v) => Buffer.byteLength(JSON.stringify(v)) <= MAX_METADATA_BYTES, { error: "Expected metadata of at most 16 kB as JSON." })
        .optional(),
      timestamp: z.iso
        .datetime({ offset: true, error: "Expected an ISO 8601 date-time with a time zone, e.g. 2026-05-01T12:00:00Z." })
        .refine((v) => Date.parse(v) <= Date.now() + MAX_FUTURE_MS, { error: "Expected a time not more than a day ahead." })
        .optional(),
    },
    { error: "Expected a JSON object." },
  )
  .superRefine((record, ctx) => {
    if (record.thumbs !== undefined && record.rating !== undefined) {
      ctx.addIssue({ code: "custom", path: ["rating"], message: "Give one score: thumbs or rating, not both." });
    }
    if (record.thumbs === undefined && record.rating === undefined && !record.comment?.trim()) {
      ctx.addIssue({ code: "custom", path: ["comment"], message: "Expected a score (thumbs or rating) or a comment that is not blank." });
    }
  });
export type FeedbackRecord = z.output<typeof feedbackRecordSchema>;

/** What a refused record's answer names: the field (null for the line as a whole) and what was expected. */
export type RecordIssue = { field: string | null; message: string };

/** The first issue zod found, as a field and a message (unknown fields by their own name). */
export function recordIssueOf(error: z.ZodError): RecordIssue {
  const issue = error.issues[0]!;
  const path = issue.path.join(".");
  if (issue.code === "unrecognized_keys") {
    const field = [path, issue.keys[0]].filter(Boolean).join(".");
    return { field, message: `Unknown field "${field}".` };
  }
  return { field: path || null, message: issue.message };
}

// why: an origin as a browser sends it (scheme, host, port), no path, user or trailing slash.
const ORIGIN_SHAPE = /^https?:\/\/[^/?#@\s]+$/i;

/** An exact browser origin (`https://app.example.com[:port]`), normalized as browsers send it. */
export const originSchema = z
  .string()
  .trim()
  .refine((v) => ORIGIN_SHAPE.test(v) && URL.canParse(v), { error: "Expected an origin such as https://app.example.com (scheme, host and port only)." })
  .transform((v) => new URL(v).origin);

const originsSchema = z.array(originSchema, { error: "Expected a list of origins." }).max(50, { error: "At most 50 origins." });
const rateSchema = z.int({ error: "Expected a whole number of records a minute from 1 to 1,000,000." }).min(1).max(1_000_000, { error: "At most 1,000,000 a minute." });
const keyName = z.string({ error: "Give the key a name." }).trim().min(1, { error: "Give the key a name." }).max(100, { error: "At most 100 characters." });

export const createIngestKeySchema = z.object({
  name: keyName,
  allowedOrigins: originsSchema.default([]),
  ratePerMinute: rateSchema.default(600),
});
export type CreateIngestKeyInput = z.input<typeof createIngestKeySchema>;

export const updateIngestKeySchema = z.object({
  name: keyName.optional(),
  allowedOrigins: originsSchema.optional(),
  ratePerMinute: rateSchema.optional(),
});
export type UpdateIngestKeyInput = z.input<typeof updateIngestKeySchema>;

export const feedbackSettingsSchema = z.object({
  redactPii: z.boolean({ error: "Expected true or false." }),
  retentionDays: z.int({ error: "Expected a whole number of days from 1 to 36,500, or null to keep feedback." }).min(1).max(36_500).nullable(),
  queueSampleRate: z.number({ error: "Expected a share from 0 to 1." }).min(0, { error: "Expected a share from 0 to 1." }).max(1, { error: "Expected a share from 0 to 1." }),
});
export type FeedbackSettings = z.output<typeof feedbackSettingsSchema>;

export const deleteByUserSchema = z.object({
  userId: z.string({ error: "Expected the user id." }).min(1, { error: "Expected the user id." }).max(200, { error: "At most 200 characters." }),
});

/** The ingest key's visible prefix: `lfi_` and 8 hex digits. */
export const INGEST_KEY_PREFIX = "lfi_";
