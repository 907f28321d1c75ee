import { apiHandler } from "~/api/define.server";
import { createWebhookEndpoint, listWebhooksEndpoint } from "~/api/endpoints/webhooks.server";

export const loader = apiHandler(listWebhooksEndpoint, createWebhookEndpoint);
export const action = loader;
