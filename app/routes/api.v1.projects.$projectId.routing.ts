import { apiHandler } from "~/api/define.server";
import { getRoutingEndpoint, putRoutingPolicyEndpoint } from "~/api/endpoints/classifier.server";

export const loader = apiHandler(getRoutingEndpoint, putRoutingPolicyEndpoint);
export const action = loader;
