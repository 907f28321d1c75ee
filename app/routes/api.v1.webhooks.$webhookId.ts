import { apiHandler } from "~/api/define.server";
import { deleteWebhookEndpoint, getWebhookEndpoint, updateWebhookEndpoint } from "~/api/endpoints/webhooks.server";

export const loader = apiHandler(getWebhookEndpoint, updateWebhookEndpoint, deleteWebhookEndpoint);
export const action = loader;
