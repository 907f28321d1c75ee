import { z } from "zod";
import { db } from "~/db.server";
import { sendWebhookDeliveriesNow } from "~/jobs/boss.server";
import { createWebhook } from "~/modules/webhooks/create-webhook.server";
import { getWebhook, listDeliveries, listWebhooks } from "~/modules/webhooks/queries.server";
import { replayDelivery } from "~/modules/webhooks/replay-delivery.server";
import { createWebhookSchema, updateWebhookSchema, webhookEvents } from "~/modules/webhooks/schemas";
import { deleteWebhook, updateWebhook } from "~/modules/webhooks/update-webhook.server";
import { defineEndpoint, errorBodySchema } from "../define.server";

const tags = ["webhooks"];
const err = (description: string) => ({ description, schema: errorBodySchema });
const common = { 400: err("Invalid input; `issues` names each field"), 401: err("Missing, invalid or revoked API key"), 403: err("Only managers and admins manage webhooks") };
const webhookParams = z.object({ webhookId: z.uuid({ error: "Expected a webhook id (a UUID)." }) });

const webhookSchema = z
  .object({
    id: z.uuid(),
    projectId: z.uuid(),
    url: z.string(),
    events: z.array(z.enum(webhookEvents)),
    active: z.boolean().describe("false while paused: no new events, pending deliveries wait"),
    createdAt: z.iso.datetime(),
    pending: z.int().describe("deliveries waiting for an attempt"),
    failed: z.int().describe("deliveries that gave up after every retry"),
    lastDeliveredAt: z.iso.datetime().nullable(),
  })
  .meta({ id: "Webhook" });
const deliverySchema = z
  .object({
    id: z.int(),
    webhookId: z.uuid(),
    event: z.string().describe("an event type, or webhook.test"),
    eventId: z.string().describe("the idempotency id sent as Loupe-Delivery; the same on every attempt and replay"),
    state: z.enum(["pending", "delivered", "failed"]),
    attempts: z.int(),
    nextAttemptAt: z.iso.datetime().nullable().describe("when a pending delivery is tried next"),
    lastStatus: z.int().nullable().describe("the receiver's HTTP status on the last attempt"),
    lastError: z.string().nullable(),
    createdAt: z.iso.datetime(),
    deliveredAt: z.iso.datetime().nullable(),
  })
  .meta({ id: "WebhookDelivery" });

export const listWebhooksEndpoint = defineEndpoint({
  method: "get",
  path: "/api/v1/projects/{projectId}/webhooks",
  tags,
  summary: "A project's webhooks (managers and admins); never their secrets",
  params: z.object({ projectId: z.uuid({ error: "Expected a project id (a UUID)." }) }),
  responses: { 200: { description: "Oldest first", schema: z.object({ webhooks: z.array(webhookSchema) }).meta({ id: "WebhookList" }) }, ...common, 404: err("No such project, or you are not a member") },
  handler: async ({ actor, params }) => ({ status: 200, body: { webhooks: await listWebhooks(db, actor, params.projectId) } }),
});

export const createWebhookEndpoint = defineEndpoint({
  method: "post",
  path: "/api/v1/projects/{projectId}/webhooks",
  tags,
  summary: "Add a webhook; the answer holds its signing secret, the only time it is shown",
  description:
    "Deliveries are POSTed as JSON with `Loupe-Event`, `Loupe-Delivery` (the event id), `Loupe-Timestamp` and `Loupe-Signature: t=<unix>,v1=<hex HMAC-SHA256 of \"<t>.<raw body>\">`. " +
    "The URL may not be a cloud metadata address, nor a loopback or private one unless the server runs with LOUPE_WEBHOOK_ALLOW_PRIVATE=true.",
  params: z.object({ projectId: z.uuid({ error: "Expected a project id (a UUID)." }) }),
  body: createWebhookSchema.meta({ id: "WebhookInput" }),
  responses: {
    201: { description: "The webhook and its secret", schema: z.object({ webhook: webhookSchema, secret: z.string().describe("whsec_…; store it now") }).meta({ id: "CreatedWebhook" }) },
    ...common,
    404: err("No such project, or you are not a member"),
  },
  handler: async ({ actor, params, body }) => ({ status: 201, body: await createWebhook(db, actor, params.projectId, body) }),
});

export const getWebhookEndpoint = defineEndpoint({
  method: "get",
  path: "/api/v1/webhooks/{webhookId}",
  tags,
  summary: "One webhook (never its secret)",
  params: webhookParams,
  responses: { 200: { description: "The webhook", schema: webhookSchema }, ...common, 404: err("No such webhook") },
  handler: async ({ actor, params }) => ({ status: 200, body: await getWebhook(db, actor, params.webhookId) }),
});

export const updateWebhookEndpoint = defineEndpoint({
  method: "patch",
  path: "/api/v1/webhooks/{webhookId}",
  tags,
  summary: "Change a webhook's URL or events, or pause (`active: false`) and resume it",
  params: webhookParams,
  body: updateWebhookSchema.meta({ id: "WebhookUpdate" }),
  responses: { 200: { description: "The webhook", schema: webhookSchema }, ...common, 404: err("No such webhook") },
  handler: async ({ actor, params, body }) => ({ status: 200, body: await updateWebhook(db, actor, params.webhookId, body) }),
});

export const deleteWebhookEndpoint = defineEndpoint({
  method: "delete",
  path: "/api/v1/webhooks/{webhookId}",
  tags,
  summary: "Delete a webhook and its delivery log",
  params: webhookParams,
  responses: { 204: { description: "Deleted" }, ...common, 404: err("No such webhook") },
  handler: async ({ actor, params }) => {
    await deleteWebhook(db, actor, params.webhookId);
    return { status: 204 };
  },
});

export const listDeliveriesEndpoint = defineEndpoint({
  method: "get",
  path: "/api/v1/webhooks/{webhookId}/deliveries",
  tags,
  summary: "A webhook's delivery log, newest first",
  description: "Pass `nextBefore` from one page as `before` to read the next (older) one.",
  params: webhookParams,
  query: z.object({
    before: z.coerce.number().int().positive({ error: "Expected a delivery id (a positive integer)." }).optional(),
    limit: z.coerce.number().int().min(1).max(200, { error: "Expected at most 200." }).optional(),
  }),
  responses: {
    200: { description: "A page of deliveries", schema: z.object({ deliveries: z.array(deliverySchema), nextBefore: z.int().nullable() }).meta({ id: "WebhookDeliveryPage" }) },
    ...common,
    404: err("No such webhook"),
  },
  handler: async ({ actor, params, query }) => ({ status: 200, body: await listDeliveries(db, actor, params.webhookId, query) }),
});

export const replayDeliveryEndpoint = defineEndpoint({
  method: "post",
  path: "/api/v1/webhook-deliveries/{deliveryId}/replay",
  tags,
  summary: "Send a delivery again: the same payload and event id, with a fresh set of attempts",
  params: z.object({ deliveryId: z.coerce.number().int().positive({ error: "Expected a delivery id (a positive integer)." }) }),
  responses: { 202: { description: "Queued and being sent", schema: z.object({ id: z.int(), webhookId: z.uuid() }).meta({ id: "ReplayedDelivery" }) }, ...common, 404: err("No such delivery") },
  handler: async ({ actor, params }) => {
    const replayed = await replayDelivery(db, actor, params.deliveryId);
    sendWebhookDeliveriesNow([replayed.id]);
    return { status: 202, body: replayed };
  },
});
