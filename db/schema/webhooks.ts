import { sql } from "drizzle-orm";
import { bigserial, boolean, check, index, integer, jsonb, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { projects } from "./projects";
import { users } from "./users";

export const webhookDeliveryState = pgEnum("webhook_delivery_state", ["pending", "delivered", "failed"]);

/**
 * A project's endpoint that receives events (see docs/decisions/0022-webhooks.md). The signing
 * secret is sealed like LLM provider keys (app/modules/secrets, context `webhooks/<id>/secret`)
 * and shown once, when the webhook is created.
 */
export const webhooks = pgTable(
  "webhooks",
  {
    id: uuid().primaryKey().defaultRandom(),
    projectId: uuid()
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    url: text().notNull(),
    /** The event types it receives (item.resolved, dataset.ready, import.finished, job.finished). */
    events: text().array().notNull(),
    /** `v1.<key id>.<iv>.<ciphertext>.<tag>`, sealed for `webhooks/<id>/secret`. */
    secretSealed: text().notNull(),
    active: boolean().notNull().default(true),
    createdBy: uuid().references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("webhooks_project_idx").on(t.projectId), check("webhooks_events_not_empty", sql`cardinality(${t.events}) > 0`)],
);

/**
 * One event for one webhook and its attempts. `eventId` is the idempotency id sent to the
 * receiver (`Loupe-Delivery`): the same for every attempt and replay, unique per webhook, so an
 * event is queued once however often its source reports it (delivery itself is at least once).
 */
export const webhookDeliveries = pgTable(
  "webhook_deliveries",
  {
    id: bigserial({ mode: "number" }).primaryKey(),
    webhookId: uuid()
      .notNull()
      .references(() => webhooks.id, { onDelete: "cascade" }),
    event: text().notNull(),
    eventId: text().notNull(),
    /** The exact body sent: `{ id, type, created_at, project_id, data }` — ids, counts and links, never item text. */
    payload: jsonb().$type<Record<string, unknown>>().notNull(),
    state: webhookDeliveryState().notNull().default("pending"),
    attempts: integer().notNull().default(0),
    /** When the next attempt is due (pending), or the lease of the attempt in flight. */
    nextAttemptAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    lastStatus: integer(),
    /** Why the last attempt failed, in words (an HTTP status, a timeout, a refusal); never a secret. */
    lastError: text(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    deliveredAt: timestamp({ withTimezone: true }),
  },
  (t) => [
    uniqueIndex("webhook_deliveries_event_key").on(t.webhookId, t.eventId),
    // why: the sender asks for due pending deliveries every few seconds; the partial index keeps that cheap however long the log grows.
    index("webhook_deliveries_due_idx").on(t.nextAttemptAt).where(sql`${t.state} = 'pending'`),
    // why: the delivery log pages one webhook's deliveries newest first.
    index("webhook_deliveries_log_idx").on(t.webhookId, t.id),
  ],
);
