import { z } from "zod";

/** The events a webhook can receive, with what each one means to a receiver. */
export const WEBHOOK_EVENTS = {
  "item.resolved": "An item got its consensus, or a manager adjudicated it.",
  "dataset.ready": "A dataset snapshot finished building.",
  "import.finished": "An import finished (succeeded or failed), with its summary.",
  "job.finished": "An LLM run or a classifier training finished.",
} as const;
export type WebhookEvent = keyof typeof WEBHOOK_EVENTS;
export const webhookEvents = Object.keys(WEBHOOK_EVENTS) as [WebhookEvent, ...WebhookEvent[]];

const url = z
  .string()
  .trim()
  .max(2000, { error: "Expected a URL of at most 2,000 characters." })
  .refine((v) => /^https?:\/\/[^\s]+$/i.test(v) && URL.canParse(v), { error: "Expected an http:// or https:// URL, e.g. https://example.com/hooks/loupe." })
  // why: the URL is shown on the page, in the API and the audit log; a password in it would be too. The signature authenticates Loupe instead.
  .refine((v) => !URL.canParse(v) || (!new URL(v).username && !new URL(v).password), { error: "Expected a URL without a user name or password: receivers check the Loupe-Signature header instead." });

const events = z
  .array(z.enum(webhookEvents, { error: `Expected one of ${webhookEvents.join(", ")}.` }))
  .min(1, { error: "Choose at least one event." })
  .transform((list) => [...new Set(list)]);

export const createWebhookSchema = z.object({ url, events });
export type CreateWebhookInput = z.infer<typeof createWebhookSchema>;

export const updateWebhookSchema = z.object({ url: url.optional(), events: events.optional(), active: z.boolean().optional() });
export type UpdateWebhookInput = z.infer<typeof updateWebhookSchema>;
