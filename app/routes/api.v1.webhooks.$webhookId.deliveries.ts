import { apiHandler } from "~/api/define.server";
import { listDeliveriesEndpoint } from "~/api/endpoints/webhooks.server";

export const loader = apiHandler(listDeliveriesEndpoint);
export const action = loader;
