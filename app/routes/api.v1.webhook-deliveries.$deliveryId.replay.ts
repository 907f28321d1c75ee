import { apiHandler } from "~/api/define.server";
import { replayDeliveryEndpoint } from "~/api/endpoints/webhooks.server";

export const loader = apiHandler(replayDeliveryEndpoint);
export const action = loader;
